package io.gitedge.gateway;

import static io.gitedge.gateway.GatewayHarness.APP;
import static io.gitedge.gateway.GatewayHarness.LIB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitedge.testing.ClientHome;
import io.gitedge.testing.ClientProcess;
import io.gitedge.testing.TrustingHttp;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A mirror changed behind the gateway's back (catalogue row R14): its refs no longer match what
 * its last sync recorded, the next scheduled sync notices, puts the upstream's refs back and
 * counts it in {@code gitedge_mirror_tamper_detected_total}.
 */
class MirrorTamperTest {
  private static final Duration INTERVAL = Duration.ofSeconds(3);

  @TempDir Path dir;

  @Test
  void r14_aMirrorRefMovedToAnOldCommit_isDetectedWithinTheSyncInterval_restoredAndCounted()
      throws Exception {
    try (GatewayHarness gw = GatewayHarness.start(dir, GatewayHarness.Options.defaults()
        .withSyncInterval(INTERVAL.toSeconds() + "s"))) {
      HttpClient http = TrustingHttp.client(gw.certificate());
      ClientHome alice = gw.clientWithNetrc("alice");
      String good = tip(alice, gw, LIB);
      String old = git(gw.mirrorDir(LIB), "rev-parse", "refs/tags/v1.0.0^{commit}");
      assertFalse(good.equals(old));
      assertEquals(0, tampers(http, gw, LIB), "R14: a tamper counted before any");

      git(gw.mirrorDir(LIB), "update-ref", "refs/heads/main", old);
      long t0 = System.nanoTime();
      // read from the mirror itself: a listing through the gateway may come from the pack
      // cache's snapshot of the last sync, or from the next sync already
      assertEquals(old, git(gw.mirrorDir(LIB), "rev-parse", "refs/heads/main"),
          "the tamper did not take (the test is wrong)");

      // one interval (+10 % jitter) until the next sync, and that sync's own time
      long bound = INTERVAL.multipliedBy(3).plusSeconds(10).toMillis();
      long ms = 0;
      while (ms < bound && (tampers(http, gw, LIB) < 1 || !good.equals(tip(alice, gw, LIB)))) {
        Thread.sleep(200);
        ms = (System.nanoTime() - t0) / 1_000_000;
      }
      assertEquals(1, tampers(http, gw, LIB), "R14: the tamper was not counted within " + ms
          + " ms (sync interval " + INTERVAL + ")");
      assertEquals(good, tip(alice, gw, LIB), "R14: the ref was not restored within " + ms
          + " ms");
      assertEquals(0, tampers(http, gw, APP), "R14: an untouched mirror counted as tampered");

      // restored, it is not reported again
      Thread.sleep(INTERVAL.multipliedBy(2).toMillis());
      assertEquals(1, tampers(http, gw, LIB), "R14: a restored mirror reported again");
      assertTrue(ms < bound);
    }
  }

  private static String git(Path gitDir, String... args) {
    List<String> command = ClientProcess.concat("git", "--git-dir=" + gitDir);
    command = new java.util.ArrayList<>(command);
    command.addAll(List.of(args));
    return ClientProcess.run(gitDir, ClientProcess.baseEnvironment(), command, null).assertOk()
        .stdout().trim();
  }

  private static String tip(ClientHome client, GatewayHarness gw, String mirror) {
    String out = client.git(gw.workDir("ls"), "ls-remote", gw.repoUrl(mirror), "refs/heads/main")
        .assertOk().stdout();
    return out.isBlank() ? "" : out.split("\t")[0];
  }

  private static long tampers(HttpClient http, GatewayHarness gw, String mirror)
      throws Exception {
    String metrics = http.send(HttpRequest.newBuilder(URI.create(gw.url() + "/metrics"))
        .header("Authorization", "Bearer " + gw.token("ops")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    var m = java.util.regex.Pattern.compile("(?m)^gitedge_mirror_tamper_detected_total\\{mirror=\""
        + "\\Q" + mirror + "\\E\"[^}]*} (\\d+)\\.0$").matcher(metrics);
    return m.find() ? Long.parseLong(m.group(1)) : 0;
  }
}
