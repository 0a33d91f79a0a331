package io.gitedge.gateway;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.keyverifier.KnownHostsServerKeyVerifier;
import org.apache.sshd.client.keyverifier.RejectAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Idle connections from one address cannot take more than their share of SSH sessions. */
class SshSessionCapTest {
  @TempDir Path dir;

  @Test
  void sessionsOverThePerAddressCap_areClosed_andTheirSlotsComeBack() throws Exception {
    try (GatewayHarness gw = GatewayHarness.start(dir, GatewayHarness.Options.defaults()
        .withSsh("maxSessionsPerAddress", "3"));
        SshClient client = SshClient.setUpDefaultClient()) {
      client.setServerKeyVerifier(new KnownHostsServerKeyVerifier(
          RejectAllServerKeyVerifier.INSTANCE, gw.knownHosts()));
      client.start();
      List<ClientSession> idle = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        ClientSession s = client.connect("git", "127.0.0.1", gw.sshPort())
            .verify(Duration.ofSeconds(10)).getSession();
        idle.add(s);
      }
      ClientSession fourth = client.connect("git", "127.0.0.1", gw.sshPort())
          .verify(Duration.ofSeconds(10)).getSession();
      fourth.waitFor(List.of(org.apache.sshd.client.session.ClientSession.ClientSessionEvent.CLOSED),
          Duration.ofSeconds(10));
      assertTrue(fourth.isClosed() || fourth.isClosing(), "the fourth session must be closed");
      for (ClientSession s : idle) {
        assertFalse(s.isClosed(), "sessions within the cap stay open");
        s.close(true);
      }
      Thread.sleep(200);
      // with the idle sessions gone, alice gets in again
      assertTrue(gw.clientWithSshKey("alice").git(dir, "ls-remote", gw.sshUrl(
          GatewayHarness.LIB)).assertOk().stdout().contains("refs/heads/main"));
    }
  }
}
