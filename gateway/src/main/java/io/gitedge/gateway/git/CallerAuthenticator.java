package io.gitedge.gateway.git;

import io.gitedge.auth.Credential;
import io.gitedge.auth.Decision;
import io.gitedge.auth.IdentitySource;
import io.gitedge.auth.Principal;
import java.util.Optional;

/**
 * Turns the credential a front door extracted (a token, an SSH key or certificate) into a
 * {@link Principal}, the same way for every door: none means anonymous, an accepted one its user, an
 * identity source that cannot answer {@link GatewayException.IdentityUnavailable}, anything else
 * {@link GatewayException.Unauthenticated}. The credential never reaches a log line; the sources
 * log reason codes. Thread-safe.
 */
public final class CallerAuthenticator {
  private final IdentitySource source;

  public CallerAuthenticator(IdentitySource source) {
    this.source = source;
  }

  /**
   * @param credential the presented credential, or empty when the caller sent none
   * @throws GatewayException.Unauthenticated when a credential was sent but is not accepted
   * @throws GatewayException.IdentityUnavailable when no source could decide
   */
  public Principal authenticate(Optional<? extends Credential> credential)
      throws GatewayException {
    if (credential.isEmpty()) {
      return Principal.ANONYMOUS;
    }
    Decision d = source.decide(credential.get());
    if (d instanceof Decision.Accept a) {
      return a.principal();
    }
    if (d instanceof Decision.Unavailable) {
      throw new GatewayException.IdentityUnavailable();
    }
    throw new GatewayException.Unauthenticated();
  }
}
