package io.gitedge.sync;

import io.gitedge.config.ConfigException;
import io.gitedge.config.ConfigMap;
import io.gitedge.config.ConfigNode;
import io.gitedge.store.IngestLimits;
import io.gitedge.store.StoreConfig;
import java.time.Duration;
import java.util.Objects;

/**
 * How mirrors are kept current: the {@code sync:} section of the config file, as the
 * {@link SyncScheduler} and the read path use it. Immutable.
 *
 * @param workers syncs that may run at once (over all mirrors)
 * @param fetchTimeout how long an upstream connection may stay silent
 * @param firstSyncWait how long a request for a mirror that does not exist yet (configured, or
 *     made on demand) waits for its first sync before it is answered "not ready"
 * @param backoffInitial the wait before the first retry after a failed sync; each further failure
 *     doubles it, up to the mirror's interval (so a returning upstream is noticed within one
 *     interval)
 * @param readWait how long a read waits for a freshness check or for a sync bringing an object it
 *     wants, before it is served from what the mirror has
 * @param ingest what one fetch may bring in
 * @param jitter each wait between syncs is stretched or shrunk by up to this fraction, so mirrors
 *     with the same interval do not all hit the upstream at once; not read from the config file
 * @param maxFetchTime how long one sync may spend with its upstream however steadily bytes come
 *     (a slow drip never trips {@code fetchTimeout}); past it the sync fails and frees its worker
 * @param progressInterval how often a long sync logs its progress (objects, bytes, rate): first
 *     after 3 s (or this, if shorter), then at this interval
 */
public record SyncConfig(int workers, Duration fetchTimeout, Duration firstSyncWait,
    Duration backoffInitial, Duration readWait, IngestLimits ingest, double jitter,
    Duration maxFetchTime, Duration progressInterval) {
  private static final int DEFAULT_WORKERS = 4;
  private static final int MAX_WORKERS = 64;
  private static final Duration DEFAULT_FETCH_TIMEOUT = Duration.ofMinutes(2);
  private static final Duration DEFAULT_FIRST_SYNC_WAIT = Duration.ofSeconds(30);
  private static final Duration DEFAULT_BACKOFF_INITIAL = Duration.ofSeconds(5);
  private static final Duration DEFAULT_READ_WAIT = Duration.ofSeconds(5);
  private static final double DEFAULT_JITTER = 0.1;
  private static final Duration DEFAULT_MAX_FETCH_TIME = StoreConfig.DEFAULT_MAX_FETCH_TIME;
  private static final Duration DEFAULT_PROGRESS_INTERVAL = StoreConfig.DEFAULT_PROGRESS_INTERVAL;

  /**
   * What an absent {@code sync:} section means: 4 workers, 2 min fetch timeout, 30 s first-sync
   * wait, 5 s first retry, 5 s read wait, {@link IngestLimits#DEFAULT}, 10 % jitter, one hour
   * per sync, a long sync's progress every 5 s.
   */
  public static final SyncConfig DEFAULT = new SyncConfig(DEFAULT_WORKERS, DEFAULT_FETCH_TIMEOUT,
      DEFAULT_FIRST_SYNC_WAIT, DEFAULT_BACKOFF_INITIAL, DEFAULT_READ_WAIT, IngestLimits.DEFAULT,
      DEFAULT_JITTER, DEFAULT_MAX_FETCH_TIME, DEFAULT_PROGRESS_INTERVAL);

  /** With progress lines every 5 s. */
  public SyncConfig(int workers, Duration fetchTimeout, Duration firstSyncWait,
      Duration backoffInitial, Duration readWait, IngestLimits ingest, double jitter,
      Duration maxFetchTime) {
    this(workers, fetchTimeout, firstSyncWait, backoffInitial, readWait, ingest, jitter,
        maxFetchTime, DEFAULT_PROGRESS_INTERVAL);
  }

  /** With the default {@code maxFetchTime} (one hour). */
  public SyncConfig(int workers, Duration fetchTimeout, Duration firstSyncWait,
      Duration backoffInitial, Duration readWait, IngestLimits ingest, double jitter) {
    this(workers, fetchTimeout, firstSyncWait, backoffInitial, readWait, ingest, jitter,
        DEFAULT_MAX_FETCH_TIME);
  }

  public SyncConfig {
    if (workers < 1) {
      throw new IllegalArgumentException("workers must be at least 1, got " + workers);
    }
    Objects.requireNonNull(fetchTimeout, "fetchTimeout");
    Objects.requireNonNull(firstSyncWait, "firstSyncWait");
    Objects.requireNonNull(backoffInitial, "backoffInitial");
    if (backoffInitial.isNegative() || backoffInitial.isZero()) {
      throw new IllegalArgumentException("backoffInitial must be positive, got "
          + backoffInitial);
    }
    Objects.requireNonNull(readWait, "readWait");
    Objects.requireNonNull(ingest, "ingest");
    Objects.requireNonNull(maxFetchTime, "maxFetchTime");
    if (maxFetchTime.isNegative() || maxFetchTime.isZero()) {
      throw new IllegalArgumentException("maxFetchTime must be positive, got " + maxFetchTime);
    }
    Objects.requireNonNull(progressInterval, "progressInterval");
    if (progressInterval.isNegative() || progressInterval.isZero()) {
      throw new IllegalArgumentException("progressInterval must be positive, got "
          + progressInterval);
    }
    if (jitter < 0 || jitter >= 1) {
      throw new IllegalArgumentException("jitter must be in [0, 1), got " + jitter);
    }
  }

  /**
   * Reads the {@code sync:} section; absent keys take the defaults of {@link #DEFAULT}.
   *
   * @throws ConfigException naming the line and key of a bad value or an unknown key
   */
  public static SyncConfig read(ConfigNode section) throws ConfigException {
    ConfigMap keys = section.asMap();
    SyncConfig config = new SyncConfig(
        keys.getOrDefault("workers", node -> node.asInt(1, MAX_WORKERS), DEFAULT_WORKERS),
        keys.getOrDefault("fetchTimeout", ConfigNode::asPositiveDuration, DEFAULT_FETCH_TIMEOUT),
        keys.getOrDefault("firstSyncWait", ConfigNode::asDuration, DEFAULT_FIRST_SYNC_WAIT),
        keys.getOrDefault("backoffInitial", ConfigNode::asPositiveDuration,
            DEFAULT_BACKOFF_INITIAL),
        keys.getOrDefault("readWait", ConfigNode::asDuration, DEFAULT_READ_WAIT),
        readIngest(keys), DEFAULT_JITTER,
        keys.getOrDefault("maxFetchTime", ConfigNode::asPositiveDuration,
            DEFAULT_MAX_FETCH_TIME),
        keys.getOrDefault("progressInterval", ConfigNode::asPositiveDuration,
            DEFAULT_PROGRESS_INTERVAL));
    keys.finish();
    return config;
  }

  private static IngestLimits readIngest(ConfigMap keys) throws ConfigException {
    IngestLimits defaults = IngestLimits.DEFAULT;
    return new IngestLimits(
        keys.getOrDefault("maxObjects", node -> node.asLong(1, Integer.MAX_VALUE),
            defaults.maxObjects()),
        keys.getOrDefault("maxObjectBytes", ConfigNode::asByteSize, defaults.maxBytes()),
        keys.getOrDefault("checkObjects", ConfigNode::asBoolean, defaults.checkObjects()));
  }
}
