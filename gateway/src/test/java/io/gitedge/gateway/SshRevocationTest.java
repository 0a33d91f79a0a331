package io.gitedge.gateway;

import static io.gitedge.gateway.GatewayHarness.LIB;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitedge.testing.ClientHome;
import io.gitedge.testing.ClientProcess;
import io.gitedge.testing.ProcessResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Catalogue row S03, revocation: revoked keys and CAs log nobody in. */
class SshRevocationTest {
  @TempDir Path dir;

  private static Path certifiedKey(Path dir, Path ca, String principal) {
    Path key = dir.resolve("carol");
    ClientProcess.run(dir, ClientProcess.baseEnvironment(), List.of("ssh-keygen", "-q", "-t",
        "ed25519", "-N", "", "-f", key.toString()), null).assertOk();
    ClientProcess.run(dir, ClientProcess.baseEnvironment(), List.of("ssh-keygen", "-q", "-s",
        ca.toString(), "-I", "carol", "-n", principal, "-V", "-5m:+1h", key + ".pub"), null)
        .assertOk();
    return key;
  }

  private static ProcessResult lsRemote(GatewayHarness gw, ClientHome c) {
    return c.git(gw.workDir("r"), "ls-remote", gw.sshUrl(LIB));
  }

  @Test
  void aRevokedUserKey_isRefused_whileOthersStillLogIn() throws Exception {
    // the harness copies one cached key per user, so bob's public key is known before start
    GatewayHarness probe = GatewayHarness.start(dir.resolve("probe"));
    String bob = GatewayHarness.publicKeyLine(probe.key("bob"));
    probe.close();
    try (GatewayHarness gw = GatewayHarness.start(dir.resolve("gw"), GatewayHarness.Options
        .defaults().withIdentity("sshRevokedKeys", "[\"" + bob + "\"]"))) {
      ProcessResult r = lsRemote(gw, gw.clientWithSshKey("bob")).assertFailed();
      assertTrue(r.stderr().contains("Permission denied (publickey)"), r.describe());
      lsRemote(gw, gw.clientWithSshKey("alice")).assertOk();
    }
  }

  @Test
  void aRevokedCa_logsNobodyIn_andARevokedCertifiedKeyNeither() throws Exception {
    GatewayHarness probe = GatewayHarness.start(dir.resolve("probe"));
    String ca = GatewayHarness.publicKeyLine(probe.key("ca"));
    Path key = certifiedKey(Files.createDirectories(dir.resolve("carol")), probe.key("ca"),
        "alice");
    ClientHome carol = probe.client("carol").with("GIT_SSH_COMMAND",
        probe.sshCommand(key) + " -o CertificateFile=" + key + "-cert.pub");
    lsRemote(probe, carol).assertOk();
    probe.close();

    for (String revoked : List.of(ca, GatewayHarness.publicKeyLine(key))) {
      Path gwDir = dir.resolve("gw" + revoked.hashCode());
      try (GatewayHarness gw = GatewayHarness.start(gwDir, GatewayHarness.Options.defaults()
          .withIdentity("sshRevokedKeys", "[\"" + revoked + "\"]"))) {
        ClientHome c = gw.client("carol").with("GIT_SSH_COMMAND",
            gw.sshCommand(key) + " -o CertificateFile=" + key + "-cert.pub");
        ProcessResult r = lsRemote(gw, c).assertFailed();
        assertTrue(r.stderr().contains("Permission denied (publickey)"), r.describe());
      }
    }
  }
}
