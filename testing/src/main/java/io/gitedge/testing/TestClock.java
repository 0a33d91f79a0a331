package io.gitedge.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A clock for tests that must see time pass beyond a TTL or a bound without waiting for it: it
 * runs with the system clock, plus however far {@link #advance} has moved it on. Time never goes
 * back, so whatever measures durations with it keeps working. Thread-safe.
 */
public final class TestClock extends Clock {
  private final AtomicLong offsetNanos = new AtomicLong();

  /** Moves this clock {@code by} forward. */
  public void advance(Duration by) {
    if (by.isNegative()) {
      throw new IllegalArgumentException("a clock only goes forward, not by " + by);
    }
    offsetNanos.addAndGet(by.toNanos());
  }

  @Override
  public Instant instant() {
    return Instant.now().plusNanos(offsetNanos.get());
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("a test clock is UTC only");
  }
}
