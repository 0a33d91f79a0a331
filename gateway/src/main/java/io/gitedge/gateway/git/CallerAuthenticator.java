package io.gitedge.gateway.git;

import io.gitedge.auth.AccessToken;
import io.gitedge.auth.Decision;
import io.gitedge.auth.IdentitySource;
import io.gitedge.auth.Principal;
import java.util.Optional;

/**
 * Turns the credential a front door extracted into a {@link Principal}: none means anonymous, an
 * accepted one its user, an identity source that cannot answer
 * {@link GatewayException.IdentityUnavailable}, anything else
 * {@link GatewayException.Unauthenticated}. The credential never reaches a log line; the sources
 * log reason codes. Thread-safe.
 */
public final class CallerAuthenticator {
  private final IdentitySource source;

  public CallerAuthenticator(IdentitySource source) {
    this.source = source;
  }

  /**
   * @param token the presented token, or empty when the caller sent no credentials
   * @throws GatewayException.Unauthenticated when a token was sent but is not accepted
   * @throws GatewayException.IdentityUnavailable when no source could decide
   */
  public Principal authenticate(Optional<AccessToken> token) throws GatewayException {
    if (token.isEmpty()) {
      return Principal.ANONYMOUS;
    }
    Decision d = source.decide(token.get());
    if (d instanceof Decision.Accept a) {
      return a.principal();
    }
    if (d instanceof Decision.Unavailable) {
      throw new GatewayException.IdentityUnavailable();
    }
    throw new GatewayException.Unauthenticated();
  }
}
