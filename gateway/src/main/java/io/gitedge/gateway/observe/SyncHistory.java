package io.gitedge.gateway.observe;

import io.gitedge.store.MirrorName;
import io.gitedge.store.SyncResult;
import io.gitedge.sync.SyncListener;
import io.gitedge.sync.Trigger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The last few syncs of every mirror, in memory, for the status page's charts: when each ended,
 * how long it took, how it ended, and how old the mirror was when it began (the lag that sync
 * set out to heal). Bounded: {@link #DEFAULT_CAPACITY} entries per mirror, the oldest dropped;
 * lost on restart (the metrics and the log keep the long view). Fed as a {@link SyncListener}
 * after every sync. Thread-safe.
 */
public final class SyncHistory implements SyncListener {
  /** Syncs kept per mirror. */
  public static final int DEFAULT_CAPACITY = 30;

  /**
   * One finished sync.
   *
   * @param ended when the listener heard of it
   * @param ageBefore how long the mirror had gone without a successful sync when this one began;
   *     empty when no earlier success is known
   */
  public record Entry(Instant ended, Duration duration, SyncResult.Outcome outcome,
      Optional<Duration> ageBefore) {
    public Entry {
      Objects.requireNonNull(ended, "ended");
      Objects.requireNonNull(duration, "duration");
      Objects.requireNonNull(outcome, "outcome");
      Objects.requireNonNull(ageBefore, "ageBefore");
    }

    /** Whether the sync brought the mirror level with its upstream. */
    public boolean succeeded() {
      return outcome.succeeded();
    }
  }

  private static final class Track {
    final Deque<Entry> entries = new ArrayDeque<>();
    Optional<Instant> lastSuccess;

    Track(Optional<Instant> lastSuccess) {
      this.lastSuccess = lastSuccess;
    }
  }

  private final Clock clock;
  private final int capacity;
  private final Map<MirrorName, Track> tracks = new ConcurrentHashMap<>();

  /**
   * @param lastSuccess each known mirror's last successful sync before this process started
   *     (from the store), so the first sync's age is known; mirrors not in it start unknown
   */
  public SyncHistory(Clock clock, int capacity, Map<MirrorName, Instant> lastSuccess) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
    }
    this.clock = clock;
    this.capacity = capacity;
    lastSuccess.forEach((m, t) -> tracks.put(m, new Track(Optional.of(t))));
  }

  @Override
  public void onSync(SyncResult result, Set<Trigger> triggers) {
    Instant ended = clock.instant();
    Track track = tracks.computeIfAbsent(result.name(), m -> new Track(Optional.empty()));
    synchronized (track) {
      Instant began = ended.minus(result.duration());
      Optional<Duration> age = track.lastSuccess.map(t -> t.isAfter(began) ? Duration.ZERO
          : Duration.between(t, began));
      Entry e = new Entry(ended, result.duration(), result.outcome(), age);
      track.entries.addLast(e);
      while (track.entries.size() > capacity) {
        track.entries.removeFirst();
      }
      if (e.succeeded()) {
        track.lastSuccess = Optional.of(ended);
      }
    }
  }

  /** The syncs of {@code mirror} still kept, oldest first; empty when none was heard of. */
  public List<Entry> recent(MirrorName mirror) {
    Track track = tracks.get(mirror);
    if (track == null) {
      return List.of();
    }
    synchronized (track) {
      return List.copyOf(track.entries);
    }
  }
}
