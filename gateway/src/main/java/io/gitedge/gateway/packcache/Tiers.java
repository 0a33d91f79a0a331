package io.gitedge.gateway.packcache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import io.gitedge.gateway.config.PackCacheConfig;
import io.gitedge.store.MirrorName;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Where the pack cache keeps responses: a memory tier (a Caffeine cache weighed in bytes) whose
 * entries, when evicted for size, spill into the disk tier ({@link DiskTier}), which keeps its
 * entries across restarts. Responses up to {@code maxEntry} are recorded into the heap, larger
 * ones into a temporary file ({@link PackRecorder}). On close the memory tier is written to disk.
 * A failing disk never fails a request. Thread-safe.
 */
final class Tiers {
  private final PackCacheConfig settings;
  private final Cache<PackKey, byte[]> memory;
  private final DiskTier disk;
  private final ExecutorService ownExecutor;

  private Tiers(PackCacheConfig settings, Cache<PackKey, byte[]> memory, DiskTier disk,
      ExecutorService ownExecutor) {
    this.settings = settings;
    this.memory = memory;
    this.disk = disk;
    this.ownExecutor = ownExecutor;
  }

  /**
   * Both tiers, the disk one in {@code dir}.
   *
   * @param executor runs evictions and file deletions
   * @param owned shut down on {@link #close}, if not null
   * @throws IOException if {@code dir} cannot be made
   */
  static Tiers open(PackCacheConfig settings, Path dir, Executor executor, ExecutorService owned)
      throws IOException {
    DiskTier disk = DiskTier.open(dir, settings.diskBytes(), executor);
    Cache<PackKey, byte[]> memory = Caffeine.newBuilder()
        .executor(executor)
        .maximumWeight(settings.memoryBytes())
        .<PackKey, byte[]>weigher((k, v) -> v.length)
        .removalListener((PackKey k, byte[] v, RemovalCause cause) -> {
          if (cause == RemovalCause.SIZE && k != null && v != null) {
            disk.store(k, v); // pushed out by newer entries: keep it, further down
          }
        })
        .build();
    return new Tiers(settings, memory, disk, owned);
  }

  /** The stored response of {@code key}, from memory or disk. */
  Optional<CachedPack> lookup(PackKey key) {
    byte[] body = memory.getIfPresent(key);
    return body != null ? Optional.of(CachedPack.inMemory(body)) : disk.open(key);
  }

  /** A stream copying {@code response} for {@code key}; {@link #store} it once complete. */
  PackRecorder recorder(OutputStream response, PackKey key) {
    return new PackRecorder(response, key, disk, settings.maxMemoryEntryBytes(),
        settings.diskBytes());
  }

  /** Keeps what {@code recorder} copied: in memory, or (when large) in the disk tier. */
  void store(PackRecorder recorder) throws IOException {
    recorder.store(memory::put);
  }

  /** Drops every entry of {@code mirror}, in memory and on disk. */
  void invalidate(MirrorName mirror) {
    memory.asMap().keySet().removeIf(k -> k.mirror().equals(mirror));
    disk.invalidate(mirror);
  }

  long memoryBytes() {
    return memory.policy().eviction().map(e -> e.weightedSize().orElse(0)).orElse(0L);
  }

  long diskBytes() {
    return disk.bytes();
  }

  long memoryEntries() {
    return memory.estimatedSize();
  }

  long diskEntries() {
    return disk.count();
  }

  /** Runs pending evictions now. */
  void cleanUp() {
    memory.cleanUp();
    disk.cleanUp();
  }

  /** Writes the memory tier to disk, so that a restart keeps it, and stops. */
  void close() {
    memory.cleanUp();
    memory.asMap().forEach(disk::store);
    memory.invalidateAll();
    cleanUp();
    if (ownExecutor != null) {
      ownExecutor.shutdown();
      try {
        ownExecutor.awaitTermination(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
