package io.gitedge.gateway.config;

import java.time.Duration;
import java.util.Objects;

/**
 * How big the upload-pack response cache ({@link PackCache}) may grow, per tier. Immutable;
 * validated when built, with messages that name the field.
 *
 * @param enabled whether identical clone requests are answered from the cache at all
 * @param memoryBytes heap the memory tier may hold, counted in response bytes
 * @param diskBytes space the disk tier ({@code <dataDir>/pack-cache}) may hold
 * @param maxMemoryEntryBytes responses larger than this never enter the heap: they are written
 *     to the disk tier while they stream; at most {@code memoryBytes} and at most 1 GiB
 * @param leaderWait how long a request waits for an identical one that is computing the response
 *     before it runs upload-pack itself
 */
public record PackCacheConfig(boolean enabled, long memoryBytes, long diskBytes,
    long maxMemoryEntryBytes, Duration leaderWait) {
  /** The largest {@code maxMemoryEntryBytes}: one entry is one {@code byte[]}. */
  public static final long MAX_MEMORY_ENTRY = 1L << 30;

  static final long DEFAULT_MEMORY_BYTES = 256L << 20;
  static final long DEFAULT_DISK_BYTES = 2L << 30;
  static final long DEFAULT_MAX_MEMORY_ENTRY_BYTES = 16L << 20;
  static final Duration DEFAULT_LEADER_WAIT = Duration.ofSeconds(30);

  /** On, 256 MiB of heap, 2 GiB of disk, 16 MiB per entry in memory, 30 s leader wait. */
  public static final PackCacheConfig DEFAULTS = new PackCacheConfig(true, DEFAULT_MEMORY_BYTES,
      DEFAULT_DISK_BYTES, DEFAULT_MAX_MEMORY_ENTRY_BYTES, DEFAULT_LEADER_WAIT);

  /** Off: every request runs upload-pack, as without a cache. */
  public static final PackCacheConfig OFF = new PackCacheConfig(false, DEFAULT_MEMORY_BYTES,
      DEFAULT_DISK_BYTES, DEFAULT_MAX_MEMORY_ENTRY_BYTES, DEFAULT_LEADER_WAIT);

  public PackCacheConfig {
    Objects.requireNonNull(leaderWait, "leaderWait");
    if (memoryBytes < 1) {
      throw new IllegalArgumentException("memory must be at least 1 byte, got " + memoryBytes);
    }
    if (diskBytes < 1) {
      throw new IllegalArgumentException("disk must be at least 1 byte, got " + diskBytes);
    }
    if (maxMemoryEntryBytes < 1 || maxMemoryEntryBytes > Math.min(memoryBytes, MAX_MEMORY_ENTRY)) {
      throw new IllegalArgumentException("maxEntry must be between 1 byte and memory (at most"
          + " 1GiB), got " + maxMemoryEntryBytes);
    }
    if (leaderWait.isNegative()) {
      throw new IllegalArgumentException("leaderWait must not be negative, got " + leaderWait);
    }
  }
}
