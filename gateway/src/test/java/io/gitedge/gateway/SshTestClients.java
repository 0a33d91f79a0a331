package io.gitedge.gateway;

import static io.gitedge.gateway.GatewayHarness.LIB;

import io.gitedge.testing.ClientHome;
import io.gitedge.testing.ClientProcess;
import io.gitedge.testing.ProcessResult;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.auth.pubkey.PublicKeyAuthenticationReporter;
import org.apache.sshd.client.auth.pubkey.PublicKeyIdentity;
import org.apache.sshd.client.auth.pubkey.UserAuthPublicKey;
import org.apache.sshd.client.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.client.keyverifier.KnownHostsServerKeyVerifier;
import org.apache.sshd.client.keyverifier.RejectAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.apache.sshd.common.util.security.SecurityUtils;

/**
 * SSH clients and user certificates for the gateway's SSH tests: MINA's client where a test must
 * send what OpenSSH's will not (a forged signature, a host certificate), and certificates signed
 * by {@code ssh-keygen} for the real OpenSSH client.
 */
final class SshTestClients {
  private SshTestClients() {}

  /** A started MINA client that trusts only {@code gw}'s host key (its known_hosts). */
  static SshClient trusting(GatewayHarness gw) {
    SshClient client = SshClient.setUpDefaultClient();
    client.setServerKeyVerifier(new KnownHostsServerKeyVerifier(
        RejectAllServerKeyVerifier.INSTANCE, gw.knownHosts()));
    client.start();
    return client;
  }

  /**
   * A started MINA client that trusts only {@code gw}'s host key and, at each login, offers
   * exactly one identity, {@code offer}'s for the session, once and whatever its kind: the
   * client's own choice (which skips anything but user keys and certificates) is bypassed, so a
   * test can offer forged identities.
   */
  static SshClient offeringOnly(GatewayHarness gw,
      Function<ClientSession, PublicKeyIdentity> offer) {
    SshClient client = SshClient.setUpDefaultClient();
    client.setServerKeyVerifier(new KnownHostsServerKeyVerifier(
        RejectAllServerKeyVerifier.INSTANCE, gw.knownHosts()));
    client.setUserAuthFactories(List.of(new UserAuthPublicKeyFactory() {
      @Override
      public UserAuthPublicKey createUserAuth(ClientSession session) {
        return new UserAuthPublicKey(getSignatureFactories()) {
          private boolean offered;

          @Override
          protected PublicKeyIdentity resolveAttemptedPublicKeyIdentity(ClientSession s,
              String service, PublicKeyAuthenticationReporter reporter) {
            if (offered) {
              return null;
            }
            offered = true;
            return offer.apply(s);
          }
        };
      }
    }));
    client.start();
    return client;
  }

  /** The certificate {@code key-cert.pub} with {@code key}'s private half, as MINA offers it. */
  static KeyPair certificateIdentity(Path key) {
    try {
      PublicKey certificate = PublicKeyEntry.parsePublicKeyEntry(
          Files.readString(Path.of(key + "-cert.pub")).trim())
          .resolvePublicKey(null, null, PublicKeyEntryResolver.FAILING);
      try (InputStream in = Files.newInputStream(key)) {
        return new KeyPair(certificate, SecurityUtils.loadKeyPairIdentities(null,
            NamedResource.ofName(key.toString()), in, null).iterator().next().getPrivate());
      }
    } catch (IOException | GeneralSecurityException e) {
      throw new AssertionError("cannot read the certificate of " + key, e);
    }
  }

  /**
   * A fresh ed25519 key {@code dir/certs/name}, its public half signed by {@code ca} with the
   * {@code ssh-keygen} options (principals {@code -n}, validity {@code -V}, {@code -O} options,
   * {@code -h} for a host certificate) into {@code name-cert.pub}.
   */
  static Path certificate(Path dir, String name, Path ca, String... options) {
    Path key = dir.resolve("certs").resolve(name);
    ClientProcess.run(dir, ClientProcess.baseEnvironment(), List.of("bash", "-c",
        "mkdir -p " + key.getParent() + " && ssh-keygen -q -t ed25519 -N '' -f " + key), null)
        .assertOk();
    List<String> cmd = new ArrayList<>(List.of("ssh-keygen", "-q", "-s", ca.toString(), "-I",
        name));
    cmd.addAll(List.of(options));
    cmd.add(key + ".pub");
    ClientProcess.run(dir, ClientProcess.baseEnvironment(), cmd, null).assertOk();
    return key;
  }

  /** {@code git ls-remote} of {@link GatewayHarness#LIB} over OpenSSH with {@code key}'s cert. */
  static ProcessResult lsRemoteWithCertificate(GatewayHarness gw, Path dir, Path key) {
    ClientHome c = gw.client("cert-" + key.getFileName()).with("GIT_SSH_COMMAND",
        gw.sshCommand(key) + " -o CertificateFile=" + key + "-cert.pub");
    return c.git(dir, "ls-remote", gw.sshUrl(LIB));
  }
}
