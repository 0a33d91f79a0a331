package io.gitedge.sync;

import io.gitedge.store.MirrorName;
import io.gitedge.store.MirrorStore;
import io.gitedge.store.SyncResult;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the planned mirrors current: syncs each once at {@link #start} (in the background) and
 * then every {@link SyncPlan#interval()}, on a bounded pool of workers.
 *
 * <p>Single flight per mirror: while a sync runs, every further request for that mirror joins one
 * pending sync that starts when the running one ends, so however many triggers arrive, at most one
 * sync runs and one waits. Requests for mirrors without a plan fail fast.
 *
 * <p>Thread-safe. Plans are fixed at construction; {@link #start} may be called once.
 */
public final class SyncScheduler implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SyncScheduler.class);

  private final MirrorStore store;
  private final Map<MirrorName, SyncPlan> plans = new HashMap<>();
  private final SyncListener listener;
  private final ExecutorService workers;
  private final ScheduledExecutorService timer;
  private final Map<MirrorName, Flight> flights = new HashMap<>();
  private boolean started;

  /** Per mirror: the running sync and the one waiting behind it. Guarded by {@code flights}. */
  private static final class Flight {
    CompletableFuture<SyncResult> running;
    CompletableFuture<SyncResult> pending;
  }

  public SyncScheduler(MirrorStore store, List<SyncPlan> plans, int workers,
      SyncListener listener) {
    if (workers < 1) {
      throw new IllegalArgumentException("workers must be at least 1, got " + workers);
    }
    this.store = store;
    this.listener = listener;
    for (SyncPlan p : plans) {
      if (this.plans.putIfAbsent(p.name(), p) != null) {
        throw new IllegalArgumentException("mirror " + p.name() + " is planned twice");
      }
    }
    this.workers = Executors.newFixedThreadPool(workers, named("gitedge-sync"));
    this.timer = Executors.newSingleThreadScheduledExecutor(named("gitedge-sync-timer"));
  }

  /** Starts the first sync of every plan in the background, and the timers. */
  public synchronized void start() {
    if (started) {
      throw new IllegalStateException("already started");
    }
    started = true;
    for (SyncPlan p : plans.values()) {
      requestSync(p.name());
      long every = p.interval().toMillis();
      timer.scheduleWithFixedDelay(() -> requestSync(p.name()), every, every,
          TimeUnit.MILLISECONDS);
    }
  }

  /**
   * Asks for a sync of {@code name}, joining the pending one if a sync is already running.
   *
   * @return completes with the result of the sync that covers this request; completes
   *     exceptionally with {@link IllegalArgumentException} for a mirror without a plan
   */
  public CompletableFuture<SyncResult> requestSync(MirrorName name) {
    SyncPlan plan = plans.get(name);
    if (plan == null) {
      return CompletableFuture.failedFuture(
          new IllegalArgumentException("no sync plan for " + name));
    }
    synchronized (flights) {
      Flight f = flights.computeIfAbsent(name, n -> new Flight());
      if (f.running == null) {
        CompletableFuture<SyncResult> run = new CompletableFuture<>();
        launch(plan, f, run);
        return run;
      }
      if (f.pending == null) {
        f.pending = new CompletableFuture<>();
      }
      return f.pending;
    }
  }

  /**
   * The sync of {@code name} that is running now, or a new one if none is: for callers that want
   * the mirror to exist rather than to be fresh as of this moment (a first clone waiting for the
   * first sync must not wait for a second one).
   */
  public CompletableFuture<SyncResult> currentOrNewSync(MirrorName name) {
    synchronized (flights) {
      Flight f = flights.get(name);
      if (f != null && f.running != null) {
        return f.running;
      }
    }
    return requestSync(name);
  }

  /** Runs a sync of {@code plan} that completes {@code run}. Called holding {@code flights}. */
  private void launch(SyncPlan plan, Flight f, CompletableFuture<SyncResult> run) {
    f.running = run;
    try {
      workers.execute(() -> {
        SyncResult r = null;
        Throwable failure = null;
        try {
          r = store.sync(plan.name(), plan.upstream());
          listener.onSync(r);
        } catch (Throwable e) {
          // whatever happens, the flight must land, or this mirror would never sync again
          failure = e;
          log.warn("sync of {} failed unexpectedly", plan.name(), e);
        } finally {
          synchronized (flights) {
            f.running = null;
            CompletableFuture<SyncResult> next = f.pending;
            f.pending = null;
            if (next != null) {
              launch(plan, f, next);
            }
          }
        }
        if (r != null) {
          run.complete(r);
        } else {
          run.completeExceptionally(failure);
        }
        if (failure instanceof Error error) {
          throw error;
        }
      });
    } catch (RejectedExecutionException e) {
      f.running = null;
      run.completeExceptionally(new IllegalStateException("the scheduler is closed", e));
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
    workers.shutdownNow();
    try {
      workers.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static ThreadFactory named(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
