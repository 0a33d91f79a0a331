package io.gitedge.gateway;

import static io.gitedge.gateway.GatewayHarness.LIB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitedge.store.SyncResult;
import io.gitedge.testing.ClientHome;
import io.gitedge.testing.ProcessResult;
import io.gitedge.testing.ShapedLink;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A clone over a slow link while syncs move the mirror's refs (catalogue row R13): the clone is
 * served from the refs it was advertised, completes, and passes fsck.
 */
class SlowConsumerTest {
  /** 1 Mbit/s, as {@code tc netem rate 1mbit} would give. */
  private static final long ONE_MBIT = 125_000;

  @TempDir Path dir;

  @Test
  void r13_aCloneAt1Mbit_whileSyncsMoveTheRefs_completesWithTheRefsItStartedWith()
      throws Exception {
    try (GatewayHarness gw = GatewayHarness.start(dir)) {
      byte[] noise = new byte[1_200_000];
      new Random(13).nextBytes(noise);
      gw.upstream().commit("acme/lib", "main",
          Map.of("big.b64", Base64.getEncoder().encodeToString(noise)), "big");
      assertTrue(gw.sync(LIB).succeeded());
      ClientHome alice = gw.clientWithNetrc("alice");
      Map<String, String> atStart = refs(alice.git(gw.workDir("ls"), "ls-remote",
          gw.repoUrl(LIB)).assertOk());

      try (ShapedLink link = ShapedLink.open(new InetSocketAddress(
          InetAddress.getLoopbackAddress(), gw.port()),
          ShapedLink.Shape.roundTrip(Duration.ofMillis(20)).withBandwidth(ONE_MBIT))) {
        String slowUrl = "https://127.0.0.1:" + link.port() + "/" + LIB + ".git";
        Path work = gw.workDir("slow");
        long t0 = System.nanoTime();
        CompletableFuture<ProcessResult> clone = CompletableFuture.supplyAsync(
            () -> alice.git(work, "clone", "-q", "--mirror", slowUrl, "lib.git"));

        // the pack is streaming: move the mirror twice under it
        while (link.bytesForwarded() < 150_000 && !clone.isDone()) {
          Thread.sleep(50);
        }
        for (int i = 0; i < 2; i++) {
          gw.upstream().commit("acme/lib", "main", Map.of("moved.txt", "move " + i + "\n"),
              "moved " + i);
          SyncResult r = gw.sync(LIB);
          assertEquals(SyncResult.Outcome.UPDATED, r.outcome(), "R13: sync during the clone: "
              + r);
        }
        assertTrue(!clone.isDone(), "R13: the clone ended before the refs moved (too fast a"
            + " link for the test to mean anything)");

        ProcessResult done = clone.get(3, TimeUnit.MINUTES);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        done.assertOk();
        Path cloned = work.resolve("lib.git");
        alice.git(cloned, "fsck", "--full", "--no-progress").assertOk();
        Map<String, String> got = refs(alice.git(cloned, "for-each-ref",
            "--format=%(objectname)\t%(refname)").assertOk());
        assertEquals(atStart, got, "R13: the clone's refs are not the mirror's at its start"
            + " (clone took " + ms + " ms)");
        Map<String, String> now = refs(alice.git(work, "ls-remote", gw.repoUrl(LIB))
            .assertOk());
        assertNotEquals(atStart.get("refs/heads/main"), now.get("refs/heads/main"),
            "the mirror did not move (the test is wrong)");
      }
    }
  }

  /** Branches and tags of an {@code ls-remote} or {@code for-each-ref} listing. */
  private static Map<String, String> refs(ProcessResult listing) {
    Map<String, String> out = new TreeMap<>();
    for (String line : listing.stdout().split("\n")) {
      String[] f = line.split("\t");
      if (f.length == 2 && (f[1].startsWith("refs/heads/") || f[1].startsWith("refs/tags/"))
          && !f[1].endsWith("^{}")) {
        out.put(f[1], f[0]);
      }
    }
    return out;
  }
}
