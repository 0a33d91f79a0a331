package io.gitedge.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitedge.testing.PktLines;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.future.OpenFuture;
import org.apache.sshd.client.keyverifier.KnownHostsServerKeyVerifier;
import org.apache.sshd.client.keyverifier.RejectAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.channel.exception.SshChannelOpenException;
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
    Set<ClientSession.ClientSessionEvent> events =
        s.waitFor(List.of(ClientSession.ClientSessionEvent.CLOSED), Duration.ofSeconds(10));
    assertTrue(events.contains(ClientSession.ClientSessionEvent.CLOSED), why
        + ": not closed within 10 s: " + events);
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

  /**
   * A fifth channel is refused on its own (SSH_MSG_CHANNEL_OPEN_FAILURE, "resource shortage",
   * with a reason), and the session and its four running upload-packs carry on to the end: a
   * refusal that closed the whole session would kill them, and a test that only asked for "some
   * exception" would take a timeout for a refusal.
   */
  @Test
  void aSessionHoldsAtMostFourChannels_andAFifthIsRefusedWithoutHarmingThem() throws Exception {
    try (GatewayHarness gw = GatewayHarness.start(dir);
        SshClient client = client(gw);
        ClientSession s = loggedIn(client, gw, "alice")) {
      String tip = gw.upstream().refs("acme/lib").get("refs/heads/main");
      List<ChannelExec> channels = new ArrayList<>();
      List<ByteArrayOutputStream> outputs = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        // upload-pack advertises, then waits for the client's wants: the channel stays open
        ChannelExec c = s.createExecChannel("git-upload-pack 'github.com/acme/lib.git'");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        c.setOut(out);
        c.setErr(new ByteArrayOutputStream());
        c.open().verify(Duration.ofSeconds(10));
        channels.add(c);
        outputs.add(out);
      }

      ChannelExec fifth = s.createExecChannel("git-upload-pack 'github.com/acme/lib.git'");
      OpenFuture opening = fifth.open();
      assertTrue(opening.await(Duration.ofSeconds(10)),
          "a fifth channel must be answered (refused), not left waiting");
      assertFalse(opening.isOpened(), "a fifth channel must be refused");
      Throwable why = opening.getException();
      assertTrue(why instanceof SshChannelOpenException, "refused with OPEN_FAILURE: " + why);
      assertEquals(SshConstants.SSH_OPEN_RESOURCE_SHORTAGE,
          ((SshChannelOpenException) why).getReasonCode(), "reason code: " + why);
      assertTrue(why.getMessage().contains("at most 4 channels"), "reason text: " + why);
      assertFalse(s.isClosed() || s.isClosing(), "the refusal must leave the session open");

      for (int i = 0; i < 4; i++) {
        ChannelExec c = channels.get(i);
        assertFalse(c.isClosed() || c.isClosing(), "channel " + i + " died with the refusal");
        OutputStream in = c.getInvertedIn();
        in.write(PktLines.of("want " + tip, "0000", "done"));
        in.flush();
      }
      for (int i = 0; i < 4; i++) {
        ChannelExec c = channels.get(i);
        Set<ClientChannelEvent> events = c.waitFor(EnumSet.of(ClientChannelEvent.EXIT_STATUS,
            ClientChannelEvent.CLOSED), Duration.ofSeconds(30));
        assertTrue(events.contains(ClientChannelEvent.EXIT_STATUS), "channel " + i
            + " did not finish its upload-pack: " + events);
        assertEquals(0, c.getExitStatus(), "channel " + i + " exit status");
        String got = outputs.get(i).toString(StandardCharsets.ISO_8859_1);
        assertTrue(got.contains("PACK"), "channel " + i + " got no pack: "
            + got.substring(0, Math.min(200, got.length())));
        c.close(false);
      }
      // the slot of a finished channel comes back
      try (ChannelExec again = s.createExecChannel("git-upload-pack 'github.com/acme/nope.git'")) {
        again.setOut(new ByteArrayOutputStream());
        again.setErr(new ByteArrayOutputStream());
        again.open().verify(Duration.ofSeconds(10));
        assertTrue(again.waitFor(EnumSet.of(ClientChannelEvent.EXIT_STATUS),
            Duration.ofSeconds(10)).contains(ClientChannelEvent.EXIT_STATUS), "no exit status");
        assertEquals(128, again.getExitStatus(), "a new channel after the four ended");
      }
    }
  }

  @Test
  void anIdleSession_isClosedAfterTheIdleTimeout() throws Exception {
    try (GatewayHarness gw = GatewayHarness.start(dir, GatewayHarness.Options.defaults()
        .withSsh("idleTimeout", "1s"));
        SshClient client = client(gw)) {
      ClientSession s = loggedIn(client, gw, "alice");
      long loggedIn = System.nanoTime();
      Set<ClientSession.ClientSessionEvent> events =
          s.waitFor(List.of(ClientSession.ClientSessionEvent.CLOSED), Duration.ofSeconds(15));
      Duration idle = Duration.ofNanos(System.nanoTime() - loggedIn);
      assertTrue(events.contains(ClientSession.ClientSessionEvent.CLOSED), "an idle session"
          + " must be closed within 15 s (idleTimeout 1s); state " + events);
      // MINA looks for idle sessions about once a second
      assertTrue(idle.compareTo(Duration.ofSeconds(6)) <= 0, "closed only after " + idle);
    }
  }
}
