package io.gitedge.gateway;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.keyverifier.KnownHostsServerKeyVerifier;
import org.apache.sshd.client.keyverifier.RejectAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Resource caps of the SSH door (catalogue S07, S08): idle and unauthenticated connections,
 * channels per session and idle sessions cannot pile up, and their slots come back.
 */
class SshSessionCapTest {
  @TempDir Path dir;

  private static SshClient client(GatewayHarness gw) {
    SshClient client = SshClient.setUpDefaultClient();
    client.setServerKeyVerifier(new KnownHostsServerKeyVerifier(
        RejectAllServerKeyVerifier.INSTANCE, gw.knownHosts()));
    client.start();
    return client;
  }

  private static ClientSession connect(SshClient client, GatewayHarness gw) throws Exception {
    return client.connect("git", "127.0.0.1", gw.sshPort()).verify(Duration.ofSeconds(10))
        .getSession();
  }

  private static ClientSession loggedIn(SshClient client, GatewayHarness gw, String user)
      throws Exception {
    ClientSession s = connect(client, gw);
    try (InputStream in = Files.newInputStream(gw.key(user))) {
      KeyPair key = SecurityUtils.loadKeyPairIdentities(null,
          NamedResource.ofName(user), in, null).iterator().next();
      s.addPublicKeyIdentity(key);
    }
    s.auth().verify(Duration.ofSeconds(10));
    return s;
  }

  /**
   * A connection over a cap is closed by the server: either before the client's connect future
   * has a session attached (the close races the handshake) or soon after.
   */
  private static void assertRefusedSoon(SshClient client, GatewayHarness gw, String why)
      throws Exception {
    ClientSession s;
    try {
      s = connect(client, gw);
    } catch (org.apache.sshd.common.SshException e) {
      Throwable cause = e.getCause();
      assertTrue(cause instanceof org.apache.sshd.common.session.helpers
          .MissingAttachedSessionException || cause instanceof java.io.IOException,
          why + ": the connect must be closed by the server, not time out: " + e);
      return;
    }
    s.waitFor(List.of(ClientSession.ClientSessionEvent.CLOSED), Duration.ofSeconds(10));
    assertTrue(s.isClosed() || s.isClosing(), why);
  }

  private static void assertAliceStillGetsIn(GatewayHarness gw, Path dir) {
    assertTrue(gw.clientWithSshKey("alice").git(dir, "ls-remote",
        gw.sshUrl(GatewayHarness.LIB)).assertOk().stdout().contains("refs/heads/main"));
  }

  @Test
  void sessionsOverThePerAddressCap_areClosed_andTheirSlotsComeBack() throws Exception {
    try (GatewayHarness gw = GatewayHarness.start(dir, GatewayHarness.Options.defaults()
        .withSsh("maxSessionsPerAddress", "3"));
        SshClient client = client(gw)) {
      List<ClientSession> open = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        open.add(loggedIn(client, gw, "alice"));
      }
      assertRefusedSoon(client, gw, "the fourth session from this address");
      for (ClientSession s : open) {
        assertFalse(s.isClosed(), "sessions within the cap stay open");
        s.close(true);
      }
      Thread.sleep(200);
      assertAliceStillGetsIn(gw, dir);
    }
  }

  @Test
  void connectionsThatNeverLogIn_cannotTakeMoreThanTheirOwnCap() throws Exception {
    try (GatewayHarness gw = GatewayHarness.start(dir, GatewayHarness.Options.defaults()
        .withSsh("maxUnauthenticatedSessions", "2"));
        SshClient client = client(gw)) {
      ClientSession a = connect(client, gw);
      ClientSession b = connect(client, gw);
      assertRefusedSoon(client, gw, "a third connection that has not logged in");
      assertFalse(a.isClosed() || b.isClosed());
      a.close(true);
      b.close(true);
      Thread.sleep(200);
      assertAliceStillGetsIn(gw, dir);
    }
  }

  @Test
  void aSessionHoldsAtMostFourChannels() throws Exception {
    try (GatewayHarness gw = GatewayHarness.start(dir);
        SshClient client = client(gw);
        ClientSession s = loggedIn(client, gw, "alice")) {
      List<ChannelExec> channels = new ArrayList<>();
      List<java.io.PipedOutputStream> inputs = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        // upload-pack waits for the client's wants: keep stdin open and silent
        java.io.PipedOutputStream stdin = new java.io.PipedOutputStream();
        inputs.add(stdin);
        ChannelExec c = s.createExecChannel("git-upload-pack 'github.com/acme/lib.git'");
        c.setIn(new java.io.PipedInputStream(stdin));
        c.open().verify(Duration.ofSeconds(10));
        channels.add(c);
      }
      Thread.sleep(300);
      for (ChannelExec c : channels) {
        assertFalse(c.isClosed(), "the four channels are still running");
      }
      ChannelExec fifth = s.createExecChannel("git-upload-pack 'github.com/acme/lib.git'");
      assertThrows(Exception.class, () -> fifth.open().verify(Duration.ofSeconds(10)),
          "a fifth channel must be refused");
      for (ChannelExec c : channels) {
        c.close(true);
      }
    }
  }

  @Test
  void anIdleSession_isClosedAfterTheIdleTimeout() throws Exception {
    try (GatewayHarness gw = GatewayHarness.start(dir, GatewayHarness.Options.defaults()
        .withSsh("idleTimeout", "1s"));
        SshClient client = client(gw)) {
      ClientSession s = loggedIn(client, gw, "alice");
      s.waitFor(List.of(ClientSession.ClientSessionEvent.CLOSED), Duration.ofSeconds(15));
      assertTrue(s.getSessionState().contains(ClientSession.ClientSessionEvent.CLOSED)
          || s.isClosed(), "an idle session must be closed; state " + s.getSessionState());
    }
  }
}
