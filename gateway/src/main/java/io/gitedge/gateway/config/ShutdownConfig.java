package io.gitedge.gateway.config;

import java.time.Duration;
import java.util.Objects;

/**
 * How the gateway stops on SIGTERM (or Ctrl-C): the {@code shutdown:} section. Immutable;
 * validated when built.
 *
 * @param drainTimeout how long requests running at the signal (clones, fetches, Go downloads)
 *     may take to finish while no new connection is accepted; zero stops at once
 */
public record ShutdownConfig(Duration drainTimeout) {
  static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(30);

  /** 30 s of drain: most clones finish, and it fits Kubernetes' default grace period. */
  public static final ShutdownConfig DEFAULTS = new ShutdownConfig(DEFAULT_DRAIN_TIMEOUT);

  public ShutdownConfig {
    Objects.requireNonNull(drainTimeout, "drainTimeout");
    if (drainTimeout.isNegative()) {
      throw new IllegalArgumentException("drainTimeout cannot be negative, got " + drainTimeout);
    }
  }
}
