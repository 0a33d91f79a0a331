package io.gitedge.gateway.http;

import io.gitedge.gateway.git.GatewayException;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The one place HTTP answers a {@link GatewayException}. Bodies are {@code text/plain}, which
 * git prints to the user as {@code remote: <line>} before its own fatal message; a 401 carries
 * {@code WWW-Authenticate: Basic} so git and Go look for credentials (.netrc, helpers).
 */
final class HttpErrorMapper {
  private HttpErrorMapper() {}

  static int status(GatewayException e) {
    if (e instanceof GatewayException.Unauthenticated) {
      return HttpServletResponse.SC_UNAUTHORIZED;
    } else if (e instanceof GatewayException.MirrorNotFound) {
      return HttpServletResponse.SC_NOT_FOUND;
    } else if (e instanceof GatewayException.ReadOnly
        || e instanceof GatewayException.Forbidden) {
      return HttpServletResponse.SC_FORBIDDEN;
    } else if (e instanceof GatewayException.MirrorUnavailable
        || e instanceof GatewayException.IdentityUnavailable) {
      return HttpServletResponse.SC_SERVICE_UNAVAILABLE;
    } else {
      return HttpServletResponse.SC_BAD_REQUEST;
    }
  }

  /** Answers {@code e}; returns the status sent. */
  static int send(HttpServletResponse rsp, GatewayException e) throws IOException {
    int status = status(e);
    rsp.reset();
    rsp.setStatus(status);
    if (e instanceof GatewayException.Unauthenticated) {
      rsp.setHeader("WWW-Authenticate", "Basic realm=\"gitedge\"");
    }
    if (status == HttpServletResponse.SC_SERVICE_UNAVAILABLE) {
      rsp.setHeader("Retry-After", "10");
    }
    rsp.setHeader("Cache-Control", "no-cache, max-age=0, must-revalidate");
    rsp.setContentType("text/plain; charset=utf-8");
    byte[] body = (e.getMessage() + "\n").getBytes(StandardCharsets.UTF_8);
    rsp.setContentLength(body.length);
    rsp.getOutputStream().write(body);
    return status;
  }
}
