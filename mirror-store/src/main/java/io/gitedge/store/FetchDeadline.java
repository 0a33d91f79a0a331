package io.gitedge.store;

import java.io.IOException;
import java.time.Duration;

/**
 * When one sync must have finished talking to its upstreams: {@link StoreConfig#maxFetchTime()}
 * after it started. An idle timeout alone does not bound a sync: an upstream that sends a byte
 * every few seconds, or one at 10 KB/s, never trips it and would hold a sync worker for hours.
 * Immutable; the clock is {@link System#nanoTime()}, which a wall-clock step does not move.
 */
final class FetchDeadline {
  private final Duration max;
  private final long endNanos;

  private FetchDeadline(Duration max, long endNanos) {
    this.max = max;
    this.endNanos = endNanos;
  }

  /** {@code max} from now. */
  static FetchDeadline in(Duration max) {
    return new FetchDeadline(max, System.nanoTime() + max.toNanos());
  }

  /** Milliseconds left, at least 1 (a socket timeout of 0 would mean "wait forever"). */
  int remainingMillis() {
    long ms = Math.max(1, (endNanos - System.nanoTime()) / 1_000_000);
    return (int) Math.min(Integer.MAX_VALUE, ms);
  }

  boolean passed() {
    return System.nanoTime() - endNanos >= 0;
  }

  /** @throws IOException once the deadline has passed */
  void check() throws IOException {
    if (passed()) {
      throw new IOException("the sync took longer than sync.maxFetchTime (" + max + ")");
    }
  }
}
