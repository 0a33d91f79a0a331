package io.gitedge.gateway.fleet;

import static io.gitedge.gateway.fleet.Fleet.LIB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitedge.testing.ClientHome;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three regions (about 10, 80 and 150 ms from the origin and from each other) with HTTP peers,
 * on a shaped network: a push reaches every region, a region that was cut off keeps serving and
 * catches up, and the regions serve the same refs. Schedules are an hour, so only the webhook
 * and the events between regions can bring a push.
 */
class FleetTest {
  private static final Duration SERVABLE = Duration.ofSeconds(30);
  @TempDir Path dir;

  @Test
  void aPushWithAWebhookToOneRegion_isServableInAllThree() throws Exception {
    try (Fleet fleet = Fleet.start(dir, Fleet.THREE, Fleet.Options.defaults())) {
      String commit = fleet.origin().commit("acme/lib", "main",
          Map.of("v2.go", "package lib\n\nconst V2 = true\n"), "v1.1.0");
      fleet.origin().tag("acme/lib", "v1.1.0", commit, false);

      assertEquals(202, fleet.webhook("eu", "acme/lib"));

      assertEquals(fleet.everywhere(commit),
          fleet.awaitServedEverywhere("refs/tags/v1.1.0", commit, SERVABLE));
    }
  }

  @Test
  void aHundredPushesWithForceMovedTags_leaveEveryRegionLevel() throws Exception {
    try (Fleet fleet = Fleet.start(dir, Fleet.THREE, Fleet.Options.defaults())) {
      fleet.pushesWithMovedTags(100, "eu");
      String last = fleet.origin().refs("acme/lib").get("refs/heads/main");

      assertEquals(fleet.everywhere(last),
          fleet.awaitServedEverywhere("refs/heads/main", last, SERVABLE));
      for (Fleet.Region r : fleet.regions()) {
        String view = Fleet.await(true, SERVABLE, () -> fleetView(r).contains(
            "\"level\" : true")) ? fleetView(r) : "";
        assertTrue(view.contains("\"diverged\" : false") && view.contains("\"level\" : true"),
            r.name() + " sees the fleet " + fleetView(r));
        Fleet.Region.Verified v = r.verify();
        assertEquals(0, v.exitCode(), v.toString());
        assertTrue(v.out().contains("level") && !v.out().contains("diverged "), v.toString());
      }
      Fleet.Region.Verified upstream = fleet.region("ap").verify("--upstream");
      assertEquals(0, upstream.exitCode(), upstream.toString());
      assertTrue(upstream.out().contains("conflict github.com/acme/lib refs/tags/v1.3.0"),
          "the tags moved upstream are the known conflicts: " + upstream);
    }
  }

  private static String fleetView(Fleet.Region r) {
    try {
      return r.api("/api/v1/fleet");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void aRegionCutOff_keepsServingWithItsAge_andIsLevelSoonAfterTheHeal() throws Exception {
    try (Fleet fleet = Fleet.start(dir, Fleet.THREE, Fleet.Options.defaults()
        .withFreshness("2s"))) {
      Fleet.Region ap = fleet.region("ap");
      ClientHome inAp = ap.client();
      String before = ap.served(inAp, LIB, "refs/heads/main");

      String last = fleet.pushesWhileCutOff("ap", SERVABLE);
      Thread.sleep(2_100); // past ap's freshness bound: a read now must try the origin

      assertEquals(before, ap.served(inAp, LIB, "refs/heads/main"),
          "the cut-off region serves what it has");
      String age = mirrorAge(fleet, ap);
      assertTrue(age != null && age.matches("\\d+; upstream (unreachable|slow)"),
          "the age header on a stale read: " + age);
      var overSsh = ap.sshClient().git(ap.dir(), "clone", "-q", ap.sshUrl(LIB),
          ap.dir().resolve("ssh-clone").toString()).assertOk();
      assertTrue(overSsh.stderr().matches("(?s).*gitedge: mirror of \\S+ last synced \\S+ ago"
          + " \\(upstream (unreachable|slow)\\).*"), "the age over SSH: " + overSsh.stderr());

      fleet.heal("ap");
      long healed = System.nanoTime();
      assertEquals(last, Fleet.await(last, Duration.ofSeconds(20),
          () -> ap.served(inAp, LIB, "refs/heads/main")));
      long took = (System.nanoTime() - healed) / 1_000_000;
      assertTrue(took < 20_000, "level " + took + " ms after the heal");
      assertNotEquals(before, last);
    }
  }

  @Test
  void farRegionsMirroringANearerOne_costTheOriginOneRegionsFetch_andFallBackWhenItIsDown()
      throws Exception {
    try (Fleet fleet = Fleet.start(dir, Fleet.THREE, Fleet.Options.defaults()
        .withTier("us", "eu").withTier("ap", "eu"))) {
      Map<String, ClientHome> clients = new HashMap<>();
      fleet.regions().forEach(r -> clients.put(r.name(), r.client()));
      // bytes, not connections: JGit keeps HTTP connections alive between syncs
      long usToOrigin = fleet.region("us").toOrigin().bytesForwarded();
      long apToOrigin = fleet.region("ap").toOrigin().bytesForwarded();
      long euToOrigin = fleet.region("eu").toOrigin().bytesForwarded();
      String commit = fleet.origin().commit("acme/lib", "main",
          Map.of("tier.go", "package lib\n"), "pushed once, fetched from the origin once");

      assertEquals(202, fleet.webhook("eu", "acme/lib"));

      assertEquals(fleet.everywhere(commit),
          fleet.awaitServedEverywhere("refs/heads/main", commit, SERVABLE));
      assertEquals(usToOrigin, fleet.region("us").toOrigin().bytesForwarded(),
          "us got the push from eu, not from the origin");
      assertEquals(apToOrigin, fleet.region("ap").toOrigin().bytesForwarded());
      assertTrue(fleet.region("eu").toOrigin().bytesForwarded() > euToOrigin);

      fleet.region("eu").close();
      String next = fleet.origin().commit("acme/lib", "main",
          Map.of("fallback.go", "package lib\n"), "pushed while eu is down");
      assertEquals(202, fleet.webhook("us", "acme/lib"));
      for (String name : new String[] {"us", "ap"}) {
        Fleet.Region r = fleet.region(name);
        assertEquals(next, Fleet.await(next, SERVABLE,
            () -> r.served(clients.get(name), LIB, "refs/heads/main")),
            name + " did not fall back to the origin while its tier is down");
      }
    }
  }

  @Test
  void aRegionJoiningAfterATagMoved_servesTheCommitTheFleetFirstSaw() throws Exception {
    try (Fleet fleet = Fleet.start(dir, Fleet.THREE, Fleet.Options.defaults())) {
      ClientHome inEu = fleet.region("eu").client();
      String first = fleet.region("eu").served(inEu, LIB, "refs/tags/v1.0.0");
      // the origin rewrites its history: v1.0.0 moves, the old commit is gone from it
      String moved = fleet.origin().rewriteHistory("acme/lib", "main", "v1.0.0");
      assertEquals(202, fleet.webhook("eu", "acme/lib"));
      assertEquals(moved, Fleet.await(moved, SERVABLE,
          () -> fleet.region("eu").served(inEu, LIB, "refs/heads/main")));

      Fleet.Region sa = fleet.join(new Fleet.Place("sa", Duration.ofMillis(120), 10L << 20));

      ClientHome inSa = sa.client();
      assertEquals(first, sa.served(inSa, LIB, "refs/tags/v1.0.0"),
          "the new region serves the commit the fleet first saw for the tag");
      assertEquals(moved, sa.served(inSa, LIB, "refs/heads/main"), "branches follow the origin");
      Path clone = sa.dir().resolve("clone");
      inSa.git(sa.dir(), "clone", "-q", "--branch", "v1.0.0", sa.repoUrl(LIB), clone.toString())
          .assertOk();
      assertEquals(first, inSa.git(clone, "rev-parse", "HEAD").assertOk().stdout().trim());
      String mirror = sa.api("/api/v1/mirrors/" + LIB);
      assertTrue(mirror.contains("\"kept\" : \"" + first + "\"")
          && mirror.contains("\"upstream\" : \"" + moved + "\""),
          "the conflict shows in the new region too: " + mirror);
    }
  }

  /** The {@code X-GitEdge-Mirror-Age} header of a ref listing in {@code region}, or null. */
  private static String mirrorAge(Fleet fleet, Fleet.Region region) throws Exception {
    String basic = Base64.getEncoder().encodeToString(("alice:" + fleet.token("alice"))
        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
    HttpResponse<Void> r = region.http().send(HttpRequest.newBuilder(URI.create(
            region.repoUrl(LIB) + "/info/refs?service=git-upload-pack"))
        .header("Authorization", "Basic " + basic).build(),
        HttpResponse.BodyHandlers.discarding());
    assertEquals(200, r.statusCode());
    return r.headers().firstValue("X-GitEdge-Mirror-Age").orElse(null);
  }
}
