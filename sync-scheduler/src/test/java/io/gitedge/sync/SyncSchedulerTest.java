package io.gitedge.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitedge.store.MirrorName;
import io.gitedge.store.MirrorPolicy;
import io.gitedge.store.MirrorStore;
import io.gitedge.store.StoreConfig;
import io.gitedge.store.SyncResult;
import io.gitedge.store.Upstream;
import io.gitedge.testing.TestUpstream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyncSchedulerTest {
  @TempDir Path dir;
  private TestUpstream upstream;
  private MirrorStore real;
  private MirrorName lib;
  private SyncPlan plan;

  @BeforeEach
  void setUp() throws Exception {
    upstream = TestUpstream.create(dir);
    upstream.createRepo("acme/lib");
    upstream.commit("acme/lib", "main", Map.of("README", "hi\n"), "first");
    real = MirrorStore.open(StoreConfig.defaults(dir.resolve("mirrors")));
    lib = MirrorName.parse("github.com/acme/lib");
    plan = new SyncPlan(lib, new Upstream(upstream.fileUrl() + "/acme/lib.git", Optional.empty()),
        Duration.ofHours(1));
  }

  private static SyncConfig settings(int workers) {
    return settings(workers, SyncConfig.DEFAULT.backoffInitial());
  }

  private static SyncConfig settings(int workers, Duration backoffInitial) {
    SyncConfig d = SyncConfig.DEFAULT;
    return new SyncConfig(workers, d.fetchTimeout(), d.firstSyncWait(), backoffInitial,
        d.readWait(), d.ingest(), d.jitter());
  }

  @AfterEach
  void tearDown() {
    real.close();
    upstream.close();
  }

  @Test
  void abort_refusesNewSyncs_failsTheWaitingOne_andTheRunningOneChangesNothing()
      throws Exception {
    WatchedStore store = new WatchedStore(real, true);
    try (SyncScheduler s = new SyncScheduler(store, List.of(plan), settings(4),
        (r, t) -> { })) {
      CompletableFuture<SyncResult> running = s.requestSync(lib, Trigger.WEBHOOK);
      CompletableFuture<SyncResult> waiting = s.requestSync(lib, Trigger.WEBHOOK);
      assertEquals(1, s.running());
      s.abort();
      ExecutionException refused = assertThrows(ExecutionException.class,
          () -> s.requestSync(lib, Trigger.ADMIN).get(5, TimeUnit.SECONDS));
      assertEquals("the gateway is stopping", refused.getCause().getMessage());
      store.open(); // the held sync reaches the store, which is aborting
      SyncResult r = running.get(30, TimeUnit.SECONDS);
      assertEquals(SyncResult.Outcome.FAILED, r.outcome());
      assertEquals(Optional.of("aborted: the gateway is stopping"), r.error());
      assertThrows(ExecutionException.class, () -> waiting.get(5, TimeUnit.SECONDS),
          "the sync waiting behind the aborted one never starts");
      assertTrue(real.find(lib).isEmpty(), "an aborted first sync made no mirror");
      for (int i = 0; i < 100 && s.running() > 0; i++) {
        Thread.sleep(20);
      }
      assertEquals(0, s.running());
      assertEquals(1, store.total.get(), "one sync reached the store");
    }
  }

  @Test
  void manyTriggers_runOneSyncAndQueueAtMostOneMore() throws Exception {
    WatchedStore store = new WatchedStore(real, true);
    List<SyncResult> seen = new CopyOnWriteArrayList<>();
    try (SyncScheduler s = new SyncScheduler(store, List.of(plan), settings(4),
        (r, t) -> seen.add(r))) {
      List<CompletableFuture<SyncResult>> futures = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        futures.add(s.requestSync(lib, Trigger.WEBHOOK));
      }
      for (int i = 2; i < futures.size(); i++) {
        assertSame(futures.get(1), futures.get(i), "later triggers share one pending sync");
      }
      store.open();
      for (CompletableFuture<SyncResult> f : futures) {
        assertTrue(f.get(60, TimeUnit.SECONDS).succeeded());
      }
      assertEquals(2, store.total.get());
      assertEquals(1, store.maxRunning.get());
      assertEquals(SyncResult.Outcome.CREATED, futures.get(0).get().outcome());
      assertEquals(SyncResult.Outcome.UNCHANGED, futures.get(1).get().outcome());
      assertEquals(2, seen.size());
    }
  }

  @Test
  void aSyncThatThrowsAnError_doesNotJamLaterSyncs() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    MirrorStore failingOnce = new WatchedStore(real, true) {
      @Override
      public SyncResult sync(MirrorName name, Upstream upstream, MirrorPolicy policy) {
        if (calls.incrementAndGet() == 1) {
          throw new NoClassDefFoundError("simulated linkage failure");
        }
        return real.sync(name, upstream, policy);
      }
    };
    try (SyncScheduler s = new SyncScheduler(failingOnce, List.of(plan), settings(1),
        SyncListener.NONE)) {
      ExecutionException e = assertThrows(ExecutionException.class,
          () -> s.requestSync(lib, Trigger.WEBHOOK).get(60, TimeUnit.SECONDS));
      assertTrue(e.getCause() instanceof NoClassDefFoundError, e.toString());
      assertTrue(s.requestSync(lib, Trigger.WEBHOOK).get(60, TimeUnit.SECONDS).succeeded());
    }
  }

  @Test
  void currentOrNewSync_joinsTheRunningSync_ratherThanQueueingAnother() throws Exception {
    WatchedStore store = new WatchedStore(real, true);
    try (SyncScheduler s = new SyncScheduler(store, List.of(plan), settings(2), SyncListener.NONE)) {
      CompletableFuture<SyncResult> first = s.requestSync(lib, Trigger.WEBHOOK);
      assertSame(first, s.currentOrNewSync(lib, Trigger.READ));
      store.open();
      first.get(60, TimeUnit.SECONDS);
      assertEquals(1, store.total.get());
    }
  }

  @Test
  void start_syncsEveryPlannedMirrorInTheBackground() throws Exception {
    try (SyncScheduler s = new SyncScheduler(real, List.of(plan), settings(2), SyncListener.NONE)) {
      s.start();
      assertTrue(s.requestSync(lib, Trigger.WEBHOOK).get(60, TimeUnit.SECONDS).succeeded());
      assertTrue(real.find(lib).isPresent());
    }
  }

  @Test
  void aRestartWithinTheInterval_keepsTheSchedule_ratherThanSyncingAtStart() throws Exception {
    assertTrue(real.sync(lib, plan.upstream()).succeeded());
    Instant last = real.state(lib).orElseThrow().lastSuccess().orElseThrow();
    WatchedStore store = new WatchedStore(real, true);
    try (SyncScheduler s = new SyncScheduler(store, List.of(plan), settings(2), SyncListener.NONE)) {
      s.start();
      MirrorSchedule m = s.schedule(lib);
      assertFalse(m.running(), "synced at start although the last sync is seconds old");
      assertEquals(last.plus(plan.interval()), m.nextSync().orElseThrow());
      store.open();
      assertTrue(s.requestSync(lib, Trigger.WEBHOOK).get(60, TimeUnit.SECONDS).succeeded(),
          "a webhook still syncs it");
    }
  }

  @Test
  void atStart_aMirrorSyncsAtOnce_whenItsIntervalIsUp_itsLastSyncFailed_orItsUpstreamMoved()
      throws Exception {
    assertTrue(real.sync(lib, plan.upstream()).succeeded());
    SyncPlan overdue = new SyncPlan(lib, plan.upstream(), Duration.ofMillis(1));
    Path moved = dir.resolve("moved.git");
    upstream.git("acme/lib", "clone", "--bare", "--quiet", ".", moved.toString()).assertOk();
    SyncPlan elsewhere = new SyncPlan(lib, new Upstream("file://" + moved, Optional.empty()),
        Duration.ofHours(1));
    Thread.sleep(5);
    assertTrue(startSyncs(overdue), "interval up");
    assertTrue(startSyncs(elsewhere), "upstream moved");

    Path bare = upstream.bare("acme/lib");
    Path away = dir.resolve("away.git");
    java.nio.file.Files.move(bare, away);
    assertEquals(SyncResult.Outcome.FAILED, real.sync(lib, plan.upstream()).outcome());
    java.nio.file.Files.move(away, bare);
    assertTrue(startSyncs(plan), "last sync failed");
  }

  /** Whether a fresh scheduler of {@code p} syncs at start. */
  private boolean startSyncs(SyncPlan p) throws Exception {
    WatchedStore store = new WatchedStore(real, true);
    try (SyncScheduler s = new SyncScheduler(store, List.of(p), settings(1), SyncListener.NONE)) {
      s.start();
      boolean syncing = s.schedule(p.name()).running();
      store.open();
      return syncing;
    }
  }

  @Test
  void requestForAnUnplannedMirror_failsFast() throws Exception {
    try (SyncScheduler s = new SyncScheduler(real, List.of(plan), settings(1), SyncListener.NONE)) {
      ExecutionException e = assertThrows(ExecutionException.class,
          () -> s.requestSync(MirrorName.parse("github.com/acme/other"), Trigger.ADMIN).get());
      assertTrue(e.getCause() instanceof IllegalArgumentException);
    }
  }

  /** Catalogue row R08: a hundred triggers from many threads, one fetch at a time, then level. */
  @Test
  void r08_aHundredConcurrentTriggers_runOneSyncAtATime_andEndLevelWithTheUpstream()
      throws Exception {
    WatchedStore store = new WatchedStore(real, true);
    store.open();
    try (SyncScheduler s = new SyncScheduler(store, List.of(plan), settings(8),
        SyncListener.NONE)) {
      java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors
          .newFixedThreadPool(16);
      List<java.util.concurrent.Future<CompletableFuture<SyncResult>>> asks = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        Trigger t = Trigger.values()[i % Trigger.values().length];
        if (i % 10 == 0) {
          upstream.commit("acme/lib", "main", Map.of("n.txt", i + "\n"), "push " + i);
        }
        asks.add(pool.submit(() -> s.requestSync(lib, t)));
      }
      for (var a : asks) {
        assertTrue(a.get(60, TimeUnit.SECONDS).get(60, TimeUnit.SECONDS).succeeded());
      }
      pool.shutdown();
      assertEquals(1, store.maxRunning.get(), "syncs of one mirror overlapped");
      assertTrue(s.requestSync(lib, Trigger.ADMIN).get(60, TimeUnit.SECONDS).succeeded());
      Map<String, String> mirror = new java.util.TreeMap<>();
      for (var r : real.find(lib).orElseThrow().repository().getRefDatabase()
          .getRefsByPrefix("refs/")) {
        mirror.put(r.getName(), r.getObjectId().name());
      }
      assertEquals(new java.util.TreeMap<>(upstream.refs("acme/lib")), mirror);
      assertTrue(store.total.get() < 100, store.total.get() + " syncs for 100 triggers");
    }
  }

  @Test
  void afterFailures_retriesBackOffExponentiallyUpToTheInterval_andAReturningUpstreamResetsIt()
      throws Exception {
    MirrorName later = MirrorName.parse("github.com/acme/later");
    SyncPlan failing = new SyncPlan(later, new Upstream(upstream.fileUrl() + "/acme/later.git",
        Optional.empty()), Duration.ofMillis(1600));
    List<long[]> seen = new CopyOnWriteArrayList<>(); // failures, planned delay in ms
    CountDownLatch recovered = new CountDownLatch(1);
    SyncScheduler[] self = new SyncScheduler[1];
    SyncListener listener = (r, t) -> {
      MirrorSchedule m = self[0].schedule(later);
      long delay = Duration.between(java.time.Instant.now(), m.nextSync().orElseThrow())
          .toMillis();
      seen.add(new long[] {m.consecutiveFailures(), delay});
      if (r.succeeded()) {
        recovered.countDown();
      } else if (m.consecutiveFailures() == 5) {
        upstream.createRepo("acme/later");
        upstream.commit("acme/later", "main", Map.of("x", "x\n"), "finally");
      }
    };
    try (SyncScheduler s = new SyncScheduler(real, List.of(failing),
        settings(1, Duration.ofMillis(200)), listener)) {
      self[0] = s;
      s.start();
      assertTrue(recovered.await(30, TimeUnit.SECONDS), "never recovered: " + describe(seen));
    }
    long[] expected = {200, 400, 800, 1600, 1600};
    for (int i = 0; i < 5; i++) {
      assertEquals(i + 1, seen.get(i)[0]);
      long d = seen.get(i)[1];
      assertTrue(d >= expected[i] * 0.9 - 50 && d <= expected[i] * 1.1, "attempt " + (i + 1)
          + " planned in " + d + " ms, expected about " + expected[i] + ": " + describe(seen));
    }
    long[] ok = seen.get(5);
    assertEquals(0, ok[0], "a success resets the failures");
    assertTrue(ok[1] >= 1600 * 0.9 - 50 && ok[1] <= 1600 * 1.1, describe(seen));
  }

  private static String describe(List<long[]> seen) {
    return seen.stream().map(a -> a[0] + ":" + a[1] + "ms").toList().toString();
  }

  @Test
  void intervals_areJitteredByUpToTenPercent() throws Exception {
    List<SyncPlan> plans = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      plans.add(new SyncPlan(MirrorName.parse("github.com/acme/m" + i), plan.upstream(),
          Duration.ofHours(1)));
    }
    CountDownLatch done = new CountDownLatch(plans.size());
    try (SyncScheduler s = new SyncScheduler(real, plans, settings(4), (r, t) -> done.countDown())) {
      s.start();
      assertTrue(done.await(60, TimeUnit.SECONDS));
      java.util.Set<Long> minutes = new java.util.HashSet<>();
      for (SyncPlan p : plans) {
        long ms = Duration.between(java.time.Instant.now(),
            s.schedule(p.name()).nextSync().orElseThrow()).toMillis();
        assertTrue(ms >= 3_240_000 - 60_000 && ms <= 3_960_000, p.name() + ": " + ms);
        minutes.add(ms / 60_000);
      }
      assertTrue(minutes.size() > 1, "twelve mirrors, all due in the same minute: " + minutes);
    }
  }

  @Test
  void plansAddedWhileRunning_syncAtOnce_andARemovedOneIsNoLongerServed() throws Exception {
    try (SyncScheduler s = new SyncScheduler(real, List.of(), settings(2), SyncListener.NONE)) {
      s.start();
      CompletableFuture<SyncResult> first = s.add(plan, Trigger.ON_DEMAND).orElseThrow();
      assertEquals(SyncResult.Outcome.CREATED, first.get(60, TimeUnit.SECONDS).outcome());
      assertTrue(s.add(plan, Trigger.ON_DEMAND).isEmpty(), "added once");
      s.remove(lib);
      ExecutionException e = assertThrows(ExecutionException.class,
          () -> s.requestSync(lib, Trigger.READ).get());
      assertTrue(e.getCause() instanceof IllegalArgumentException);
    }
  }
}
