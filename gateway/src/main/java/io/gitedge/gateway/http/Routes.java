package io.gitedge.gateway.http;

import io.gitedge.gateway.git.GatewayException;
import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.List;

/**
 * Which {@link Endpoint} answers which HTTPS request: an ordered table, the first matching row
 * wins, and the last row takes the rest. Each row also says what the request needs before its
 * endpoint runs ({@link Access}) and how the metrics name it. Built once, then read by every
 * request; not modified after the listener starts.
 */
final class Routes {
  /** What a route needs before its endpoint runs. */
  enum Access {
    /** Nothing, and not counted as a client's request in flight: load balancers' checks. */
    PROBE,
    /** No credentials: the body carries a signature the endpoint checks (webhooks). */
    SIGNED,
    /** The caller's credentials, checked before the endpoint runs (anonymous without any). */
    CALLER
  }

  /** A row's outcome: the metrics' service label, what is needed, who answers. */
  record Route(String service, Access access, Endpoint endpoint) {}

  /**
   * For a path that arrived percent-encoded or with dot segments the HTTP layer normalised away:
   * no client of ours sends that, so only canonical paths are served.
   */
  static final Route NOT_CANONICAL = new Route("other", Access.CALLER, Routes::notFound);

  /** Whether a row takes a request: its decoded path, and the request for the rest. */
  @FunctionalInterface
  interface Matcher {
    boolean matches(String path, HttpServletRequest request);
  }

  private record Row(Matcher matcher, Route route) {}

  private final List<Row> rows = new ArrayList<>();
  private Route otherwise;

  /** Requests for exactly {@code path}. */
  Routes exact(String path, String service, Access access, Endpoint endpoint) {
    return when((p, r) -> p.equals(path), service, access, endpoint);
  }

  /** Requests for {@code prefix} and everything under it ({@code prefix} ends with a slash). */
  Routes prefix(String prefix, String service, Access access, Endpoint endpoint) {
    return when((p, r) -> p.startsWith(prefix), service, access, endpoint);
  }

  /** Requests {@code matcher} takes. */
  Routes when(Matcher matcher, String service, Access access, Endpoint endpoint) {
    rows.add(new Row(matcher, new Route(service, access, endpoint)));
    return this;
  }

  /** Every request no earlier row took. */
  Routes otherwise(String service, Access access, Endpoint endpoint) {
    otherwise = new Route(service, access, endpoint);
    return this;
  }

  /** The route of a request for the decoded {@code path}. */
  Route find(String path, HttpServletRequest request) {
    if (!path.equals(harmlessDecoded(request.getRequestURI()))) {
      return NOT_CANONICAL;
    }
    for (Row r : rows) {
      if (r.matcher().matches(path, request)) {
        return r.route();
      }
    }
    return otherwise;
  }

  /**
   * {@code uri} with the percent-encodings of {@code !}, {@code +} and {@code ~} decoded: the go
   * command's proxy client encodes the {@code !} of the module proxy's case encoding
   * ({@code github.com/%21azure/...}) and may encode a version's {@code +}; those three never
   * change which resource a path names. Every other encoding still makes a path not canonical.
   */
  static String harmlessDecoded(String uri) {
    if (uri.indexOf('%') < 0) {
      return uri;
    }
    StringBuilder out = new StringBuilder(uri.length());
    for (int i = 0; i < uri.length(); i++) {
      char c = uri.charAt(i);
      if (c == '%' && i + 2 < uri.length()) {
        String hex = uri.substring(i + 1, i + 3).toUpperCase(java.util.Locale.ROOT);
        char decoded = switch (hex) {
          case "21" -> '!';
          case "2B" -> '+';
          case "7E" -> '~';
          default -> 0;
        };
        if (decoded != 0) {
          out.append(decoded);
          i += 2;
          continue;
        }
      }
      out.append(c);
    }
    return out.toString();
  }

  /**
   * The answer for anything that is not served: "not found", after the caller's credentials
   * (so an anonymous caller is asked for them first, and no path tells what exists).
   */
  static int notFound(HttpCall call) throws GatewayException {
    call.session().requireCaller();
    throw new GatewayException.MirrorNotFound();
  }
}
