package io.gitedge.sync;

import io.gitedge.store.Mirror;
import io.gitedge.store.MirrorName;
import io.gitedge.store.MirrorPolicy;
import io.gitedge.store.MirrorState;
import io.gitedge.store.MirrorStore;
import io.gitedge.store.SyncResult;
import io.gitedge.store.Upstream;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The real store, watched by the tests: counts the syncs it runs, how many ran at once at most,
 * and how often two syncs of one mirror overlapped; a gated one holds every sync until
 * {@link #open()}.
 */
class WatchedStore implements MirrorStore {
  final MirrorStore delegate;
  final AtomicInteger total = new AtomicInteger();
  final AtomicInteger maxRunning = new AtomicInteger();
  final AtomicInteger overlaps = new AtomicInteger();
  private final CountDownLatch gate;
  private final AtomicInteger running = new AtomicInteger();
  private final Map<MirrorName, AtomicInteger> perMirror = new ConcurrentHashMap<>();

  WatchedStore(MirrorStore delegate, boolean gated) {
    this.delegate = delegate;
    this.gate = new CountDownLatch(gated ? 1 : 0);
  }

  /** Lets held and later syncs run. */
  void open() {
    gate.countDown();
  }

  @Override
  public void abortSyncs() {
    delegate.abortSyncs();
  }

  @Override
  public SyncResult sync(MirrorName name, Upstream upstream, MirrorPolicy policy) {
    AtomicInteger mine = perMirror.computeIfAbsent(name, n -> new AtomicInteger());
    if (mine.incrementAndGet() > 1) {
      overlaps.incrementAndGet();
    }
    maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
    total.incrementAndGet();
    try {
      if (!gate.await(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the test never opened the gate");
      }
      return delegate.sync(name, upstream, policy);
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    } finally {
      running.decrementAndGet();
      mine.decrementAndGet();
    }
  }

  @Override
  public Optional<Mirror> find(MirrorName name) throws IOException {
    return delegate.find(name);
  }

  @Override
  public Optional<MirrorState> state(MirrorName name) {
    return delegate.state(name);
  }

  @Override
  public void approveMassDelete(MirrorName name) {
    delegate.approveMassDelete(name);
  }

  @Override
  public List<MirrorName> mirrors() throws IOException {
    return delegate.mirrors();
  }

  @Override
  public void close() {
    delegate.close();
  }
}
