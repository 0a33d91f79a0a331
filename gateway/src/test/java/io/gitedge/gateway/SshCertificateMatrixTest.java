package io.gitedge.gateway;

import static io.gitedge.gateway.GatewayHarness.LIB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitedge.testing.ClientHome;
import io.gitedge.testing.ClientProcess;
import io.gitedge.testing.ProcessResult;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.future.AuthFuture;
import org.apache.sshd.client.keyverifier.KnownHostsServerKeyVerifier;
import org.apache.sshd.client.keyverifier.RejectAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Catalogue rows S03 (the certificate matrix in one count: every kind of invalid user
 * certificate a client will send is refused, each seen and refused by the server, and the valid
 * one accepted) and S05's NUL byte, which no shell can pass to {@code ssh}, sent with MINA's
 * client. A host certificate is the one kind no client sends for user authentication (OpenSSH
 * and MINA both hold it back, which this test checks); {@code SshCredentialsTest} refuses it
 * on the server side.
 */
class SshCertificateMatrixTest {
  /** One gateway for the class: neither test changes what the other sees. */
  @TempDir static Path gatewayDir;
  static GatewayHarness gw;
  @TempDir Path dir;

  @BeforeAll
  static void start() throws Exception {
    gw = GatewayHarness.start(gatewayDir);
  }

  @AfterAll
  static void stop() {
    if (gw != null) {
      gw.close();
    }
  }

  private Path certificate(String name, Path ca, String... options) {
    return SshTestClients.certificate(dir, name, ca, options);
  }

  private ProcessResult lsRemoteWithOpenSsh(Path key) {
    return SshTestClients.lsRemoteWithCertificate(gw, dir, key);
  }

  /**
   * Logs in with MINA's client offering {@code key}'s certificate (OpenSSH's client will not
   * offer a host certificate for user authentication; MINA's sends whatever it is given).
   */
  private boolean minaLogsInWithCertificate(Path key) throws Exception {
    try (SshClient client = SshTestClients.trusting(gw);
        ClientSession s = client.connect("git", "127.0.0.1", gw.sshPort())
            .verify(Duration.ofSeconds(10)).getSession()) {
      s.addPublicKeyIdentity(SshTestClients.certificateIdentity(key));
      AuthFuture auth = s.auth();
      assertTrue(auth.await(Duration.ofSeconds(10)), "S03: no answer to " + key);
      return auth.isSuccess() || s.isAuthenticated();
    }
  }

  @Test
  void s03_everyKindOfInvalidCertificate_isRefused_andTheValidOneLogsIn() throws Exception {
    Path otherCa = dir.resolve("other-ca");
    ClientProcess.run(dir, ClientProcess.baseEnvironment(), List.of("ssh-keygen", "-q", "-t",
        "ed25519", "-N", "", "-f", otherCa.toString()), null).assertOk();
    Path ca = gw.key("ca");
    Map<String, Path> refused = new LinkedHashMap<>();
    refused.put("untrusted CA", certificate("untrusted", otherCa, "-n", "alice", "-V",
        "-5m:+1h"));
    refused.put("expired", certificate("expired", ca, "-n", "alice", "-V", "-2h:-1h"));
    refused.put("not yet valid", certificate("future", ca, "-n", "alice", "-V", "+1h:+2h"));
    refused.put("no principals", certificate("empty", ca, "-V", "-5m:+1h"));
    refused.put("wrong principal", certificate("wrong", ca, "-n", "mallory", "-V", "-5m:+1h"));
    refused.put("host certificate", certificate("host", ca, "-h", "-n", "alice", "-V",
        "-5m:+1h"));
    refused.put("unknown critical option", certificate("critical", ca, "-n", "alice", "-V",
        "-5m:+1h", "-O", "critical:unknown-option@example.com=x"));
    refused.put("force-command", certificate("forced", ca, "-n", "alice", "-V", "-5m:+1h",
        "-O", "force-command=git-upload-pack github.com/acme/lib"));
    refused.put("other source address", certificate("elsewhere", ca, "-n", "alice", "-V",
        "-5m:+1h", "-O", "source-address=10.0.0.0/8"));
    Path valid = certificate("valid", ca, "-n", "alice", "-V", "-5m:+1h");

    List<String> rejected = new ArrayList<>();
    List<String> heldBack = new ArrayList<>();
    try (LogCapture mina = new LogCapture("io.gitedge.gateway.ssh.SigningKeyRecorder",
            ch.qos.logback.classic.Level.WARN);
        LogCapture ours = new LogCapture("io.gitedge.auth", ch.qos.logback.classic.Level.INFO)) {
      for (var e : refused.entrySet()) {
        String why = e.getKey();
        if (why.equals("host certificate")) {
          // neither client offers it: the server must not even see it, let alone accept it
          assertTrue(!minaLogsInWithCertificate(e.getValue()), "S03: a host certificate logged in");
          assertTrue(!lsRemoteWithOpenSsh(e.getValue()).ok(), "S03: a host certificate logged in");
          heldBack.add(why);
          continue;
        }
        ProcessResult r = lsRemoteWithOpenSsh(e.getValue());
        boolean in = r.ok();
        String detail = r.describe();
        assertTrue(!in, "S03: a certificate (" + why + ") logged in: " + detail);
        String id = "id=" + e.getValue().getFileName();
        assertTrue(mina.any(id) || ours.any(id), "S03: " + why + ": the server never saw the"
            + " certificate, so the refusal proves nothing; logged:\n"
            + String.join("\n", mina.lines()) + "\n" + String.join("\n", ours.lines()));
        rejected.add(why);
      }
    }
    assertEquals(8, rejected.size());
    ProcessResult ok = lsRemoteWithOpenSsh(valid);
    assertTrue(ok.ok() && ok.stdout().contains("refs/heads/main"),
        "S03: the valid certificate did not log in: " + ok.describe());
    assertTrue(minaLogsInWithCertificate(valid), "S03: MINA's client offers certificates at"
        + " all (else the host-certificate case proves nothing)");
    System.out.println("S03 figures: " + rejected.size() + "/8 sent and refused ("
        + String.join(", ", rejected) + "), " + heldBack + " not sent by either client, 1/1"
        + " valid accepted by OpenSSH and by MINA");
  }

  @Test
  void s05_aNulByteInTheCommand_getsRepositoryNotFound() throws Exception {
    KeyPair alice;
    try (var in = Files.newInputStream(gw.key("alice"))) {
      alice = SecurityUtils.loadKeyPairIdentities(null, NamedResource.ofName("alice"), in, null)
          .iterator().next();
    }
    try (SshClient client = SshTestClients.trusting(gw);
        ClientSession s = client.connect("git", "127.0.0.1", gw.sshPort())
            .verify(Duration.ofSeconds(10)).getSession()) {
      s.addPublicKeyIdentity(alice);
      s.auth().verify(Duration.ofSeconds(10));
      for (String command : List.of("git-upload-pack 'github.com/acme/lib.git\0'",
          "git-upload-pack 'github.com/acme/lib.git'\0; id",
          "git-upload-pack '\0../../etc'")) {
        try (ChannelExec ch = s.createExecChannel(command)) {
          ByteArrayOutputStream err = new ByteArrayOutputStream();
          ByteArrayOutputStream out = new ByteArrayOutputStream();
          ch.setErr(err);
          ch.setOut(out);
          ch.open().verify(Duration.ofSeconds(10));
          ch.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), Duration.ofSeconds(10));
          String shown = command.replace("\0", "\\0");
          assertEquals(Integer.valueOf(128), ch.getExitStatus(), "S05: " + shown + ": "
              + err.toString(StandardCharsets.UTF_8));
          assertEquals("gitedge: repository not found\n", err.toString(StandardCharsets.UTF_8),
              "S05: " + shown);
          assertEquals(0, out.size(), "S05: " + shown + " answered on stdout");
        }
      }
    }
  }
}
