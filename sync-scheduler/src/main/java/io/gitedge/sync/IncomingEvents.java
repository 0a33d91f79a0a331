package io.gitedge.sync;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.gitedge.store.Mirror;
import io.gitedge.store.MirrorName;
import io.gitedge.store.MirrorStore;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes the {@link SyncEvent}s other regions publish, however they arrive (the transport has
 * checked where they come from): a mirror served here syncs unless it already has exactly the
 * event's tips. Repeated event ids (within an hour) are ignored, and the scheduler's single
 * flight bounds the syncs a burst can cause. Syncs asked for here carry {@link Trigger#PEER},
 * which {@link SyncEventPublisher} never publishes again. Thread-safe.
 */
public final class IncomingEvents {
  private static final Logger log = LoggerFactory.getLogger(IncomingEvents.class);

  /** What became of an event. */
  public enum Outcome {
    /** An event received before. */
    DUPLICATE,
    /** The mirror is not served here. */
    NOT_MIRRORED,
    /** The mirror here has the event's tips already. */
    LEVEL,
    /** The mirror syncs. */
    SYNCING
  }

  private final SyncScheduler scheduler;
  private final MirrorStore store;
  private final Cache<String, Boolean> seen = Caffeine.newBuilder().maximumSize(100_000)
      .expireAfterWrite(Duration.ofHours(1)).build();

  public IncomingEvents(SyncScheduler scheduler, MirrorStore store) {
    this.scheduler = scheduler;
    this.store = store;
  }

  /** Takes one event. */
  public Outcome receive(SyncEvent event) {
    if (!event.id().isEmpty() && seen.asMap().putIfAbsent(event.id(), Boolean.TRUE) != null) {
      return Outcome.DUPLICATE;
    }
    MirrorName name = event.mirror();
    if (scheduler.plan(name).isEmpty()) {
      return Outcome.NOT_MIRRORED;
    }
    if (!event.tips().isEmpty() && hasTips(name, event.tips())) {
      log.info("region {} synced {}; already level here", event.origin(), name);
      return Outcome.LEVEL;
    }
    scheduler.requestSync(name, Trigger.PEER);
    log.info("region {} synced {}; syncing it here", event.origin(), name);
    return Outcome.SYNCING;
  }

  private boolean hasTips(MirrorName name, Map<String, String> tips) {
    try {
      Optional<Mirror> m = store.find(name);
      if (m.isEmpty()) {
        return false;
      }
      for (Map.Entry<String, String> t : tips.entrySet()) {
        Ref r = m.get().repository().exactRef(t.getKey());
        if (r == null || !r.getObjectId().equals(ObjectId.fromString(t.getValue()))) {
          return false;
        }
      }
      return true;
    } catch (IOException | IllegalArgumentException e) {
      return false;
    }
  }
}
