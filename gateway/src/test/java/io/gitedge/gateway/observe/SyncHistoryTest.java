package io.gitedge.gateway.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitedge.store.InvalidMirrorNameException;
import io.gitedge.store.MirrorName;
import io.gitedge.store.SyncResult;
import io.gitedge.store.SyncResult.Outcome;
import io.gitedge.testing.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The status page's memory of recent syncs: bounded, and the age each sync began at. */
class SyncHistoryTest {
  private static final MirrorName LIB = name("github.com/acme/lib");
  private static final MirrorName APP = name("github.com/acme/app");

  private static MirrorName name(String name) {
    try {
      return MirrorName.parse(name);
    } catch (InvalidMirrorNameException e) {
      throw new AssertionError(e);
    }
  }

  private static SyncResult result(MirrorName m, Outcome outcome, Duration took) {
    return new SyncResult(m, outcome, List.of(), List.of(), took,
        outcome == Outcome.FAILED ? Optional.of("cannot reach it") : Optional.empty(), false);
  }

  @Test
  void keepsTheLastSyncsOfEachMirror_oldestDropped() {
    SyncHistory history = new SyncHistory(new TestClock(), 3, Map.of());
    for (int i = 1; i <= 5; i++) {
      history.onSync(result(LIB, Outcome.UNCHANGED, Duration.ofMillis(i)), Set.of());
    }
    history.onSync(result(APP, Outcome.FAILED, Duration.ofMillis(9)), Set.of());

    assertEquals(List.of(3L, 4L, 5L), history.recent(LIB).stream()
        .map(e -> e.duration().toMillis()).toList());
    assertEquals(List.of(Outcome.FAILED), history.recent(APP).stream()
        .map(SyncHistory.Entry::outcome).toList());
    assertTrue(history.recent(name("github.com/acme/other")).isEmpty());
  }

  @Test
  void ageBefore_growsWhileSyncsFail_andStartsAgainAfterASuccess() {
    TestClock clock = new TestClock();
    Instant synced = clock.instant().minus(Duration.ofHours(2));
    SyncHistory history = new SyncHistory(clock, 30, Map.of(LIB, synced));

    history.onSync(result(LIB, Outcome.FAILED, Duration.ofSeconds(1)), Set.of());
    clock.advance(Duration.ofMinutes(10));
    history.onSync(result(LIB, Outcome.UPDATED, Duration.ofSeconds(1)), Set.of());
    clock.advance(Duration.ofMinutes(5));
    history.onSync(result(LIB, Outcome.UNCHANGED, Duration.ofSeconds(1)), Set.of());
    history.onSync(result(APP, Outcome.CREATED, Duration.ofSeconds(1)), Set.of());

    List<SyncHistory.Entry> lib = history.recent(LIB);
    long first = lib.get(0).ageBefore().orElseThrow().toMinutes();
    assertTrue(first >= 119 && first <= 121, "about two hours before the failed sync: " + first);
    long second = lib.get(1).ageBefore().orElseThrow().toMinutes();
    assertTrue(second >= 129 && second <= 131, "ten minutes more, still failing: " + second);
    long third = lib.get(2).ageBefore().orElseThrow().toSeconds();
    assertTrue(third >= 295 && third <= 300, "five minutes after the success: " + third);
    assertEquals(Optional.empty(), history.recent(APP).get(0).ageBefore(),
        "a mirror never synced before has no age");
  }
}
