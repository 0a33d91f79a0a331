package io.gitedge.store;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the mirror store. Immutable.
 *
 * @param root folder holding the mirrors ({@code <dataDir>/mirrors})
 * @param fetchTimeout how long one upstream connection may stay silent before a sync fails
 * @param repackAfterPacks repack with bitmaps once this many packs lack a bitmap
 * @param ingest what one fetch may bring in
 * @param maxFetchTime how long one sync may take talking to its upstream(s), however steadily
 *     the bytes come: past it the sync fails and frees its worker (an upstream dripping a byte
 *     now and then never trips {@code fetchTimeout})
 * @param progressInterval how often a long sync logs its progress ({@link SyncProgress}): first
 *     once it has run 3 s (or this, if shorter), then at this interval, and a summary at its end
 */
public record StoreConfig(Path root, Duration fetchTimeout, int repackAfterPacks,
    IngestLimits ingest, Duration maxFetchTime, Duration progressInterval) {
  /** Repack once this many packs arrived since the last bitmapped one. */
  public static final int DEFAULT_REPACK_AFTER_PACKS = 8;
  /** One hour: a first sync of a multi-gigabyte repository over a slow link fits. */
  public static final Duration DEFAULT_MAX_FETCH_TIME = Duration.ofHours(1);
  /** A long sync's progress line every 5 seconds. */
  public static final Duration DEFAULT_PROGRESS_INTERVAL = Duration.ofSeconds(5);

  /**
   * Defaults: 2 minute fetch timeout, repack after 8 unbitmapped packs, default limits, one
   * hour per sync, progress every 5 seconds.
   */
  public static StoreConfig defaults(Path root) {
    return new StoreConfig(root, Duration.ofMinutes(2), DEFAULT_REPACK_AFTER_PACKS,
        IngestLimits.DEFAULT, DEFAULT_MAX_FETCH_TIME);
  }

  /** With progress lines every {@link #DEFAULT_PROGRESS_INTERVAL}. */
  public StoreConfig(Path root, Duration fetchTimeout, int repackAfterPacks, IngestLimits ingest,
      Duration maxFetchTime) {
    this(root, fetchTimeout, repackAfterPacks, ingest, maxFetchTime, DEFAULT_PROGRESS_INTERVAL);
  }

  public StoreConfig {
    Objects.requireNonNull(root, "root");
    Objects.requireNonNull(fetchTimeout, "fetchTimeout");
    Objects.requireNonNull(ingest, "ingest");
    if (fetchTimeout.isNegative() || fetchTimeout.isZero()) {
      throw new IllegalArgumentException("fetch timeout must be positive, got " + fetchTimeout);
    }
    Objects.requireNonNull(maxFetchTime, "maxFetchTime");
    if (maxFetchTime.isNegative() || maxFetchTime.isZero()) {
      throw new IllegalArgumentException("maxFetchTime must be positive, got " + maxFetchTime);
    }
    Objects.requireNonNull(progressInterval, "progressInterval");
    if (progressInterval.isNegative() || progressInterval.isZero()) {
      throw new IllegalArgumentException("progressInterval must be positive, got "
          + progressInterval);
    }
    if (repackAfterPacks < 1) {
      throw new IllegalArgumentException("repackAfterPacks must be at least 1, got "
          + repackAfterPacks);
    }
  }

  /** The same with other ingest limits. */
  public StoreConfig withIngest(IngestLimits limits) {
    return new StoreConfig(root, fetchTimeout, repackAfterPacks, limits, maxFetchTime,
        progressInterval);
  }
}
