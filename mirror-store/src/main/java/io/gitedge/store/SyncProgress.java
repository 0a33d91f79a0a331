package io.gitedge.store;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * How far a running sync has got, for the operator's views (the admin API's {@code progress},
 * the status page) and the progress lines a long sync logs: {@link MirrorStore#progress} takes
 * one such snapshot; ask again for a newer one. Immutable.
 *
 * <p>The counts cover the whole sync, every upstream conversation it had (a fallback's, the
 * fleet's tags' included). Objects are those of the packs received, as JGit's pack parser reads
 * them; bytes are what came from the upstream over the network, before any unpacking (listings
 * included): HTTP bodies as read (after TLS and chunking) or the output of the SSH command;
 * a {@code file://} upstream's are not counted.
 *
 * @param name the mirror being synced
 * @param phase what the sync is doing now
 * @param objects objects of the upstream's packs received so far (0 before the first arrives)
 * @param totalObjects the objects the packs announce in their headers, once a header arrived
 *     (JGit reads the count before the objects); empty before
 * @param bytes bytes received from the upstream so far; empty for a {@code file://} upstream,
 *     whose bytes are not counted
 * @param bytesPerSecond the receive rate over the latest progress period (see
 *     {@link StoreConfig#progressInterval()}), or the mean since the start before the first
 *     period ended; empty where {@code bytes} is
 * @param startedAt when the sync began (after it got the mirror's sync lock)
 * @param elapsed how long it has run, at this snapshot
 */
public record SyncProgress(MirrorName name, Phase phase, long objects, OptionalLong totalObjects,
    OptionalLong bytes, OptionalLong bytesPerSecond, Instant startedAt, Duration elapsed) {
  /** The steps of a sync, in the order they come (a sync with nothing to fetch skips some). */
  public enum Phase {
    /** Asking the upstream for its branches and tags. */
    LISTING,
    /** Wants sent; the upstream is preparing its pack (counting, compressing). */
    FETCHING,
    /** The pack's objects are arriving. */
    RECEIVING,
    /** The pack is in; its deltas are being resolved and indexed. */
    RESOLVING,
    /** The objects are in; checking they are whole and safe, then applying the refs. */
    CHECKING,
    /** Repacking the mirror with bitmaps (every first sync, an update now and then). */
    REPACKING;

    /** The name the admin API and the logs use: {@code receiving}. */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public SyncProgress {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(phase, "phase");
    Objects.requireNonNull(totalObjects, "totalObjects");
    Objects.requireNonNull(bytes, "bytes");
    Objects.requireNonNull(bytesPerSecond, "bytesPerSecond");
    Objects.requireNonNull(startedAt, "startedAt");
    Objects.requireNonNull(elapsed, "elapsed");
    if (objects < 0) {
      throw new IllegalArgumentException("objects cannot be negative, got " + objects);
    }
  }

  /**
   * As the progress lines and the status page say it: {@code receiving: 14 of 98 objects,
   * 416.3 KiB at 448.0 KiB/s, 2 s so far}.
   */
  public String describe() {
    StringBuilder text = new StringBuilder(phase.label()).append(": ").append(objects);
    totalObjects.ifPresent(total -> text.append(" of ").append(total));
    text.append(" objects");
    if (bytes.isPresent()) {
      text.append(", ").append(ProgressLog.size(bytes.getAsLong())).append(" at ")
          .append(ProgressLog.size(bytesPerSecond.orElse(0))).append("/s");
    }
    return text.append(", ").append(elapsed.toSeconds()).append(" s so far").toString();
  }
}
