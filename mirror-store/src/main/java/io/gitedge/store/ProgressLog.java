package io.gitedge.store;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running syncs of a store and their progress: what {@link MirrorStore#progress} answers,
 * and the lines a long sync logs. A sync still running {@link #FIRST_AFTER} after it began (or
 * one interval, if shorter) logs where it stands, then once every interval, and a summary when
 * it ends:
 *
 * <pre>
 * sync github.com/acme/big receiving: 1250 of 3000 objects, 4.1 MiB at 612.0 KiB/s, 6 s so far
 * sync github.com/acme/big received 3000 objects, 9.8 MiB in 15.2 s (660.3 KiB/s)
 * </pre>
 *
 * A short sync logs nothing here. One timer thread per store does the logging; the syncing
 * threads only count ({@link SyncTracker}). Thread-safe.
 */
final class ProgressLog implements AutoCloseable {
  /** A sync running this long shows its first progress line. */
  static final Duration FIRST_AFTER = Duration.ofSeconds(3);
  private static final Logger log = LoggerFactory.getLogger(ProgressLog.class);

  private final Duration interval;
  private final Map<MirrorName, SyncTracker> running = new ConcurrentHashMap<>();
  private final ScheduledExecutorService timer;

  /** @param interval how often a long sync logs its progress */
  ProgressLog(Duration interval) {
    this.interval = interval;
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "gitedge-sync-progress");
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * A sync of {@code name} from {@code upstreamUrl} begins (holding the mirror's sync lock):
   * tracked until {@link #end}.
   */
  SyncTracker begin(MirrorName name, Instant startedAt, String upstreamUrl) {
    SyncTracker t = new SyncTracker(startedAt, SyncTracker.overNetwork(upstreamUrl));
    running.put(name, t);
    long every = Math.max(1, interval.toMillis());
    try {
      t.ticks(timer.scheduleAtFixedRate(() -> report(name, t),
          Math.min(FIRST_AFTER.toMillis(), every), every, TimeUnit.MILLISECONDS));
    } catch (RejectedExecutionException e) {
      // the store is closing: the sync is counted, not logged
    }
    return t;
  }

  /** The sync of {@code name} ended; a long one gets its summary line. */
  void end(MirrorName name, SyncTracker t) {
    running.remove(name, t);
    if (!t.finish()) {
      return;
    }
    SyncProgress p = t.snapshot(name);
    long ms = p.elapsed().toMillis();
    String took = String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
    var line = log.atInfo().addKeyValue("mirror", name.value())
        .addKeyValue("objects", p.objects()).addKeyValue("durationMs", ms);
    if (p.bytes().isPresent()) {
      long b = p.bytes().getAsLong();
      long mean = SyncTracker.perSecond(b, p.elapsed().toNanos());
      line.addKeyValue("bytes", b).addKeyValue("bytesPerSecond", mean)
          .log("sync {} received {} objects, {} in {} ({}/s)", name, p.objects(), size(b), took,
              size(mean));
    } else {
      line.log("sync {} received {} objects in {}", name, p.objects(), took);
    }
  }

  /** Where the sync of {@code name} stands, while one runs. */
  Optional<SyncProgress> current(MirrorName name) {
    SyncTracker t = running.get(name);
    return t == null ? Optional.empty() : Optional.of(t.snapshot(name));
  }

  /** One progress line; none once the sync has ended (its summary may be out already). */
  private void report(MirrorName name, SyncTracker t) {
    synchronized (t) {
      if (!t.tick()) {
        return;
      }
      SyncProgress p = t.snapshot(name);
      log.atInfo().addKeyValue("mirror", name.value()).addKeyValue("phase", p.phase().label())
          .addKeyValue("objects", p.objects())
          .addKeyValue("totalObjects", boxed(p.totalObjects()))
          .addKeyValue("bytes", boxed(p.bytes()))
          .addKeyValue("bytesPerSecond", boxed(p.bytesPerSecond()))
          .addKeyValue("elapsedMs", p.elapsed().toMillis())
          .log("sync {} {}", name, p.describe());
    }
  }

  private static Long boxed(OptionalLong v) {
    return v.isPresent() ? v.getAsLong() : null;
  }

  /** {@code 812 B}, {@code 4.1 KiB}, {@code 12.0 MiB}, {@code 1.5 GiB}. */
  static String size(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double v = bytes / 1024.0;
    int u = 0;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
