package io.gitedge.sync;

import io.gitedge.store.MirrorName;
import io.gitedge.store.MirrorState;
import io.gitedge.store.MirrorStore;
import io.gitedge.store.SyncResult;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the planned mirrors current: syncs each once at {@link #start} (in the background), then
 * again an interval after each sync ends (±{@link SyncConfig#jitter()}), on a bounded pool
 * of workers. A restart does not reset the schedule: a mirror whose latest sync succeeded, from
 * the same upstream, less than an interval ago is not synced at start but when that interval is
 * up (so a restart does not compete with the first clones for CPU and does not hit the upstream
 * for nothing; webhooks, reads and the admin API still sync it sooner). After a failed or held sync the next attempt comes sooner, with exponential backoff
 * from {@link SyncConfig#backoffInitial()} up to the interval.
 *
 * <p>Single flight per mirror: while a sync runs, every further request for that mirror joins one
 * pending sync that starts when the running one ends, so however many triggers arrive, at most one
 * sync runs and one waits (and the work queued is bounded by twice the number of mirrors).
 * Requests for mirrors without a plan fail fast. Plans may be added while running (mirrors made
 * on demand).
 *
 * <p>Thread-safe; {@link #start} may be called once.
 */
public final class SyncScheduler implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SyncScheduler.class);

  private final MirrorStore store;
  private final SyncConfig settings;
  private final SyncListener listener;
  private final Clock clock;
  private final Map<MirrorName, SyncPlan> plans = new ConcurrentHashMap<>();
  private final ExecutorService workers;
  private final ScheduledExecutorService timer;
  private final Map<MirrorName, Flight> flights = new ConcurrentHashMap<>();
  private volatile boolean started;
  private volatile boolean aborting;
  private final AtomicInteger running = new AtomicInteger();

  /** Per mirror: the running sync, the one waiting behind it, the timer. Guarded by itself. */
  private static final class Flight {
    CompletableFuture<SyncResult> running;
    Set<Trigger> runningTriggers;
    CompletableFuture<SyncResult> pending;
    Set<Trigger> pendingTriggers;
    int failures;
    ScheduledFuture<?> next;
    Instant nextAt;
  }

  public SyncScheduler(MirrorStore store, List<SyncPlan> plans, SyncConfig settings,
      SyncListener listener, Clock clock) {
    this.store = store;
    this.settings = settings;
    this.listener = listener;
    this.clock = clock;
    for (SyncPlan p : plans) {
      if (this.plans.putIfAbsent(p.name(), p) != null) {
        throw new IllegalArgumentException("mirror " + p.name() + " is planned twice");
      }
    }
    this.workers = Executors.newFixedThreadPool(settings.workers(), named("gitedge-sync"));
    this.timer = Executors.newSingleThreadScheduledExecutor(named("gitedge-sync-timer"));
  }

  public SyncScheduler(MirrorStore store, List<SyncPlan> plans, SyncConfig settings,
      SyncListener listener) {
    this(store, plans, settings, listener, Clock.systemUTC());
  }

  /**
   * Starts the first sync of every plan in the background, except for mirrors synced less than
   * an interval ago, whose timer is set for when it is up; timers follow each sync.
   */
  public synchronized void start() {
    if (started) {
      throw new IllegalStateException("already started");
    }
    started = true;
    Instant now = clock.instant();
    for (SyncPlan p : plans.values()) {
      Optional<Instant> due = store.state(p.name())
          .filter(s -> s.upstreamUrl().equals(p.upstream().url()) && s.lastError().isEmpty())
          .flatMap(MirrorState::lastSuccess)
          .map(last -> last.plus(p.interval()))
          .filter(at -> at.isAfter(now));
      if (due.isEmpty()) {
        requestSync(p.name(), Trigger.START);
        continue;
      }
      Flight f = flights.computeIfAbsent(p.name(), n -> new Flight());
      synchronized (f) {
        if (f.running == null && f.next == null) {
          arm(p, f, due.get());
        }
      }
    }
  }

  /**
   * Adds a plan while running, and starts its first sync.
   *
   * @return the first sync, or empty if {@code plan}'s mirror was planned already
   */
  public Optional<CompletableFuture<SyncResult>> add(SyncPlan plan, Trigger trigger) {
    if (plans.putIfAbsent(plan.name(), plan) != null) {
      return Optional.empty();
    }
    return Optional.of(requestSync(plan.name(), trigger));
  }

  /** Stops keeping {@code name} current (a mirror made on demand whose upstream has none). */
  public void remove(MirrorName name) {
    plans.remove(name);
    Flight f = flights.get(name);
    if (f != null) {
      synchronized (f) {
        if (f.next != null) {
          f.next.cancel(false);
        }
      }
    }
  }

  /** The plan of {@code name}, if it has one. */
  public Optional<SyncPlan> plan(MirrorName name) {
    return Optional.ofNullable(plans.get(name));
  }

  /** Every plan. */
  public List<SyncPlan> plans() {
    return plans.values().stream().sorted((a, b) -> a.name().value().compareTo(b.name().value()))
        .toList();
  }

  /** Where {@code name} stands now. */
  public MirrorSchedule schedule(MirrorName name) {
    Flight f = flights.get(name);
    if (f == null) {
      return new MirrorSchedule(false, false, 0, Optional.empty());
    }
    synchronized (f) {
      return new MirrorSchedule(f.running != null, f.pending != null, f.failures,
          Optional.ofNullable(f.nextAt));
    }
  }

  /**
   * Asks for a sync of {@code name}, joining the pending one if a sync is already running.
   *
   * @return completes with the result of the sync that covers this request; completes
   *     exceptionally with {@link IllegalArgumentException} for a mirror without a plan
   */
  public CompletableFuture<SyncResult> requestSync(MirrorName name, Trigger trigger) {
    if (aborting) {
      return CompletableFuture.failedFuture(stopping());
    }
    SyncPlan plan = plans.get(name);
    if (plan == null) {
      return CompletableFuture.failedFuture(
          new IllegalArgumentException("no sync plan for " + name));
    }
    Flight f = flights.computeIfAbsent(name, n -> new Flight());
    synchronized (f) {
      if (f.running == null) {
        CompletableFuture<SyncResult> run = new CompletableFuture<>();
        launch(plan, f, run, EnumSet.of(trigger));
        return run;
      }
      if (f.pending == null) {
        f.pending = new CompletableFuture<>();
        f.pendingTriggers = EnumSet.noneOf(Trigger.class);
      }
      f.pendingTriggers.add(trigger);
      return f.pending;
    }
  }

  /**
   * The sync of {@code name} that is running now, or a new one if none is: for callers that want
   * a check no older than their own request's start, shared with everybody else asking (a first
   * clone waiting for the first sync must not wait for a second one).
   */
  public CompletableFuture<SyncResult> currentOrNewSync(MirrorName name, Trigger trigger) {
    Flight f = flights.get(name);
    if (f != null) {
      synchronized (f) {
        if (f.running != null) {
          f.runningTriggers.add(trigger);
          return f.running;
        }
      }
    }
    return requestSync(name, trigger);
  }

  /** Runs a sync of {@code plan} that completes {@code run}. Called holding {@code f}. */
  private void launch(SyncPlan plan, Flight f, CompletableFuture<SyncResult> run,
      Set<Trigger> triggers) {
    f.running = run;
    f.runningTriggers = triggers;
    if (f.next != null) {
      f.next.cancel(false);
      f.next = null;
      f.nextAt = null;
    }
    running.incrementAndGet();
    try {
      workers.execute(() -> runSync(plan, f, run));
    } catch (RejectedExecutionException e) {
      running.decrementAndGet();
      f.running = null;
      run.completeExceptionally(new IllegalStateException("the scheduler is closed", e));
    }
  }

  private void runSync(SyncPlan plan, Flight f, CompletableFuture<SyncResult> run) {
    SyncResult r = null;
    Throwable failure = null;
    boolean onlyPeers;
    synchronized (f) {
      onlyPeers = f.runningTriggers.equals(Set.of(Trigger.PEER));
    }
    try {
      // a sync only other regions' events asked for takes the tags they announced and no other
      r = store.sync(plan.name(), plan.upstream(),
          onlyPeers ? plan.policy().followingFleet() : plan.policy());
    } catch (Throwable e) {
      // whatever happens, the flight must land, or this mirror would never sync again
      failure = e;
      log.warn("sync of {} failed unexpectedly", plan.name(), e);
    }
    Set<Trigger> triggers;
    synchronized (f) {
      triggers = f.runningTriggers;
      f.failures = r != null && r.succeeded() ? 0 : f.failures + 1;
      f.running = null;
      f.runningTriggers = null;
      CompletableFuture<SyncResult> next = f.pending;
      Set<Trigger> nextTriggers = f.pendingTriggers;
      f.pending = null;
      f.pendingTriggers = null;
      if (next != null && aborting) {
        next.completeExceptionally(stopping());
      } else if (next != null) {
        launch(plan, f, next, nextTriggers);
      } else if (started && !aborting && plans.get(plan.name()) == plan) {
        scheduleNext(plan, f);
      }
    }
    if (r != null) {
      try {
        listener.onSync(r, Set.copyOf(triggers));
      } catch (RuntimeException e) {
        log.warn("sync listener failed for {}", plan.name(), e);
      }
      run.complete(r);
    } else {
      run.completeExceptionally(failure);
    }
    running.decrementAndGet(); // after the listener: the pack cache has heard of the sync
    if (failure instanceof Error error) {
      throw error;
    }
  }

  /** Arms the timer: the interval after a success, the backoff after a failure. Holds f. */
  private void scheduleNext(SyncPlan plan, Flight f) {
    Duration wait = plan.interval();
    if (f.failures > 0) {
      long factor = 1L << Math.min(f.failures - 1, 30);
      Duration backoff = settings.backoffInitial().multipliedBy(factor);
      if (backoff.compareTo(wait) < 0) {
        wait = backoff;
      }
    }
    double stretch = 1 + settings.jitter() * (2 * ThreadLocalRandom.current().nextDouble() - 1);
    arm(plan, f, clock.instant().plusMillis((long) (wait.toMillis() * stretch)));
  }

  /** Sets the timer of {@code plan}'s mirror to sync it {@code at} then. Holds f. */
  private void arm(SyncPlan plan, Flight f, Instant at) {
    long ms = Math.max(1, Duration.between(clock.instant(), at).toMillis());
    f.nextAt = at;
    try {
      f.next = timer.schedule(() -> requestSync(plan.name(), Trigger.SCHEDULE), ms,
          TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      f.nextAt = null; // closing
    }
  }

  /**
   * For a gateway that is stopping: starts no sync from now on (timers stopped, every request
   * fails at once with "the gateway is stopping", syncs waiting behind a running one too) and
   * has the store abort the running ones ({@link MirrorStore#abortSyncs}). Returns at once;
   * {@link #running()} says when they have ended.
   */
  public void abort() {
    aborting = true;
    timer.shutdownNow();
    store.abortSyncs();
  }

  /** Syncs running now (or handed to a worker), over all mirrors. */
  public int running() {
    return running.get();
  }

  private static IllegalStateException stopping() {
    return new IllegalStateException("the gateway is stopping");
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
