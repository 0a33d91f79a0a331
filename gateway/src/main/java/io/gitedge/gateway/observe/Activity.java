package io.gitedge.gateway.observe;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The clients' requests in flight on both doors (health checks aside), so that background work
 * that can wait, such as loading bitmaps after a restart, waits for a quiet moment instead of
 * taking a core from the first clones. Thread-safe.
 */
public final class Activity {
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicLong lastEnd = new AtomicLong(Long.MIN_VALUE / 2);

  /** A request began; pair with {@link #end()}. */
  public void begin() {
    inFlight.incrementAndGet();
  }

  /** A request ended. */
  public void end() {
    lastEnd.set(System.nanoTime());
    inFlight.decrementAndGet();
  }

  /** Requests running now. */
  public int inFlight() {
    return inFlight.get();
  }

  /**
   * Whether no request runs now and none ended within {@code quiet}: a git client making its
   * next request of the same clone (a few milliseconds after the last) is not yet done.
   */
  public boolean isQuiet(Duration quiet) {
    return inFlight.get() == 0 && System.nanoTime() - lastEnd.get() >= quiet.toNanos();
  }

  /**
   * Waits until no request has run for {@code quiet}, counted from this call at the earliest,
   * at most {@code max}; returns whether it got quiet (false when {@code max} ran out first).
   *
   * @throws InterruptedException if interrupted while waiting
   */
  public boolean awaitQuiet(Duration quiet, Duration max) throws InterruptedException {
    long called = System.nanoTime();
    long deadline = called + max.toNanos();
    long step = Math.max(1, Math.min(quiet.toMillis() / 4, 250));
    while (inFlight.get() > 0
        || System.nanoTime() - Math.max(called, lastEnd.get()) < quiet.toNanos()) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(step);
    }
    return true;
  }
}
