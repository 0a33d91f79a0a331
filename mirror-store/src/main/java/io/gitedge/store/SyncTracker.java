package io.gitedge.store;

import java.time.Duration;
import java.time.Instant;
import java.util.OptionalLong;
import java.util.concurrent.ScheduledFuture;
import org.eclipse.jgit.internal.JGitText;

/**
 * The live counters of one sync, behind its {@link SyncProgress} snapshots: the phase, the
 * objects JGit's pack parser reports ({@link #beginTask}, {@link #update}) and the bytes read from
 * HTTP upstreams ({@link #received}). Written by the syncing thread only, read by any (the
 * fields are volatile, and each has one writer), so the fetch pays a volatile write per object
 * and one per read of the connection, nothing more: no allocation, no lock, no logging.
 *
 * <p>{@link ProgressLog} owns the rest (the periodic window for the rate, whether a line was
 * logged), under this object's monitor.
 */
final class SyncTracker {
  private final Instant startedAt;
  private final long startNanos;
  private volatile SyncProgress.Phase phase = SyncProgress.Phase.LISTING;
  private volatile long objects;
  private volatile long totalObjects = -1;
  private volatile boolean countsBytes;
  private volatile long bytes;
  /** Whether the parser's "Receiving objects" task runs (syncing thread only). */
  private boolean receiving;

  // the reporting side, guarded by this
  private long windowNanos;
  private long windowBytes;
  private long windowRate = -1;
  private boolean reported;
  private boolean finished;
  private ScheduledFuture<?> ticks;

  /**
   * @param countsBytes whether the sync's bytes will be counted (its upstream is reached over
   *     the network, {@link #overNetwork}): they show as 0 until the first connection
   */
  SyncTracker(Instant startedAt, boolean countsBytes) {
    this.startedAt = startedAt;
    this.startNanos = System.nanoTime();
    this.windowNanos = startNanos;
    this.countsBytes = countsBytes;
  }

  /** A tracker that nobody reads: for a listing outside any sync. */
  static SyncTracker untracked() {
    return new SyncTracker(Instant.now(), false);
  }

  /**
   * Whether an upstream at {@code url} is reached over HTTP(S) or SSH, whose bytes are counted
   * (not a {@code file://} URL or a local path).
   */
  static boolean overNetwork(String url) {
    return !(url.startsWith("file:") || url.startsWith("/") || url.startsWith("."));
  }

  // ------------------------------------------------------------ the syncing thread's side

  void phase(SyncProgress.Phase p) {
    phase = p;
  }

  /** An HTTP(S) or SSH conversation began: its bytes are counted (a fallback's too). */
  void countBytes() {
    countsBytes = true;
  }

  /** {@code n} more bytes read from an upstream connection. */
  void received(long n) {
    bytes += n; // one writer: the syncing thread
  }

  /**
   * A task of JGit's fetch begins. The pack parser's own tasks are followed; the upstream's
   * progress messages ("Counting objects", ...) begin tasks too, which only say the upstream is
   * still preparing the pack.
   */
  void beginTask(String title, int totalWork) {
    if (JGitText.get().receivingObjects.equals(title)) {
      receiving = true;
      long base = objects;
      totalObjects = totalWork > 0 ? base + totalWork : totalObjects;
      phase = SyncProgress.Phase.RECEIVING;
    } else if (JGitText.get().resolvingDeltas.equals(title)) {
      receiving = false;
      phase = SyncProgress.Phase.RESOLVING;
    }
  }

  /** JGit's parser read {@code completed} more objects (of the current task). */
  void update(int completed) {
    if (receiving) {
      objects += completed; // one writer: the syncing thread
    }
  }

  void endTask() {
    receiving = false;
  }

  // ------------------------------------------------------------ any thread

  /** Where the sync stands now. */
  SyncProgress snapshot(MirrorName name) {
    long now = System.nanoTime();
    long b = bytes;
    long total = totalObjects;
    OptionalLong rate;
    synchronized (this) {
      rate = !countsBytes ? OptionalLong.empty()
          : OptionalLong.of(windowRate >= 0 ? windowRate : perSecond(b, now - startNanos));
    }
    return new SyncProgress(name, phase, objects,
        total < 0 ? OptionalLong.empty() : OptionalLong.of(total),
        countsBytes ? OptionalLong.of(b) : OptionalLong.empty(), rate, startedAt,
        Duration.ofNanos(now - startNanos));
  }

  /** Bytes per second for {@code bytes} in {@code nanos}. */
  static long perSecond(long bytes, long nanos) {
    return nanos <= 0 ? 0 : (long) (bytes * 1e9 / nanos);
  }

  // ------------------------------------------------------------ the reporting side

  /**
   * Ends a progress period: the rate over it becomes the one snapshots show. Returns false (and
   * does nothing) once the sync has finished. Holds this.
   */
  synchronized boolean tick() {
    if (finished) {
      return false;
    }
    long now = System.nanoTime();
    long b = bytes;
    windowRate = perSecond(b - windowBytes, now - windowNanos);
    windowBytes = b;
    windowNanos = now;
    reported = true;
    return true;
  }

  /** The periodic task reporting this sync, cancelled by {@link #finish}. */
  synchronized void ticks(ScheduledFuture<?> f) {
    ticks = f;
    if (finished) {
      f.cancel(false);
    }
  }

  /**
   * The sync ended: no more ticks. Returns whether any progress line was logged (a long sync,
   * which then gets a summary line).
   */
  synchronized boolean finish() {
    finished = true;
    if (ticks != null) {
      ticks.cancel(false);
    }
    return reported;
  }

  long startNanos() {
    return startNanos;
  }
}
