package io.gitedge.gateway.config;

import java.time.Duration;
import java.util.Objects;

/**
 * How mirrors are kept current. Immutable.
 *
 * @param workers how many syncs may run at once
 * @param fetchTimeout how long an upstream connection may stay silent
 * @param firstSyncWait how long a request for a configured mirror that does not exist yet waits
 *     for its first sync before it is answered "not ready"
 */
public record SyncConfig(int workers, Duration fetchTimeout, Duration firstSyncWait) {
  public SyncConfig {
    Objects.requireNonNull(fetchTimeout, "fetchTimeout");
    Objects.requireNonNull(firstSyncWait, "firstSyncWait");
  }
}
