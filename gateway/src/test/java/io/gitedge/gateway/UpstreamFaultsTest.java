package io.gitedge.gateway;

import static io.gitedge.gateway.GatewayHarness.LIB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gitedge.store.MirrorName;
import io.gitedge.store.SyncResult;
import io.gitedge.testing.ClientHome;
import io.gitedge.testing.FaultLink;
import io.gitedge.testing.ShapedLink;
import io.gitedge.testing.TrustingHttp;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Upstreams that turn bad in the middle of a sync (catalogue row R05), each behind its own
 * {@link FaultLink}: the gateway gives up on each within its configured bounds, frees the sync
 * worker, keeps serving the mirror as it was, and says why the sync failed.
 */
class UpstreamFaultsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** {@code sync.maxFetchTime} here: every sync must end within it (plus the slack below). */
  private static final Duration MAX_FETCH = Duration.ofSeconds(5);
  /** Scheduling and process start on a busy two-core machine; far below what a drip takes. */
  private static final Duration SLACK = Duration.ofSeconds(10);
  private static final String[] FAULTS = {"stall", "drip", "reset", "slow"};

  @TempDir Path dir;
  private final List<AutoCloseable> cleanup = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = cleanup.size() - 1; i >= 0; i--) {
      cleanup.get(i).close();
    }
  }

  @Test
  void r05_hangDripResetAndSlowUpstreams_abortWithinTheMax_freeTheWorkers_andServeTheLastGoodState()
      throws Exception {
    // a link per fault, each in front of the same upstream repository acme/lib
    InetSocketAddress nowhere = new InetSocketAddress(InetAddress.getLoopbackAddress(), 1);
    Map<String, FaultLink> links = new LinkedHashMap<>();
    GatewayHarness.Options options = GatewayHarness.Options.defaults()
        .withSync("fetchTimeout", "3s").withSync("maxFetchTime", MAX_FETCH.toSeconds() + "s")
        .withSync("backoffInitial", "1h") // no retry of the failed start-up syncs mid-test
        .withRule("github.com/faulty-*/**", "groups: [eng]");
    for (String fault : FAULTS) {
      FaultLink link = FaultLink.open(nowhere);
      cleanup.add(link);
      links.put(fault, link);
      options = options.withTopLevel("  - prefix: github.com/faulty-" + fault + "\n"
          + "    url: http://127.0.0.1:" + link.port() + "/acme\n"
          + "    credentials: { tokenFile: upstream.token, username: x-access-token }\n"
          + "    repos: [lib]\n"
          + "    syncInterval: 1h\n");
    }
    try (GatewayHarness gw = GatewayHarness.start(dir, options)) {
      InetSocketAddress upstream = address(gw.upstreamHttp().url());
      links.values().forEach(l -> l.retarget(upstream));
      for (String fault : FAULTS) {
        SyncResult first = gw.sync(mirror(fault));
        assertTrue(first.succeeded(), "R05: first sync through the healthy link: " + first);
      }
      ClientHome alice = gw.clientWithNetrc("alice");
      String good = tip(alice, gw, mirror("reset"));

      // a commit with a pack big enough to be cut in the middle and to take a minute at 10 KB/s
      byte[] noise = new byte[450_000];
      new Random(7).nextBytes(noise);
      String pushed = gw.upstream().commit("acme/lib", "main",
          Map.of("blob.b64", Base64.getEncoder().encodeToString(noise)), "a big one");

      ShapedLink slow = ShapedLink.open(upstream,
          new ShapedLink.Shape(Duration.ofMillis(2500), Duration.ofMillis(2500), 0)
              .withBandwidth(10_000));
      cleanup.add(slow);
      links.get("stall").stall();
      links.get("drip").drip(1, Duration.ofMillis(500));
      links.get("reset").resetAfter(32 * 1024);
      links.get("slow").retarget(slow.address());
      links.get("slow").resetAll(); // the gateway's kept-alive connections go the new way too

      // four faulty syncs take the four workers; the healthy one needs one of them back
      long t0 = System.nanoTime();
      Map<String, CompletableFuture<Long>> done = new LinkedHashMap<>();
      Map<String, CompletableFuture<SyncResult>> results = new LinkedHashMap<>();
      for (String fault : FAULTS) {
        results.put(fault, gw.app().syncNow(MirrorName.parse(mirror(fault))));
        done.put(fault, results.get(fault).thenApply(r -> millisSince(t0)));
      }
      Thread.sleep(200); // the faulty syncs are on the workers first
      CompletableFuture<SyncResult> healthy = gw.app().syncNow(MirrorName.parse(LIB));
      CompletableFuture<Long> healthyDone = healthy.thenApply(r -> millisSince(t0));

      long bound = MAX_FETCH.plus(SLACK).toMillis();
      for (String fault : FAULTS) {
        SyncResult r = results.get(fault).get(120, TimeUnit.SECONDS);
        long ms = done.get(fault).get();
        assertEquals(SyncResult.Outcome.FAILED, r.outcome(), "R05 " + fault
            + ": the sync through the faulty link did not fail: " + r);
        assertTrue(ms < bound, "R05 " + fault + ": the sync took " + ms + " ms, more than"
            + " sync.maxFetchTime " + MAX_FETCH + " (+" + SLACK + "): " + r);
      }
      SyncResult h = healthy.get(120, TimeUnit.SECONDS);
      assertTrue(h.succeeded(), "R05: a healthy mirror's sync failed while upstreams hung: " + h);
      assertTrue(healthyDone.get() < bound + SLACK.toMillis(), "R05: the healthy sync waited "
          + healthyDone.get() + " ms for a worker: the faulty syncs held them");
      assertEquals(pushed, tip(alice, gw, LIB), "R05: the healthy mirror did not move");

      HttpClient http = TrustingHttp.client(gw.certificate());
      for (String fault : FAULTS) {
        assertEquals(good, tip(alice, gw, mirror(fault)),
            "R05 " + fault + ": the mirror is not served at its last good state");
        Path clone = gw.workDir("clone-" + fault);
        alice.git(clone, "clone", "-q", gw.repoUrl(mirror(fault)), "lib").assertOk();
        alice.git(clone.resolve("lib"), "fsck", "--no-progress").assertOk();
        JsonNode status = status(http, gw, mirror(fault));
        assertEquals("failing", status.path("state").asText(),
            "R05 " + fault + ": sync status does not report the failure: " + status);
        assertTrue(status.path("lastError").asText().length() > 10,
            "R05 " + fault + ": no reason in the sync status: " + status);
        assertEquals(false, status.path("syncing").asBoolean(),
            "R05 " + fault + ": still syncing: " + status);
      }
      assertTrue(status(http, gw, mirror("drip")).path("lastError").asText()
          .contains("maxFetchTime"), "R05 drip: the reason does not name the bound");

      // the faults gone, every mirror catches up
      links.values().forEach(FaultLink::clear);
      links.get("slow").retarget(upstream);
      for (String fault : FAULTS) {
        SyncResult r = gw.sync(mirror(fault));
        assertTrue(r.succeeded(), "R05 " + fault + ": no recovery once healthy: " + r);
        assertEquals(pushed, tip(alice, gw, mirror(fault)), "R05 " + fault);
      }
    }
  }

  private static String mirror(String fault) {
    return "github.com/faulty-" + fault + "/lib";
  }

  private static String tip(ClientHome client, GatewayHarness gw, String mirror) {
    String out = client.git(gw.workDir("ls"), "ls-remote", gw.repoUrl(mirror), "refs/heads/main")
        .assertOk().stdout();
    return out.isBlank() ? "" : out.split("\t")[0];
  }

  private static JsonNode status(HttpClient http, GatewayHarness gw, String mirror)
      throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(
            URI.create(gw.url() + "/api/v1/mirrors/" + mirror))
        .header("Authorization", "Bearer " + gw.token("ops")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    return JSON.readTree(r.body());
  }

  private static InetSocketAddress address(String url) {
    URI u = URI.create(url);
    return new InetSocketAddress(u.getHost(), u.getPort());
  }

  private static long millisSince(long t0) {
    return (System.nanoTime() - t0) / 1_000_000;
  }
}
