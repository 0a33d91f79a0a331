package io.gitedge.gateway.ssh;

import io.gitedge.auth.Credential;
import io.gitedge.auth.IdentitySource;
import io.gitedge.auth.Principal;
import io.gitedge.auth.SshCertificate;
import io.gitedge.auth.SshKey;
import java.security.PublicKey;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.server.auth.pubkey.PublickeyAuthenticator;
import org.apache.sshd.server.session.ServerSession;

/**
 * Translates the public key (or OpenSSH certificate) a client offers into a {@link Credential}
 * and asks the identity source about it. Synchronous and free of side effects, as MINA SSHD 2.20
 * requires of public-key authenticators (CVE-2026-77185): it is consulted both when a client only
 * asks whether a key would do and when it signs, and it never records anything. MINA verifies the
 * signature (and, for certificates, the CA's signature, the validity window and
 * {@code source-address}) itself; the CA's trust, the principals and the other critical options
 * are checked by {@link io.gitedge.auth.SshCertificateAuthorities}.
 *
 * <p>Once a session is authenticated, {@link #principal} finds the caller again from the key (or
 * certificate) {@link SigningKeyRecorder} saw sign, so nothing from a mere key query can stick to
 * the session.
 */
final class SshPublicKeyAuthenticator implements PublickeyAuthenticator {
  private final IdentitySource identity;

  SshPublicKeyAuthenticator(IdentitySource identity) {
    this.identity = identity;
  }

  @Override
  public boolean authenticate(String username, PublicKey key, ServerSession session) {
    return identity.authenticate(credential(username, key)).isPresent();
  }

  /** The principal of an authenticated session: the one the signing key stands for. */
  Optional<Principal> principal(ServerSession session) {
    if (!session.isAuthenticated()) {
      return Optional.empty();
    }
    PublicKey signed = session.getAttribute(SigningKeyRecorder.SIGNED_BY);
    if (signed == null) {
      return Optional.empty();
    }
    return identity.authenticate(credential(session.getUsername(), signed));
  }

  static Credential credential(String login, PublicKey key) {
    if (key instanceof OpenSshCertificate c) {
      Set<String> options = c.getCriticalOptions().stream()
          .map(OpenSshCertificate.CertificateOption::getName).collect(Collectors.toSet());
      return new SshCertificate(c.getId(), new SshKey(KeyUtils.getFingerPrint(c.getCertPubKey())),
          c.getType() == OpenSshCertificate.Type.USER,
          new SshKey(KeyUtils.getFingerPrint(c.getCaPubKey())), List.copyOf(c.getPrincipals()),
          instant(c.getValidAfter()), instant(c.getValidBefore()), options,
          login == null ? "" : login);
    }
    return new SshKey(KeyUtils.getFingerPrint(key));
  }

  /** OpenSSH validity bounds are unsigned seconds; the largest value means "forever". */
  private static Instant instant(long unsignedSeconds) {
    return unsignedSeconds < 0 || unsignedSeconds > Instant.MAX.getEpochSecond() ? Instant.MAX
        : Instant.ofEpochSecond(unsignedSeconds);
  }
}
