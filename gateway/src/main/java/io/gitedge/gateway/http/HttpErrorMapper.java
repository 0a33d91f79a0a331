package io.gitedge.gateway.http;

import io.gitedge.gateway.git.GatewayException;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The one place HTTPS answers a {@link GatewayException}, and so decides the status of every
 * refusal and failure the gateway sends. Bodies are {@code text/plain}, which git prints to the
 * user as {@code remote: <line>} before its own fatal message; a 401 asking for credentials carries
 * {@code WWW-Authenticate: Basic} so git and Go look for them (.netrc, helpers); a 503 says when to
 * come back. Every type has an entry ({@code HttpRouterTest} fails otherwise).
 */
final class HttpErrorMapper {
  /** The status logged for a client that went away before its answer; nothing is sent. */
  static final int CLIENT_GONE = 499;

  /** How the answer to one type looks. */
  record Answer(int status, Header header, boolean sent) {}

  /** The one header an answer may need beyond the usual ones. */
  enum Header {
    NONE,
    /** {@code WWW-Authenticate}: ask for credentials. */
    CHALLENGE,
    /** {@code Retry-After}: try again soon. */
    RETRY_AFTER,
    /** {@code Allow}: the method the endpoint takes. */
    ALLOW,
    /** {@code Connection: close}: the rest of the request body will not be read. */
    CLOSE
  }

  static final Map<Class<? extends GatewayException>, Answer> ANSWERS = Map.ofEntries(
      Map.entry(GatewayException.Unauthenticated.class, new Answer(401, Header.CHALLENGE, true)),
      Map.entry(GatewayException.BadSignature.class, new Answer(401, Header.NONE, true)),
      Map.entry(GatewayException.MirrorNotFound.class, new Answer(404, Header.NONE, true)),
      Map.entry(GatewayException.ModuleNotFound.class, new Answer(404, Header.NONE, true)),
      Map.entry(GatewayException.ReadOnly.class, new Answer(403, Header.NONE, true)),
      Map.entry(GatewayException.Forbidden.class, new Answer(403, Header.NONE, true)),
      Map.entry(GatewayException.NotServed.class, new Answer(403, Header.NONE, true)),
      Map.entry(GatewayException.MirrorUnavailable.class,
          new Answer(503, Header.RETRY_AFTER, true)),
      Map.entry(GatewayException.IdentityUnavailable.class,
          new Answer(503, Header.RETRY_AFTER, true)),
      Map.entry(GatewayException.Busy.class, new Answer(503, Header.RETRY_AFTER, true)),
      Map.entry(GatewayException.BadRequest.class, new Answer(400, Header.NONE, true)),
      Map.entry(GatewayException.MethodNotAllowed.class, new Answer(405, Header.ALLOW, true)),
      Map.entry(GatewayException.TooLarge.class, new Answer(413, Header.CLOSE, true)),
      Map.entry(GatewayException.ClientGone.class,
          new Answer(CLIENT_GONE, Header.NONE, false)),
      Map.entry(GatewayException.Internal.class, new Answer(500, Header.NONE, true)));

  private HttpErrorMapper() {}

  static Answer answer(GatewayException e) {
    Answer a = ANSWERS.get(e.getClass());
    return a != null ? a : ANSWERS.get(GatewayException.Internal.class);
  }

  /**
   * Answers {@code e}, unless the response has started already or nobody is left to read it;
   * returns the status, as the metrics and the access log count it.
   */
  static int send(HttpServletResponse rsp, GatewayException e) throws IOException {
    Answer a = answer(e);
    if (!a.sent() || rsp.isCommitted()) {
      return a.status();
    }
    rsp.reset();
    rsp.setStatus(a.status());
    switch (a.header()) {
      case CHALLENGE -> rsp.setHeader("WWW-Authenticate", "Basic realm=\"gitedge\"");
      case RETRY_AFTER -> rsp.setHeader("Retry-After", "10");
      case ALLOW -> rsp.setHeader("Allow", ((GatewayException.MethodNotAllowed) e).allowed());
      case CLOSE -> rsp.setHeader("Connection", "close");
      case NONE -> { }
    }
    rsp.setHeader("Cache-Control", "no-cache, max-age=0, must-revalidate");
    rsp.setContentType(HttpCall.TEXT);
    byte[] body = (e.getMessage() + "\n").getBytes(StandardCharsets.UTF_8);
    rsp.setContentLength(body.length);
    rsp.getOutputStream().write(body);
    return a.status();
  }
}
