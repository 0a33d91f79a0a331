package io.gitedge.gateway.ssh;

import io.gitedge.gateway.observe.LogText;
import java.io.IOException;
import java.security.PublicKey;
import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;
import org.apache.sshd.server.auth.pubkey.UserAuthPublicKey;
import org.apache.sshd.server.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.server.session.ServerSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MINA's public-key authentication, remembering which key (or certificate, whole) a session
 * authenticated with, so the session's caller can be found again when a command starts. The key
 * is recorded only when MINA has verified the client's signature and the authenticator agreed;
 * a key merely offered in a query leaves no trace. (MINA's own record keeps only the key inside
 * a certificate, losing the certificate's principals.) Every signed login, accepted or refused,
 * is one line on the {@code io.gitedge.gateway.ssh.login} logger, with a reason code for a
 * refusal: {@code bad-signature} (the signature does not match the key) or {@code key-refused}
 * (no identity source accepts the key, or the certificate is invalid).
 */
final class SigningKeyRecorder extends UserAuthPublicKey {
  /** One line per signed login, accepted or refused, with a stable reason. */
  private static final Logger audit = LoggerFactory.getLogger("io.gitedge.gateway.ssh.login");

  /** The key or certificate of the last successful public-key authentication. */
  static final AttributeRepository.AttributeKey<PublicKey> SIGNED_BY =
      new AttributeRepository.AttributeKey<>();

  /** Installs this method in place of MINA's {@code publickey}. */
  static final UserAuthPublicKeyFactory FACTORY = new UserAuthPublicKeyFactory() {
    @Override
    public UserAuthPublicKey createUserAuth(ServerSession session) throws IOException {
      return new SigningKeyRecorder();
    }
  };

  /**
   * Set while the authenticator runs: whether the request it judges carries a signature (rather
   * than only asking whether a key would do).
   */
  static final AttributeRepository.AttributeKey<Boolean> SIGNED_REQUEST =
      new AttributeRepository.AttributeKey<>();

  @Override
  public Boolean doAuth(Buffer buffer, boolean init) throws Exception {
    PublicKey offered = peekKey(buffer);
    ServerSession session = getServerSession();
    boolean signed = hasSignature(buffer);
    session.setAttribute(SIGNED_REQUEST, signed);
    Boolean result;
    try {
      result = super.doAuth(buffer, init);
    } catch (Exception e) {
      if (signed) {
        audit.info("SSH login refused: user={} key={} from {} reason=bad-signature",
            LogText.printable(getUsername()), fingerprint(offered),
            session.getClientAddress());
      }
      throw e;
    } finally {
      session.removeAttribute(SIGNED_REQUEST);
    }
    if (Boolean.TRUE.equals(result) && offered != null) {
      getServerSession().setAttribute(SIGNED_BY, offered);
      audit.info("SSH login: user={} key={} from {}", LogText.printable(getUsername()),
          fingerprint(offered), session.getClientAddress());
    } else if (signed && !Boolean.TRUE.equals(result)) {
      audit.info("SSH login refused: user={} key={} from {} reason=key-refused",
          LogText.printable(getUsername()), fingerprint(offered),
          session.getClientAddress());
    }
    return result;
  }

  private static String fingerprint(PublicKey key) {
    if (key instanceof OpenSshCertificate c) {
      return KeyUtils.getFingerPrint(c.getCertPubKey()) + " (certificate id="
          + LogText.printable(c.getId()) + ")";
    }
    return key == null ? "unreadable" : KeyUtils.getFingerPrint(key);
  }

  private static boolean hasSignature(Buffer request) {
    return request.available() > 0 && request.array()[request.rpos()] != 0;
  }

  /** The key in a publickey request (has-signature flag, algorithm, key blob), not consumed. */
  private static PublicKey peekKey(Buffer request) {
    try {
      Buffer b = new ByteArrayBuffer(request.array(), request.rpos(), request.available());
      b.getBoolean();
      b.getString();
      int len = b.getInt();
      if (len < 0 || len > b.available()) {
        return null;
      }
      b.wpos(b.rpos() + len);
      return b.getRawPublicKey();
    } catch (RuntimeException | org.apache.sshd.common.SshException e) {
      return null; // MINA's own parse of the same bytes refuses the request
    }
  }
}
