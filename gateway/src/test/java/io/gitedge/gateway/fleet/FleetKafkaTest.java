package io.gitedge.gateway.fleet;

import static io.gitedge.gateway.fleet.Fleet.LIB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitedge.testing.ClientHome;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The three regions of {@link FleetTest} with a real Kafka broker as their only event bus, each
 * region reaching it through its own shaped link: a push reaches every region, and a region cut
 * off from the origin and the broker loses no event. Schedules are an hour and there is no
 * freshness bound, so only the webhook and Kafka can bring a push.
 */
class FleetKafkaTest {
  private static final Duration SERVABLE = Duration.ofSeconds(30);
  @TempDir Path dir;

  @Test
  void aPushWithAWebhookToOneRegion_isServableInAllThree_overKafka() throws Exception {
    try (Fleet fleet = Fleet.start(dir, Fleet.THREE,
        Fleet.Options.defaults().withKafkaInsteadOfPeers())) {
      String commit = fleet.origin().commit("acme/lib", "main",
          Map.of("kafka.go", "package lib\n"), "v1.1.0 over Kafka");
      fleet.origin().tag("acme/lib", "v1.1.0", commit, false);

      assertEquals(202, fleet.webhook("eu", "acme/lib"));

      assertEquals(fleet.everywhere(commit),
          fleet.awaitServedEverywhere("refs/tags/v1.1.0", commit, SERVABLE));
      String metrics = fleet.region("ap").metrics();
      assertTrue(metrics.lines().anyMatch(l -> l.startsWith("gitedge_events_received_total{")
          && l.contains("outcome=\"synced\"") && l.contains("transport=\"kafka\"")
          && !l.endsWith(" 0.0")), "ap heard it from Kafka: " + metrics.lines()
          .filter(l -> l.contains("events_received")).toList());
    }
  }

  @Test
  void aRegionCutOffFromTheOriginAndTheBroker_losesNoEvent() throws Exception {
    try (Fleet fleet = Fleet.start(dir, Fleet.THREE,
        Fleet.Options.defaults().withKafkaInsteadOfPeers())) {
      Fleet.Region ap = fleet.region("ap");
      ClientHome inAp = ap.client();
      String before = ap.served(inAp, LIB, "refs/heads/main");

      String last = fleet.pushesWhileCutOff("ap", SERVABLE);
      assertEquals(before, ap.served(inAp, LIB, "refs/heads/main"),
          "the cut-off region serves what it has");

      fleet.heal("ap");

      assertEquals(last, Fleet.await(last, Duration.ofSeconds(45),
          () -> ap.served(inAp, LIB, "refs/heads/main")),
          "ap did not catch up from the events it missed (its schedule is an hour)");
    }
  }

  @Test
  void aHundredPushesWithForceMovedTags_leaveEveryRegionLevel_andARegionJoiningLaterAgrees()
      throws Exception {
    try (Fleet fleet = Fleet.start(dir, Fleet.THREE,
        Fleet.Options.defaults().withKafkaInsteadOfPeers())) {
      String tag = fleet.pushesWithMovedTags(100, "eu");
      String last = fleet.origin().refs("acme/lib").get("refs/heads/main");
      assertEquals(fleet.everywhere(last),
          fleet.awaitServedEverywhere("refs/heads/main", last, SERVABLE));
      Map<String, String> served = fleet.awaitServedEverywhere("refs/tags/" + tag, "",
          Duration.ZERO);
      assertEquals(1, served.values().stream().distinct().count(),
          "one commit for " + tag + " in every region: " + served);

      Fleet.Region sa = fleet.join(new Fleet.Place("sa", Duration.ofMillis(120), 10L << 20));

      String kept = served.get("eu");
      assertEquals(kept, sa.served(sa.client(), LIB, "refs/tags/" + tag),
          "the region that joined serves the fleet's commit for " + tag);
      Fleet.Region.Verified v = sa.verify(); // sa knows the three: every pair is compared
      assertEquals(0, v.exitCode(), v.toString());
    }
  }
}
