package io.gitedge.gateway;

import static io.gitedge.gateway.GatewayHarness.LIB;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gitedge.testing.ClientHome;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Mirrors follow their upstream every syncInterval, without any other trigger. */
class ScheduledSyncTest {
  @TempDir Path dir;

  @Test
  void aPushUpstream_reachesClientsWithinASyncInterval() throws Exception {
    try (GatewayHarness gw = GatewayHarness.start(dir,
        GatewayHarness.Options.defaults().withSyncInterval("1s"))) {
      ClientHome alice = gw.clientWithNetrc("alice");
      String pushed = gw.upstream().commit("acme/lib", "main", Map.of("later.go", "package lib\n"),
          "pushed after the gateway started");

      String served = "";
      for (int i = 0; i < 120 && !served.equals(pushed); i++) {
        Thread.sleep(250);
        served = alice.git(dir, "ls-remote", gw.repoUrl(LIB), "refs/heads/main").assertOk()
            .stdout().split("\t")[0];
      }

      assertEquals(pushed, served, "the timer never synced the new commit");
    }
  }
}
