package io.gitedge.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitedge.store.Mirror;
import io.gitedge.store.MirrorName;
import io.gitedge.store.MirrorState;
import io.gitedge.store.MirrorStore;
import io.gitedge.store.StoreConfig;
import io.gitedge.store.SyncResult;
import io.gitedge.store.Upstream;
import io.gitedge.testing.TestUpstream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
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

  /** The real store behind a gate, counting how many syncs run at once. */
  private static class GatedStore implements MirrorStore {
    final MirrorStore delegate;
    final CountDownLatch gate = new CountDownLatch(1);
    final AtomicInteger running = new AtomicInteger();
    final AtomicInteger maxRunning = new AtomicInteger();
    final AtomicInteger total = new AtomicInteger();

    GatedStore(MirrorStore delegate) {
      this.delegate = delegate;
    }

    @Override
    public Optional<Mirror> find(MirrorName name) throws IOException {
      return delegate.find(name);
    }

    @Override
    public SyncResult sync(MirrorName name, Upstream upstream) {
      maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
      total.incrementAndGet();
      try {
        gate.await(30, TimeUnit.SECONDS);
        return delegate.sync(name, upstream);
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      } finally {
        running.decrementAndGet();
      }
    }

    @Override
    public Optional<MirrorState> state(MirrorName name) {
      return delegate.state(name);
    }

    @Override
    public void close() {
      delegate.close();
    }
  }

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

  @AfterEach
  void tearDown() {
    real.close();
    upstream.close();
  }

  @Test
  void manyTriggers_runOneSyncAndQueueAtMostOneMore() throws Exception {
    GatedStore store = new GatedStore(real);
    List<SyncResult> seen = new CopyOnWriteArrayList<>();
    try (SyncScheduler s = new SyncScheduler(store, List.of(plan), 4, seen::add)) {
      List<CompletableFuture<SyncResult>> futures = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        futures.add(s.requestSync(lib));
      }
      for (int i = 2; i < futures.size(); i++) {
        assertSame(futures.get(1), futures.get(i), "later triggers share one pending sync");
      }
      store.gate.countDown();
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
    MirrorStore failingOnce = new GatedStore(real) {
      @Override
      public SyncResult sync(MirrorName name, Upstream upstream) {
        if (calls.incrementAndGet() == 1) {
          throw new NoClassDefFoundError("simulated linkage failure");
        }
        return real.sync(name, upstream);
      }
    };
    try (SyncScheduler s = new SyncScheduler(failingOnce, List.of(plan), 1, SyncListener.NONE)) {
      ExecutionException e = assertThrows(ExecutionException.class,
          () -> s.requestSync(lib).get(60, TimeUnit.SECONDS));
      assertTrue(e.getCause() instanceof NoClassDefFoundError, e.toString());
      assertTrue(s.requestSync(lib).get(60, TimeUnit.SECONDS).succeeded());
    }
  }

  @Test
  void currentOrNewSync_joinsTheRunningSync_ratherThanQueueingAnother() throws Exception {
    GatedStore store = new GatedStore(real);
    try (SyncScheduler s = new SyncScheduler(store, List.of(plan), 2, SyncListener.NONE)) {
      CompletableFuture<SyncResult> first = s.requestSync(lib);
      assertSame(first, s.currentOrNewSync(lib));
      store.gate.countDown();
      first.get(60, TimeUnit.SECONDS);
      assertEquals(1, store.total.get());
    }
  }

  @Test
  void start_syncsEveryPlannedMirrorInTheBackground() throws Exception {
    try (SyncScheduler s = new SyncScheduler(real, List.of(plan), 2, SyncListener.NONE)) {
      s.start();
      assertTrue(s.requestSync(lib).get(60, TimeUnit.SECONDS).succeeded());
      assertTrue(real.find(lib).isPresent());
    }
  }

  @Test
  void requestForAnUnplannedMirror_failsFast() throws Exception {
    try (SyncScheduler s = new SyncScheduler(real, List.of(plan), 1, SyncListener.NONE)) {
      ExecutionException e = assertThrows(ExecutionException.class,
          () -> s.requestSync(MirrorName.parse("github.com/acme/other")).get());
      assertTrue(e.getCause() instanceof IllegalArgumentException);
    }
  }
}
