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
 */
public record StoreConfig(Path root, Duration fetchTimeout, int repackAfterPacks,
    IngestLimits ingest) {
  /** Repack once this many packs arrived since the last bitmapped one. */
  public static final int DEFAULT_REPACK_AFTER_PACKS = 8;

  /** Defaults: 2 minute fetch timeout, repack after 8 unbitmapped packs, default limits. */
  public static StoreConfig defaults(Path root) {
    return new StoreConfig(root, Duration.ofMinutes(2), DEFAULT_REPACK_AFTER_PACKS,
        IngestLimits.DEFAULT);
  }

  public StoreConfig {
    Objects.requireNonNull(root, "root");
    Objects.requireNonNull(fetchTimeout, "fetchTimeout");
    Objects.requireNonNull(ingest, "ingest");
    if (fetchTimeout.isNegative() || fetchTimeout.isZero()) {
      throw new IllegalArgumentException("fetch timeout must be positive, got " + fetchTimeout);
    }
    if (repackAfterPacks < 1) {
      throw new IllegalArgumentException("repackAfterPacks must be at least 1, got "
          + repackAfterPacks);
    }
  }

  /** The same with other ingest limits. */
  public StoreConfig withIngest(IngestLimits limits) {
    return new StoreConfig(root, fetchTimeout, repackAfterPacks, limits);
  }
}
