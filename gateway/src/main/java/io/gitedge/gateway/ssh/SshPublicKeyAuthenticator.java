package io.gitedge.gateway.ssh;

import io.gitedge.auth.Credential;
import io.gitedge.auth.Decision;
import io.gitedge.auth.IdentitySource;
import io.gitedge.auth.SshCertificate;
import io.gitedge.auth.SshKey;
import io.gitedge.gateway.git.GatewayException;
import java.io.IOException;
import java.security.PublicKey;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.server.auth.pubkey.PublickeyAuthenticator;
import org.apache.sshd.server.session.ServerSession;

/**
 * Translates the public key (or OpenSSH certificate) a client offers into a {@link Credential}
 * and asks the identity source about it. Synchronous and free of side effects on what the session
 * may do, as MINA SSHD 2.20 requires of public-key authenticators (CVE-2026-77185): it is
 * consulted both when a client only asks whether a key would do and when it signs, and it never
 * records anything. When the identity source cannot answer, it refuses a key a client only asks
 * about (sending one banner line saying why, so a client with several keys still gets to the one
 * the identity file knows), and ends the session with that reason when the client signed with
 * it. MINA verifies the
 * signature (and, for certificates, the CA's signature, the validity window and
 * {@code source-address}) itself; the CA's trust, the principals and the other critical options
 * are checked by {@link io.gitedge.auth.SshCertificateAuthorities}.
 *
 * <p>Once a session is authenticated, {@link #signedCredential} is the key (or certificate)
 * {@link SigningKeyRecorder} saw sign, so nothing from a mere key query can stick to the session.
 */
final class SshPublicKeyAuthenticator implements PublickeyAuthenticator {
  private final IdentitySource identity;

  SshPublicKeyAuthenticator(IdentitySource identity) {
    this.identity = identity;
  }

  @Override
  public boolean authenticate(String username, PublicKey key, ServerSession session) {
    Decision d = identity.decide(credential(username, key));
    if (d instanceof Decision.Unavailable && session != null) {
      if (Boolean.TRUE.equals(session.getAttribute(SigningKeyRecorder.SIGNED_REQUEST))) {
        // the client signed with this key, so it has no better one: tell it why before it
        // gives up (OpenSSH prints "Received disconnect ...: gitedge: identity source ...")
        disconnect(session);
      } else {
        // a mere query: the client may hold another key the identity file knows, so let it go
        // on, and say once why this one could not be checked (OpenSSH prints the banner)
        warnOnce(session);
      }
    }
    return d instanceof Decision.Accept;
  }

  private static final org.apache.sshd.common.AttributeRepository.AttributeKey<Boolean> WARNED =
      new org.apache.sshd.common.AttributeRepository.AttributeKey<>();

  private static void warnOnce(ServerSession session) {
    if (session.setAttribute(WARNED, Boolean.TRUE) != null) {
      return;
    }
    String message = new GatewayException.IdentityUnavailable().getMessage()
        + " (a key could not be checked)\n";
    try {
      Buffer b = session.createBuffer(SshConstants.SSH_MSG_USERAUTH_BANNER, message.length() + 8);
      b.putString(message);
      b.putString("");
      session.writePacket(b);
    } catch (IOException e) {
      // the client learns nothing more; authentication goes on
    }
  }

  private static void disconnect(ServerSession session) {
    try {
      session.disconnect(SshConstants.SSH2_DISCONNECT_SERVICE_NOT_AVAILABLE,
          new GatewayException.IdentityUnavailable().getMessage());
    } catch (IOException e) {
      session.close(true);
    }
  }

  /**
   * The credential of an authenticated session: the key (or certificate) that signed its login,
   * which every command presents again, so a key revoked since the login no longer counts once
   * the caches let go of it.
   *
   * @throws GatewayException.Unauthenticated when no key signed (the session is not logged in)
   */
  static Credential signedCredential(ServerSession session)
      throws GatewayException.Unauthenticated {
    PublicKey signed = session.isAuthenticated()
        ? session.getAttribute(SigningKeyRecorder.SIGNED_BY) : null;
    if (signed == null) {
      throw new GatewayException.Unauthenticated();
    }
    return credential(session.getUsername(), signed);
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
