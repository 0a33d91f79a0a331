package io.gitedge.auth;

import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refuses SSH keys that were revoked, like OpenSSH's {@code RevokedKeys}: a revoked key does not
 * log in, whether presented plainly or inside a certificate, and a revoked CA key signs nothing
 * that logs in. Other credentials pass through to the wrapped source. Immutable and thread-safe.
 */
public final class RevokedSshKeys implements IdentitySource {
  private static final Logger log = LoggerFactory.getLogger(RevokedSshKeys.class);

  private final Set<SshKey> revoked;
  private final IdentitySource delegate;

  public RevokedSshKeys(List<SshKey> revoked, IdentitySource delegate) {
    this.revoked = Set.copyOf(revoked);
    this.delegate = delegate;
  }

  @Override
  public Decision decide(Credential credential) {
    if (credential instanceof SshKey k && revoked.contains(k)) {
      log.info("key refused: reason=revoked fingerprint={}", k);
      return new Decision.Reject("revoked");
    }
    if (credential instanceof SshCertificate c
        && (revoked.contains(c.key()) || revoked.contains(c.authority()))) {
      log.info("certificate refused: reason=revoked id={} key={} ca={}", c.keyId(), c.key(),
          c.authority());
      return new Decision.Reject("revoked");
    }
    return delegate.decide(credential);
  }
}
