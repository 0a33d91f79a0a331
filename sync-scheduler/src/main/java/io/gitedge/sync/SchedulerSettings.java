package io.gitedge.sync;

import java.time.Duration;
import java.util.Objects;

/**
 * How the scheduler runs syncs. Immutable.
 *
 * @param workers syncs that may run at once (over all mirrors)
 * @param backoffInitial the wait before the first retry after a failed sync; each further failure
 *     doubles it, up to the mirror's interval (so a returning upstream is noticed within one
 *     interval)
 * @param jitter each wait is stretched or shrunk by up to this fraction, so mirrors with the same
 *     interval do not all hit the upstream at once
 */
public record SchedulerSettings(int workers, Duration backoffInitial, double jitter) {
  /** 4 workers, 5 s first retry, 10 % jitter. */
  public static final SchedulerSettings DEFAULT =
      new SchedulerSettings(4, Duration.ofSeconds(5), 0.1);

  public SchedulerSettings {
    if (workers < 1) {
      throw new IllegalArgumentException("workers must be at least 1, got " + workers);
    }
    Objects.requireNonNull(backoffInitial, "backoffInitial");
    if (backoffInitial.isNegative() || backoffInitial.isZero()) {
      throw new IllegalArgumentException("backoffInitial must be positive, got "
          + backoffInitial);
    }
    if (jitter < 0 || jitter >= 1) {
      throw new IllegalArgumentException("jitter must be in [0, 1), got " + jitter);
    }
  }

  /** The same with {@code n} workers. */
  public SchedulerSettings withWorkers(int n) {
    return new SchedulerSettings(n, backoffInitial, jitter);
  }
}
