package io.gitedge.gateway.http;

import io.gitedge.gateway.git.GatewayException;
import io.gitedge.gateway.git.ReadSession;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * One HTTPS request on its way through an {@link Endpoint}: the servlet request and response, the
 * decoded path ({@code /github.com/acme/lib.git/info/refs}), and the request's
 * {@link ReadSession} (authenticated already when the route asks for credentials).
 */
record HttpCall(HttpServletRequest request, HttpServletResponse response, String path,
    ReadSession session) {
  static final String TEXT = "text/plain; charset=utf-8";

  /** Answers {@code status} with a short uncached {@code body} of {@code type}; returns it. */
  int text(int status, String type, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    response.setStatus(status);
    response.setContentType(type);
    response.setHeader("Cache-Control", "no-cache");
    response.setContentLength(bytes.length);
    response.getOutputStream().write(bytes);
    return status;
  }

  /** A plain-text line, as git prints it ({@code remote: <line>}). */
  int line(int status, String line) throws IOException {
    return text(status, TEXT, line + "\n");
  }

  /** {@code request.getMethod()} is {@code method}, or the request is refused with 405. */
  void require(String method, String refusal) throws GatewayException.MethodNotAllowed {
    if (!method.equals(request.getMethod())) {
      throw new GatewayException.MethodNotAllowed(method, refusal);
    }
  }
}
