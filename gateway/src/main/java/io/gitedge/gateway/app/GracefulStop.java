package io.gitedge.gateway.app;

import io.gitedge.gateway.observe.Activity;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * How a serving gateway stops on SIGTERM (or Ctrl-C, SIGINT).
 *
 * <h2>The sequence</h2>
 * <ol>
 *   <li><b>First signal: drain.</b> Both doors close their listening sockets at once (new
 *       connections are refused) and {@code /readyz} answers 503 "stopping" on connections
 *       already open; no sync starts any more and the running ones are aborted at their next
 *       safe point, changing no ref ({@code MirrorStore.abortSyncs}). Requests already running
 *       (HTTPS and SSH upload-packs, Go proxy downloads) go on, and so do the next requests of
 *       a clone on the connection it already has. One line is logged.
 *   <li><b>Drained</b> once no request runs, none ended within {@link #QUIET} (a clone's next
 *       request follows its last within milliseconds) and every aborted sync has ended: the
 *       gateway closes in order (doors, where SSH sessions first send what a finished
 *       upload-pack left in their window for a slow client, at most {@link #SSH_FLUSH}; syncs;
 *       the pack cache, which writes its memory tier to disk; the store), logs one line and
 *       the process exits 0.
 *   <li><b>A second signal, or {@code shutdown.drainTimeout} passed: at once.</b> The doors
 *       close with whatever runs on them, aborted syncs get {@link #SYNC_GRACE} to remove what
 *       they were writing, one line is logged and the process exits 0. Refs are still never
 *       partial: a sync's ref changes go in as one atomic batch after its objects; anything a
 *       sync cut short leaves (a temporary pack, a lock) is removed at the next start.
 *   <li>A third signal halts the process on the spot, and so does a watchdog if stopping takes
 *       {@link #WATCHDOG} longer than it should (a bug; logged).
 * </ol>
 *
 * <h2>Why signal handlers and not only a shutdown hook</h2>
 * On SIGTERM the JVM runs its shutdown hooks and then exits with status 143, whatever the hooks
 * do; while they run, a second SIGTERM is ignored (the JVM's handler blocks on the shutdown
 * lock). A drain in a hook could therefore neither exit 0 nor be cut short. So SIGTERM and SIGINT
 * get handlers of their own ({@code sun.misc.Signal}, in the {@code jdk.unsupported} module that
 * every JDK ships; {@code -Xrs} aside), which only count signals; the main thread drains, closes,
 * and returns, and {@code main} exits 0. The shutdown hook stays for every other way out (SIGHUP,
 * an exit elsewhere, a JVM whose handlers could not be installed): it drains the same way if
 * nothing has yet (then the JVM's exit status stands), or cuts a running drain short and waits
 * for it.
 */
final class GracefulStop {
  private static final Logger log = LoggerFactory.getLogger(GracefulStop.class);
  /** No request for this long, and a drain is done. */
  static final Duration QUIET = Duration.ofSeconds(1);
  /** How long a forced stop waits for aborted syncs to clean up. */
  static final Duration SYNC_GRACE = Duration.ofSeconds(2);
  /** How long SSH sessions may take to send what finished upload-packs left for slow clients. */
  static final Duration SSH_FLUSH = Duration.ofSeconds(10);
  /** Slack beyond the drain (and beyond a forced stop) before the watchdog halts. */
  static final Duration WATCHDOG = Duration.ofSeconds(30);
  private static final long STEP_MILLIS = 50;

  private final GatewayApp app;
  private final Duration drainTimeout;
  private final AtomicInteger signals = new AtomicInteger();
  private final CountDownLatch asked = new CountDownLatch(1);
  private final CountDownLatch forced = new CountDownLatch(1);
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final AtomicBoolean claimed = new AtomicBoolean();
  private final AtomicLong haltAt = new AtomicLong(Long.MAX_VALUE);
  private volatile String cause = "the JVM's exit";

  GracefulStop(GatewayApp app) {
    this.app = app;
    this.drainTimeout = app.shutdownConfig().drainTimeout();
  }

  /**
   * Serves until a signal (or the JVM's exit) asks to stop, then drains and closes {@code app};
   * returns once it is closed, or when interrupted.
   */
  static void serve(GatewayApp app, Runnable serving) {
    GracefulStop stop = new GracefulStop(app);
    Runtime.getRuntime().addShutdownHook(new Thread(stop::onJvmExit, "gitedge-shutdown"));
    stop.installSignalHandlers();
    serving.run();
    try {
      stop.asked.await();
      stop.stopOnce();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      app.close();
    }
  }

  /** Counts a signal: the first drains, the second cuts the drain short, a third halts. */
  void signal(String name) {
    int n = signals.incrementAndGet();
    if (n == 1) {
      cause = name;
      asked.countDown();
    } else if (n == 2) {
      forced.countDown();
    } else {
      log.warn("{} a third time: halting without cleaning up", name);
      Runtime.getRuntime().halt(1);
    }
  }

  private void installSignalHandlers() {
    for (String name : List.of("TERM", "INT")) {
      try {
        Signal.handle(new Signal(name), s -> signal("SIG" + s.getName()));
      } catch (IllegalArgumentException | UnsatisfiedLinkError | SecurityException e) {
        log.warn("cannot handle SIG{} ({}); it stops the gateway through the JVM's shutdown"
            + " hook, which drains too but exits 143 and ignores a second signal", name,
            e.getMessage());
      }
    }
  }

  /** The shutdown hook: drains if nothing has yet, else cuts the drain short and waits. */
  private void onJvmExit() {
    if (claimed.get()) {
      forced.countDown();
    } else {
      asked.countDown();
    }
    stopOnce();
  }

  /** Drains and closes, once; a second caller waits for the first (bounded by the watchdog). */
  private void stopOnce() {
    if (!claimed.compareAndSet(false, true)) {
      try {
        stopped.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return;
    }
    try {
      drainAndClose();
    } finally {
      stopped.countDown();
    }
  }

  private void drainAndClose() {
    long start = System.nanoTime();
    startWatchdog(start + drainTimeout.toNanos() + WATCHDOG.toNanos());
    app.stopAcceptingAndAbortSyncs();
    Activity activity = app.activity();
    int syncs = app.syncsRunning();
    log.info("{}: draining {} requests in flight, new connections refused, {} syncs aborting;"
        + " waiting at most {} ms for the requests (shutdown.drainTimeout)", cause,
        activity.inFlight(), syncs, drainTimeout.toMillis());
    String cutBy = awaitDrained(start, activity);
    if (cutBy == null) {
      app.closeAfterDrain(SSH_FLUSH);
      log.info("drained in {} ms: every request finished, and the {} syncs running at the"
          + " signal ended; stopped", millisSince(start), syncs);
      return;
    }
    int cut = activity.inFlight();
    haltAt.accumulateAndGet(System.nanoTime() + WATCHDOG.toNanos(), Math::min);
    app.closeNow(SYNC_GRACE);
    log.warn("stopped at once after {} ms ({}): {} requests cut, {} syncs still ending (what"
        + " they leave is removed at the next start)", millisSince(start), cutBy, cut,
        app.syncsRunning());
  }

  /** Null once drained; else why the drain was cut short. */
  private String awaitDrained(long start, Activity activity) {
    long deadline = start + drainTimeout.toNanos();
    try {
      while (true) {
        if (activity.isQuiet(QUIET) && app.syncsRunning() == 0) {
          return null;
        }
        if (System.nanoTime() - deadline >= 0) {
          return "the drain timeout of " + drainTimeout.toMillis() + " ms passed";
        }
        if (forced.await(STEP_MILLIS, TimeUnit.MILLISECONDS)) {
          return "a second signal";
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  /** Halts the JVM if it is still stopping at {@link #haltAt}: stopping must never hang. */
  private void startWatchdog(long at) {
    haltAt.set(at);
    Thread t = new Thread(() -> {
      try {
        while (System.nanoTime() - haltAt.get() < 0) {
          Thread.sleep(100);
        }
      } catch (InterruptedException e) {
        return;
      }
      log.error("stopping took too long; halting");
      Runtime.getRuntime().halt(1);
    }, "gitedge-stop-watchdog");
    t.setDaemon(true);
    t.start();
  }

  private static long millisSince(long start) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
  }
}
