package io.gitedge.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The oracles fail when what they guard breaks, and only then. */
class OraclesTest {
  private static final String A = "a".repeat(40);
  private static final String B = "b".repeat(40);
  private static final String C = "c".repeat(40);

  // -------------------------------------------------------------------------- RefSnapshots

  @Test
  void refSnapshots_acceptRecordedStates_andRejectMixesRewindsAndInventions() {
    RefSnapshots states = new RefSnapshots("upstream x");
    states.observe(Map.of("refs/heads/main", A, "refs/heads/dev", A));
    states.observe(Map.of("refs/heads/main", B, "refs/heads/dev", A));
    states.observe(Map.of("refs/heads/main", B, "refs/heads/dev", C));
    states.assertEqualsSome("R07: c", Map.of("refs/heads/main", B, "refs/heads/dev", A));
    states.assertWithinSome("R12: shallow", Map.of("refs/heads/main", B));

    AssertionError mix = assertThrows(AssertionError.class, () -> states.assertEqualsSome(
        "R07: c", Map.of("refs/heads/main", A, "refs/heads/dev", C)));
    assertTrue(mix.getMessage().startsWith("R07: c saw refs that upstream x never had"),
        mix.getMessage());
    assertThrows(AssertionError.class, () -> states.assertEqualsSome("R07: c",
        Map.of("refs/heads/main", B)), "a state missing a branch is not a state");
    assertThrows(AssertionError.class, () -> states.assertWithinSome("R12: s",
        Map.of("refs/heads/main", C)));

    Map<String, String> s1 = states.states().get(0);
    Map<String, String> s3 = states.states().get(2);
    states.assertNoRewind("R07: lister", List.of(s1, s1, s3));
    AssertionError rewind = assertThrows(AssertionError.class,
        () -> states.assertNoRewind("R07: lister", List.of(s3, s1)));
    assertTrue(rewind.getMessage().contains("went back"), rewind.getMessage());
  }

  @Test
  void refSnapshots_readLsRemoteAndClones() {
    assertEquals(Map.of("refs/heads/main", A, "refs/tags/v1", B), RefSnapshots.parse(
        A + "\tHEAD\n" + A + "\trefs/heads/main\n" + B + "\trefs/tags/v1\n" + C
            + "\trefs/tags/v1^{}\n"));
    assertEquals(Map.of("refs/heads/main", A, "refs/heads/dev", C, "refs/tags/v1", B),
        RefSnapshots.ofClone(A + " refs/heads/main\n" + A + " refs/remotes/origin/HEAD\n" + A
            + " refs/remotes/origin/main\n" + C + " refs/remotes/origin/dev\n" + B
            + " refs/tags/v1\n"));
  }

  // ---------------------------------------------------------------------------- SecretScan

  @Test
  void secretScan_findsSecretsPlainAndUrlEncoded_andNeverPrintsThem() {
    SecretScan scan = SecretScan.none().and("alice's token", "tok/en+secret=1");
    scan.assertNotIn("S: log", List.of("nothing here", "tok/en"));
    AssertionError plain = assertThrows(AssertionError.class,
        () -> scan.assertNotIn("S: log", List.of("ok", "auth tok/en+secret=1 failed")));
    assertTrue(plain.getMessage().startsWith("S: log holds a secret"), plain.getMessage());
    assertTrue(plain.getMessage().contains("alice's token"), plain.getMessage());
    assertFalse(plain.getMessage().contains("tok/en+secret=1"), plain.getMessage());
    AssertionError encoded = assertThrows(AssertionError.class,
        () -> scan.assertNotIn("S: body", "?t=tok%2Fen%2Bsecret%3D1"));
    assertTrue(encoded.getMessage().contains("URL-encoded"), encoded.getMessage());
    assertFalse(encoded.getMessage().contains("tok%2Fen%2Bsecret%3D1"), encoded.getMessage());
    assertThrows(IllegalArgumentException.class, () -> scan.and("short", "abc"));
  }

  // ---------------------------------------------------------------------- ResourceBaseline

  @Test
  void resourceBaseline_namesAStuckThreadAndAGauge_andPassesOnceTheyAreBack() throws Exception {
    AtomicLong sessions = new AtomicLong();
    ResourceBaseline before = ResourceBaseline.capture(
        new ResourceBaseline.Gauge("open sessions", sessions::get));
    CountDownLatch release = new CountDownLatch(1);
    Thread stuck = new Thread(() -> {
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "stuck-worker-7");
    stuck.start();
    sessions.set(3);
    ResourceBaseline.Tolerance exact = new ResourceBaseline.Tolerance(0, 256, 16, 64L << 20, 0);
    AssertionError e = assertThrows(AssertionError.class,
        () -> before.assertBackWithin("R12", exact, Duration.ofMillis(600)));
    assertTrue(e.getMessage().startsWith("R12: resources did not come back"), e.getMessage());
    assertTrue(e.getMessage().contains("stuck-worker-"), e.getMessage());
    assertTrue(e.getMessage().contains("open sessions: 0 -> 3"), e.getMessage());

    release.countDown();
    stuck.join();
    sessions.set(0);
    before.assertBackWithin("R12", exact, Duration.ofSeconds(10));
  }
}
