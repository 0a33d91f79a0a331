package io.gitedge.gateway.config;

import io.gitedge.store.IngestLimits;
import java.time.Duration;
import java.util.Objects;

/**
 * How mirrors are kept current. Immutable.
 *
 * @param workers how many syncs may run at once
 * @param fetchTimeout how long an upstream connection may stay silent
 * @param firstSyncWait how long a request for a mirror that does not exist yet (configured, or
 *     made on demand) waits for its first sync before it is answered "not ready"
 * @param backoffInitial the first retry after a failed sync comes this soon; each further
 *     failure doubles it, up to the mirror's interval
 * @param readWait how long a read waits for a freshness check or for a sync bringing an object it
 *     wants, before it is served from what the mirror has
 * @param ingest what one fetch may bring in
 */
public record SyncConfig(int workers, Duration fetchTimeout, Duration firstSyncWait,
    Duration backoffInitial, Duration readWait, IngestLimits ingest) {
  public SyncConfig {
    Objects.requireNonNull(fetchTimeout, "fetchTimeout");
    Objects.requireNonNull(firstSyncWait, "firstSyncWait");
    Objects.requireNonNull(backoffInitial, "backoffInitial");
    Objects.requireNonNull(readWait, "readWait");
    Objects.requireNonNull(ingest, "ingest");
  }
}
