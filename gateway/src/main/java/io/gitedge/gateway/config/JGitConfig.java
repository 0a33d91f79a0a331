package io.gitedge.gateway.config;

import org.eclipse.jgit.storage.file.WindowCacheConfig;

/**
 * How JGit reads packs: the process-wide window and delta-base caches every mirror shares. JGit's
 * own defaults (a 10 MiB window cache in 8 KiB windows, a 10 MiB delta-base cache) are sized for
 * an IDE; a gateway streaming the same packs to many clients wants its hot packs in memory.
 * Immutable.
 *
 * @param packedGitLimit bytes of pack data held in memory at once (window cache)
 * @param packedGitWindowSize bytes read per window; a power of two
 * @param packedGitOpenFiles pack files kept open at once
 * @param deltaBaseCacheLimit bytes of inflated delta bases kept for reuse
 * @param streamFileThreshold objects larger than this are streamed, never held whole in memory
 */
public record JGitConfig(long packedGitLimit, int packedGitWindowSize, int packedGitOpenFiles,
    int deltaBaseCacheLimit, int streamFileThreshold) {
  public JGitConfig {
    if (Integer.bitCount(packedGitWindowSize) != 1 || packedGitWindowSize < 4096) {
      throw new IllegalArgumentException("packedGitWindowSize must be a power of two, at least"
          + " 4KiB");
    }
    if (packedGitLimit < packedGitWindowSize) {
      throw new IllegalArgumentException("packedGitLimit must be at least packedGitWindowSize");
    }
  }

  /**
   * The defaults: a quarter of the heap (at most 1 GiB) for pack windows of 64 KiB, 256 open
   * packs, a 64 MiB delta-base cache (an eighth of the heap on small heaps), streaming above
   * 50 MiB.
   */
  public static JGitConfig defaults() {
    long heap = Runtime.getRuntime().maxMemory();
    return new JGitConfig(Math.max(64L << 20, Math.min(1L << 30, heap / 4)), 64 << 10, 256,
        (int) Math.max(8L << 20, Math.min(64L << 20, heap / 8)), 50 << 20);
  }

  /** Makes this the JGit configuration of the whole process (JGit's caches are global). */
  public void install() {
    WindowCacheConfig c = new WindowCacheConfig();
    c.setPackedGitLimit(packedGitLimit);
    c.setPackedGitWindowSize(packedGitWindowSize);
    c.setPackedGitOpenFiles(packedGitOpenFiles);
    c.setPackedGitMMAP(false);
    c.setDeltaBaseCacheLimit(deltaBaseCacheLimit);
    c.setStreamFileThreshold(streamFileThreshold);
    c.install();
  }
}
