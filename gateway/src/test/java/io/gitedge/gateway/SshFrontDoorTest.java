package io.gitedge.gateway;

import static io.gitedge.gateway.GatewayHarness.LIB;
import io.gitedge.testing.Requires;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitedge.testing.ClientHome;
import io.gitedge.testing.ClientProcess;
import io.gitedge.testing.ProcessResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.auth.pubkey.KeyPairIdentity;
import org.apache.sshd.client.auth.pubkey.PublicKeyAuthenticationReporter;
import org.apache.sshd.client.auth.pubkey.PublicKeyIdentity;
import org.apache.sshd.client.auth.pubkey.UserAuthPublicKey;
import org.apache.sshd.client.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.client.future.AuthFuture;
import org.apache.sshd.client.keyverifier.KnownHostsServerKeyVerifier;
import org.apache.sshd.client.keyverifier.RejectAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What only the SSH door does, with OpenSSH's own client (and MINA's, where an attack needs a
 * client that misbehaves): Git-host-style URLs, Go with a known_hosts file from
 * {@code gitedge keys}, OpenSSH certificates, and catalogue rows S01-S06.
 */
class SshFrontDoorTest {
  /** One gateway for the class: no test changes what another sees (no push, no config). */
  @TempDir static Path gatewayDir;
  static GatewayHarness gw;
  @TempDir Path dir;

  @BeforeAll
  static void start() throws Exception {
    Requires.tools("ssh");
    gw = GatewayHarness.start(gatewayDir);
  }

  @AfterAll
  static void stop() {
    if (gw != null) {
      gw.close();
    }
  }

  /**
   * {@code ssh <args>} as alice, with stdin closed. The test's options come first, because ssh
   * keeps the first value it sees for an option.
   */
  private ProcessResult ssh(String... args) {
    List<String> base = List.of(gw.sshCommand(gw.key("alice")).split(" "));
    List<String> cmd = new ArrayList<>();
    cmd.add(base.get(0));
    cmd.addAll(List.of(args).subList(0, List.of(args).indexOf("git@127.0.0.1")));
    cmd.addAll(base.subList(1, base.size()));
    cmd.addAll(List.of("-p", Integer.toString(gw.sshPort())));
    cmd.addAll(List.of(args).subList(List.of(args).indexOf("git@127.0.0.1"), args.length));
    return ClientProcess.run(dir, ClientProcess.baseEnvironment(), cmd, new byte[0]);
  }

  // ------------------------------------------------------------------------- clients

  @Test
  void gitHostStyleUrls_areRoutedThroughTheGateway_byInsteadOf() {
    ClientHome alice = gw.clientWithSshKey("alice");
    alice.git(dir, "config", "--global", "url.ssh://git@127.0.0.1:" + gw.sshPort()
        + "/github.com/.insteadOf", "git@github.com:").assertOk();
    Path work = gw.workDir("scp-like");

    alice.git(work, "clone", "git@github.com:acme/lib.git").assertOk();

    assertEquals(gw.upstream().refs("acme/lib").get("refs/heads/main"),
        alice.git(work.resolve("lib"), "rev-parse", "HEAD").assertOk().stdout().trim());
  }

  @Test
  void goOverSsh_withKnownHostsFromGitedgeKeys_givesTheSameSumsAsHttps() throws Exception {
    Requires.tools("go");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessResult keys = ClientProcess.run(dir, ClientProcess.baseEnvironment(), List.of(java,
        "-cp", System.getProperty("java.class.path"), "io.gitedge.gateway.app.Main", "keys",
        "--config", gw.configFile().toString(), "--port", Integer.toString(gw.sshPort())), null)
        .assertOk();
    assertTrue(keys.stdout().lines().anyMatch(l -> l.startsWith("# ssh-ed25519 SHA256:")),
        keys.stdout());
    Path knownHosts = Files.writeString(dir.resolve("known_hosts_from_keys"), keys.stdout());
    ClientHome overSsh = gw.client("go-ssh").with("GIT_SSH_COMMAND", "ssh -F /dev/null -o"
        + " IdentitiesOnly=yes -o BatchMode=yes -o StrictHostKeyChecking=yes -o"
        + " UserKnownHostsFile=" + knownHosts + " -i " + gw.key("alice"));
    overSsh.git(dir, "config", "--global", "url.ssh://git@127.0.0.1:" + gw.sshPort()
        + "/github.com/.insteadOf", "https://github.com/").assertOk();
    ClientHome overHttps = gw.clientWithNetrc("alice");
    overHttps.git(dir, "config", "--global", "url." + gw.url() + "/github.com/.insteadOf",
        "https://github.com/").assertOk();

    List<String> ssh = ReadPathSpec.goSums(overSsh, gw.workDir("go-ssh"));
    List<String> https = ReadPathSpec.goSums(overHttps, gw.workDir("go-https"));

    assertEquals(https, ssh);
    assertEquals(6, ssh.size());
  }

  // ------------------------------------------------------------------------- certificates

  private Path certificate(String name, Path ca, String... options) {
    return SshTestClients.certificate(dir, name, ca, options);
  }

  private ProcessResult lsRemoteWithCertificate(Path key) {
    return SshTestClients.lsRemoteWithCertificate(gw, dir, key);
  }

  @Test
  void aCertificateFromTheConfiguredCa_logsItsUserIn() {
    Path key = certificate("valid", gw.key("ca"), "-n", "alice", "-V", "-5m:+1h");
    ProcessResult r = lsRemoteWithCertificate(key).assertOk();
    assertTrue(r.stdout().contains("refs/heads/main"), r.describe());
    Path fromHere = certificate("from-here", gw.key("ca"), "-n", "alice", "-V", "-5m:+1h",
        "-O", "source-address=127.0.0.1/32");
    lsRemoteWithCertificate(fromHere).assertOk();
  }

  @Test
  void certificatesThatAreInvalidInAnyWay_doNotLogIn() {
    Path otherCa = dir.resolve("other-ca");
    ClientProcess.run(dir, ClientProcess.baseEnvironment(), List.of("ssh-keygen", "-q", "-t",
        "ed25519", "-N", "", "-f", otherCa.toString()), null).assertOk();
    Path ca = gw.key("ca");
    Map<String, Path> refused = Map.of(
        "expired", certificate("expired", ca, "-n", "alice", "-V", "-2h:-1h"),
        "not yet valid", certificate("future", ca, "-n", "alice", "-V", "+1h:+2h"),
        "wrong principal", certificate("wrong", ca, "-n", "mallory", "-V", "-5m:+1h"),
        "no principals", certificate("empty", ca, "-V", "-5m:+1h"),
        "untrusted CA", certificate("untrusted", otherCa, "-n", "alice", "-V", "-5m:+1h"),
        "host certificate", certificate("host", ca, "-h", "-n", "alice", "-V", "-5m:+1h"),
        "force-command", certificate("forced", ca, "-n", "alice", "-V", "-5m:+1h", "-O",
            "force-command=git-upload-pack github.com/acme/lib"),
        "other source address", certificate("elsewhere", ca, "-n", "alice", "-V", "-5m:+1h",
            "-O", "source-address=10.0.0.0/8"));
    // MINA's own refusals are logged under its method's class, which is ours: SigningKeyRecorder
    try (LogCapture log = new LogCapture("io.gitedge.gateway.ssh.SigningKeyRecorder",
            ch.qos.logback.classic.Level.WARN);
        LogCapture ours = new LogCapture("io.gitedge.auth", ch.qos.logback.classic.Level.INFO)) {
      refused.forEach((why, key) -> {
        if (why.equals("host certificate")) {
          // neither OpenSSH's client nor MINA's will offer a host certificate for user
          // authentication, so MINA's client is made to, past its own check; that the same
          // client gets in with a valid user certificate shows its offer reaches the server
          assertTrue(minaLogsInWithCertificate(certificate("valid-for-mina", ca, "-n", "alice",
              "-V", "-5m:+1h")), "the MINA client must log in with a valid user certificate");
          assertFalse(minaLogsInWithCertificate(key), "S03: a host certificate logged in");
        } else {
          ProcessResult r = lsRemoteWithCertificate(key).assertFailed();
          assertTrue(r.stderr().contains("Permission denied (publickey)"), why + ":\n"
              + r.describe());
        }
        String id = "id=" + key.getFileName();
        assertTrue(log.any(id) || ours.any(id), why + ": the server never saw the certificate"
            + " refused; logged:\n" + String.join("\n", log.lines()) + "\n"
            + String.join("\n", ours.lines()));
      });
    }
  }

  /**
   * Whether MINA's client logs in offering the certificate {@code key-cert.pub} with
   * {@code key}'s private half, whatever the certificate's type: the client's own check, which
   * skips anything but user certificates, is bypassed.
   */
  private boolean minaLogsInWithCertificate(Path key) {
    KeyPair identity = SshTestClients.certificateIdentity(key);
    try (SshClient client = SshTestClients.offeringOnly(gw,
            s -> new KeyPairIdentity(s, s, identity));
        ClientSession s = client.connect("git", "127.0.0.1", gw.sshPort())
            .verify(Duration.ofSeconds(10)).getSession()) {
      AuthFuture auth = s.auth();
      assertTrue(auth.await(Duration.ofSeconds(10)), "no answer to the login with " + key);
      return auth.isSuccess();
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }

  // ------------------------------------------------------------------------- S01, S02

  @Test
  void s01_aKeysPublicHalfWithAnotherKeysSignature_neverAuthenticates() throws Exception {
    PublicKey alice = PublicKeyEntry.parsePublicKeyEntry(
            Files.readString(Path.of(gw.key("alice") + ".pub")).trim())
        .resolvePublicKey(null, null, PublicKeyEntryResolver.FAILING);
    KeyPair attacker = KeyUtils.generateKeyPair("ssh-ed25519", 256);
    try (SshClient client = SshTestClients.trusting(gw)) {
      for (int i = 0; i < 100; i++) {
        try (ClientSession s = client.connect("git", "127.0.0.1", gw.sshPort())
            .verify(Duration.ofSeconds(10)).getSession()) {
          s.addPublicKeyIdentity(new KeyPair(alice, attacker.getPrivate()));
          s.addPublicKeyIdentity(attacker);
          AuthFuture auth = s.auth();
          assertTrue(auth.await(Duration.ofSeconds(10)), "no answer to attempt " + i);
          assertFalse(auth.isSuccess(), "attempt " + i);
          assertFalse(s.isAuthenticated(), "attempt " + i);
        }
      }
    }
    // the real key still works afterwards
    assertTrue(gw.clientWithSshKey("alice").git(dir, "ls-remote", gw.sshUrl(LIB)).assertOk()
        .stdout().contains("refs/heads/main"));
  }

  @Test
  void s02_onlyPublicKeyAuthenticationIsOffered() {
    List<String> cmd = List.of("ssh", "-F", "/dev/null", "-o", "BatchMode=yes", "-o",
        "StrictHostKeyChecking=yes", "-o", "UserKnownHostsFile=" + gw.knownHosts(), "-o",
        "PubkeyAuthentication=no", "-o", "PreferredAuthentications=password,keyboard-interactive,none",
        "-p", Integer.toString(gw.sshPort()), "git@127.0.0.1", "id");
    ProcessResult r = ClientProcess.run(dir, ClientProcess.baseEnvironment(), cmd, new byte[0])
        .assertFailed();
    assertTrue(r.stderr().contains("Permission denied (publickey)."), r.describe());
  }

  @Test
  void aClientGetsSixAuthenticationAttempts() {
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      Path k = dir.resolve("stranger" + i);
      ClientProcess.run(dir, ClientProcess.baseEnvironment(), List.of("ssh-keygen", "-q", "-t",
          "ed25519", "-N", "", "-f", k.toString()), null).assertOk();
      keys.addAll(List.of("-i", k.toString()));
    }
    List<String> fifthBad = new ArrayList<>(keys.subList(0, 10));
    fifthBad.add("git@127.0.0.1");
    fifthBad.add("id");
    assertTrue(ssh(fifthBad.toArray(new String[0])).stderr().contains("only git-upload-pack"),
        "five wrong keys, then alice's: alice is in");
    List<String> sixthBad = new ArrayList<>(keys);
    sixthBad.add("git@127.0.0.1");
    sixthBad.add("id");
    ProcessResult r = ssh(sixthBad.toArray(new String[0]));
    assertEquals(255, r.exitCode(), "six wrong keys use up the attempts before alice's");
  }

  @Test
  void s02_aKeyOnlyQueried_grantsNothing_andTheKeyThatSignsDecidesWhoYouAre() throws Exception {
    // alice's public key with no usable private key beside it: OpenSSH asks the server about
    // it (and hears "ok"), cannot sign, and goes on to bob's key, which it can sign with
    Path victim = dir.resolve("victim");
    Files.copy(Path.of(gw.key("alice") + ".pub"), Path.of(victim + ".pub"));
    Files.writeString(victim, "not a private key\n");
    List<String> cmd = new ArrayList<>(List.of("ssh", "-o", "LogLevel=DEBUG1", "-i",
        victim.toString(), "-i", gw.key("bob").toString()));
    List<String> base = List.of(gw.sshCommand(gw.key("bob")).split(" "));
    cmd.addAll(base.subList(1, base.size()));
    cmd.addAll(List.of("-p", Integer.toString(gw.sshPort()), "git@127.0.0.1"));

    ProcessResult r = ClientProcess.run(dir, ClientProcess.baseEnvironment(), cmd, new byte[0]);

    assertTrue(r.stderr().contains("Server accepts key: " + victim), "the query was not made:\n"
        + r.stderr());
    assertTrue(r.stderr().contains("gitedge: hi bob!"), r.describe());
    assertFalse(r.stderr().contains("hi alice"), r.describe());
  }

  // ------------------------------------------------------------------------- S04

  @Test
  void s04_everythingButUploadPack_isRefused_andUploadPackStillWorks() {
    Map<List<String>, String> refused = new java.util.LinkedHashMap<>();
    refused.put(List.of("git@127.0.0.1"), "there is no shell");
    refused.put(List.of("-tt", "git@127.0.0.1"), "PTY allocation request failed");
    refused.put(List.of("git@127.0.0.1", "id"), "only git-upload-pack is served here");
    refused.put(List.of("git@127.0.0.1", "scp", "-t", "/tmp"), "only git-upload-pack is served");
    refused.put(List.of("-W", "127.0.0.1:22", "git@127.0.0.1"), "stdio forwarding failed");
    refused.put(List.of("-R", "0:127.0.0.1:22", "-o", "ExitOnForwardFailure=yes", "-N",
        "git@127.0.0.1"), "remote port forwarding failed");
    refused.put(List.of("-s", "git@127.0.0.1", "sftp"), "subsystem request failed");
    refused.put(List.of("git@127.0.0.1", "git-receive-pack", "'github.com/acme/lib.git'"),
        "is a read-only mirror of " + gw.upstreamHttp().url() + "/acme/lib.git; push there");
    refused.put(List.of("git@127.0.0.1", "git-upload-archive", "'github.com/acme/lib.git'"),
        "git archive --remote is not served");
    refused.forEach((args, message) -> {
      ProcessResult r = ssh(args.toArray(new String[0]));
      assertNotEquals(0, r.exitCode(), r.describe());
      assertTrue(r.stderr().contains(message), args + ":\n" + r.describe());
    });
    ClientHome alice = gw.clientWithSshKey("alice");
    ProcessResult v2 = alice.git(dir, "-c", "protocol.version=2", "ls-remote", gw.sshUrl(LIB))
        .assertOk();
    assertTrue(v2.stdout().contains("refs/tags/v1.0.0"), v2.describe());
    // a variable other than GIT_PROTOCOL is refused, and the command runs regardless
    try (LogCapture log = new LogCapture("io.gitedge.gateway.ssh",
        ch.qos.logback.classic.Level.INFO)) {
      assertTrue(ssh("-o", "SetEnv=LD_PRELOAD=/tmp/x.so", "git@127.0.0.1", "git-upload-pack",
          "'github.com/acme/nope.git'").stderr().contains("repository not found"));
      assertTrue(log.any("refused env LD_PRELOAD"), log.lines().toString());
    }
  }

  @Test
  void s04_agentAndX11ForwardingRequests_areRefused() throws Exception {
    Requires.tools("ssh-agent");
    ch.qos.logback.classic.LoggerContext ctx =
        (ch.qos.logback.classic.LoggerContext) org.slf4j.LoggerFactory.getILoggerFactory();
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> events =
        new ch.qos.logback.core.read.ListAppender<>();
    events.setContext(ctx);
    events.start();
    ch.qos.logback.classic.Logger channel = ctx.getLogger(
        "io.gitedge.gateway.ssh.RestrictedChannelSession");
    channel.addAppender(events);
    Path socket = dir.resolve("agent.sock");
    Process agent = new ProcessBuilder("ssh-agent", "-D", "-a", socket.toString()).start();
    try {
      for (int i = 0; i < 100 && !Files.exists(socket); i++) {
        Thread.sleep(20);
      }
      List<String> cmd = new ArrayList<>(List.of("ssh", "-A", "-X", "-o", "LogLevel=INFO"));
      List<String> base = List.of(gw.sshCommand(gw.key("alice")).split(" "));
      cmd.addAll(base.subList(1, base.size()));
      cmd.addAll(List.of("-p", Integer.toString(gw.sshPort()), "git@127.0.0.1", "id"));
      var env = ClientProcess.baseEnvironment();
      env.put("SSH_AUTH_SOCK", socket.toString());
      env.put("DISPLAY", ":99");
      ProcessResult r = ClientProcess.run(dir, env, cmd, new byte[0]);

      assertTrue(r.stderr().contains("X11 forwarding request failed"), r.describe());
      assertTrue(events.list.stream().anyMatch(e -> e.getFormattedMessage()
          .startsWith("refused auth-agent-req@openssh.com")), "agent forwarding was not refused");
      assertTrue(r.stderr().contains("only git-upload-pack is served here"), r.describe());
    } finally {
      agent.destroy();
      channel.detachAppender(events);
    }
  }

  // ------------------------------------------------------------------------- S05

  @Test
  void s05_injectedCommands_allGetRepositoryNotFound_andRunNothing() throws Exception {
    Path marker = dir.resolve("pwned");
    String[] payloads = {
        "git-upload-pack '../../x'",
        "git-upload-pack 'github.com/acme/lib.git;id'",
        "git-upload-pack 'github.com/acme/lib.git' extra",
        "git-upload-pack --upload-pack='touch " + marker + "'",
        "git-upload-pack 'github.com/acme/lib.git'; touch " + marker,
        "git-upload-pack \"github.com/acme/lib.git\"",
        "git-upload-pack 'github.com/acme/lib.git\\'",
        "git-upload-pack $(touch " + marker + ")",
        "git-upload-pack 'github.com/acme/lib.git\nid'",
        "git-upload-pack '" + "a".repeat(65536) + "'",
        "git-upload-pack 'github.com/acme/lib.git/..'",
        "git-upload-pack './github.com/acme/lib.git'",
        "git-upload-pack '/github.com/acme/../../../etc'",
    };
    String expected = null;
    for (String p : payloads) {
      ProcessResult r = ssh("git@127.0.0.1", p);
      assertEquals(128, r.exitCode(), p.substring(0, Math.min(80, p.length())) + "\n"
          + r.describe().substring(0, Math.min(2000, r.describe().length())));
      if (expected == null) {
        expected = r.stderr();
      }
      assertEquals(expected, r.stderr(), p.substring(0, Math.min(80, p.length())));
    }
    assertEquals("gitedge: repository not found\n", expected);
    assertFalse(Files.exists(marker), "a payload ran a command");
  }

  // ------------------------------------------------------------------------- S06

  /** The server's proposal as {@code ssh -vvv} prints it: name to comma-separated list. */
  private static Map<String, List<String>> serverProposal(String verbose) {
    Map<String, List<String>> out = new java.util.HashMap<>();
    List<String> lines = verbose.lines().toList();
    int at = -1;
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).contains("peer server KEXINIT proposal")) {
        at = i;
      }
    }
    assertTrue(at >= 0, "no server proposal in:\n" + verbose);
    for (int i = at + 1; i < lines.size() && lines.get(i).startsWith("debug2: "); i++) {
      String l = lines.get(i).substring("debug2: ".length());
      int colon = l.indexOf(": ");
      if (colon > 0) {
        out.put(l.substring(0, colon), List.of(l.substring(colon + 2).split(",")));
      }
    }
    for (String l : lines) {
      int i = l.indexOf("server-sig-algs=<");
      if (i >= 0) {
        out.put("server-sig-algs", List.of(l.substring(i + 17, l.indexOf('>', i)).split(",")));
      }
    }
    return out;
  }

  @Test
  void s06_strictKeyExchange_andNoWeakAlgorithmsOrCompression() {
    ProcessResult verbose = ssh("-vvv", "-o", "LogLevel=DEBUG3", "-o", "Compression=yes",
        "git@127.0.0.1", "id");
    Map<String, List<String>> offer = serverProposal(verbose.stderr());

    assertTrue(offer.get("KEX algorithms").contains("kex-strict-s-v00@openssh.com"), "" + offer);
    assertTrue(verbose.stderr().contains("will use strict KEX ordering"));
    for (String key : List.of("ciphers ctos", "ciphers stoc")) {
      assertFalse(offer.get(key).isEmpty(), key);
      assertTrue(offer.get(key).stream().noneMatch(c -> c.contains("cbc")), key + offer);
    }
    for (String key : List.of("MACs ctos", "MACs stoc")) {
      assertTrue(offer.get(key).stream().noneMatch(m -> m.contains("sha1") || m.contains("md5")),
          key + offer);
    }
    assertTrue(offer.get("KEX algorithms").stream().noneMatch(k -> k.contains("sha1")), ""
        + offer);
    assertEquals(List.of("none"), offer.get("compression ctos"));
    assertEquals(List.of("none"), offer.get("compression stoc"));
    assertTrue(offer.get("host key algorithms").stream().noneMatch(h -> h.equals("ssh-rsa")
        || h.equals("ssh-dss")), "" + offer);
    assertFalse(offer.get("server-sig-algs").isEmpty(), "no server-sig-algs");
    assertTrue(offer.get("server-sig-algs").stream().noneMatch(h -> h.equals("ssh-rsa")
        || h.equals("ssh-dss") || h.startsWith("ssh-rsa-cert")), "" + offer);
    assertTrue(verbose.stderr().contains("compression: none"));

    String[][] weak = {
        {"Ciphers=aes128-cbc,aes256-cbc", "no matching cipher found"},
        {"HostKeyAlgorithms=ssh-rsa", "no matching host key type found"},
        {"KexAlgorithms=diffie-hellman-group14-sha1,diffie-hellman-group1-sha1",
            "no matching key exchange method found"},
        {"MACs=hmac-sha1", "no matching MAC found"},
    };
    for (String[] w : weak) {
      List<String> args = new ArrayList<>(List.of("-o", "LogLevel=INFO", "-o", w[0]));
      if (w[0].startsWith("MACs")) {
        args.addAll(List.of("-o", "Ciphers=aes128-ctr"));
      }
      args.addAll(List.of("git@127.0.0.1", "id"));
      ProcessResult r = ssh(args.toArray(new String[0]));
      assertEquals(255, r.exitCode(), w[0]);
      assertTrue(r.stderr().contains(w[1]), w[0] + ":\n" + r.stderr());
    }
  }
}
