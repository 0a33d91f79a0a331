package io.gitedge.sync;

import io.gitedge.store.MirrorName;
import io.gitedge.store.MirrorPolicy;
import io.gitedge.store.Upstream;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A mirror the scheduler keeps current: its name, its upstream, how often to sync it, under which
 * policy, and how fresh a read needs it. Immutable.
 *
 * @param freshness a read finding the last successful sync older than this checks the upstream
 *     first ({@link ReadFreshness}); empty: reads never wait for the upstream
 */
public record SyncPlan(MirrorName name, Upstream upstream, Duration interval,
    MirrorPolicy policy, Optional<Duration> freshness) {
  public SyncPlan {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(upstream, "upstream");
    Objects.requireNonNull(interval, "interval");
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(freshness, "freshness");
    if (interval.isZero() || interval.isNegative()) {
      throw new IllegalArgumentException("sync interval must be positive, got " + interval);
    }
  }

  /** With the default policy (immutable tags) and no freshness bound. */
  public SyncPlan(MirrorName name, Upstream upstream, Duration interval) {
    this(name, upstream, interval, MirrorPolicy.DEFAULT, Optional.empty());
  }
}
