package io.gitedge.gateway.git;

import io.gitedge.auth.AccessToken;
import io.gitedge.auth.IdentitySource;
import io.gitedge.auth.Principal;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the credential a front door extracted into a {@link Principal}: none means anonymous, a
 * recognised token its user, anything else {@link GatewayException.Unauthenticated}. The token
 * never reaches a log line; only a stable reason code does. Thread-safe.
 */
public final class CallerAuthenticator {
  private static final Logger log = LoggerFactory.getLogger(CallerAuthenticator.class);

  private final IdentitySource source;

  public CallerAuthenticator(IdentitySource source) {
    this.source = source;
  }

  /**
   * @param token the presented token, or empty when the caller sent no credentials
   * @throws GatewayException.Unauthenticated when a token was sent but is not recognised
   */
  public Principal authenticate(Optional<AccessToken> token)
      throws GatewayException.Unauthenticated {
    if (token.isEmpty()) {
      return Principal.ANONYMOUS;
    }
    Optional<Principal> p = source.authenticate(token.get());
    if (p.isEmpty()) {
      log.info("authentication failed: reason=unknown-token");
      throw new GatewayException.Unauthenticated();
    }
    return p.get();
  }
}
