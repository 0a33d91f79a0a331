package io.gitedge.gateway.http;

import io.gitedge.auth.AccessToken;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * Reads the token from an {@code Authorization} header, in the forms git, Go and CI tools send:
 * {@code Bearer <token>} ({@code http.extraHeader}), or Basic with the token as password and any
 * user name ({@code .netrc}, credential helpers), or as user name with an empty password.
 * A header in any other form yields a token that matches nothing, so the caller is refused rather
 * than treated as anonymous.
 */
final class HttpCredentials {
  private HttpCredentials() {}

  static Optional<AccessToken> token(String authorization) {
    if (authorization == null || authorization.isBlank()) {
      return Optional.empty();
    }
    String h = authorization.trim();
    int space = h.indexOf(' ');
    String scheme = space < 0 ? h : h.substring(0, space);
    String value = space < 0 ? "" : h.substring(space + 1).trim();
    if (scheme.equalsIgnoreCase("Bearer")) {
      return Optional.of(AccessToken.of(value));
    }
    if (scheme.equalsIgnoreCase("Basic")) {
      try {
        String pair = new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8);
        int colon = pair.indexOf(':');
        String user = colon < 0 ? pair : pair.substring(0, colon);
        String password = colon < 0 ? "" : pair.substring(colon + 1);
        return Optional.of(AccessToken.of(password.isEmpty() ? user : password));
      } catch (IllegalArgumentException e) {
        return Optional.of(AccessToken.of(""));
      }
    }
    return Optional.of(AccessToken.of(""));
  }
}
