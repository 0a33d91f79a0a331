package io.gitedge.sync;

import io.gitedge.store.MirrorName;
import io.gitedge.store.Upstream;
import java.time.Duration;
import java.util.Objects;

/**
 * A mirror the scheduler keeps current: its name, its upstream and how often to sync it.
 * Immutable.
 */
public record SyncPlan(MirrorName name, Upstream upstream, Duration interval) {
  public SyncPlan {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(upstream, "upstream");
    Objects.requireNonNull(interval, "interval");
    if (interval.isZero() || interval.isNegative()) {
      throw new IllegalArgumentException("sync interval must be positive, got " + interval);
    }
  }
}
