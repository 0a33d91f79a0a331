package io.gitedge.sync;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.gitedge.store.Mirror;
import io.gitedge.store.MirrorPolicy;
import io.gitedge.store.MirrorName;
import io.gitedge.store.MirrorStore;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes the {@link SyncEvent}s other regions publish, however they arrive (the transport has
 * checked where they come from): a mirror served here syncs unless it already has exactly the
 * event's tips. Repeated event ids (within an hour) are ignored, and the scheduler's single
 * flight bounds the syncs a burst can cause. Syncs asked for here carry {@link Trigger#PEER},
 * which {@link SyncEventPublisher} never publishes again.
 *
 * <p>When the sync still lacks tips the event names (its upstream is a nearer region's gateway
 * that has not synced yet, or a replica of the origin that lags), it is tried again a few times
 * over some seconds ({@link #DEFAULT_RETRIES}) rather than left to the schedule. A tag kept here
 * at another commit (immutable tags) is not waited for: no sync can bring it. Thread-safe.
 */
public final class IncomingEvents {
  private static final Logger log = LoggerFactory.getLogger(IncomingEvents.class);
  /** The pauses before each new try of a sync that did not bring an event's tips. */
  public static final List<Duration> DEFAULT_RETRIES = List.of(Duration.ofMillis(500),
      Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4));

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
  private final List<Duration> retries;
  private final HeardTagPins pins;
  private final Cache<String, Boolean> seen = Caffeine.newBuilder().maximumSize(100_000)
      .expireAfterWrite(Duration.ofHours(1)).build();

  public IncomingEvents(SyncScheduler scheduler, MirrorStore store) {
    this(scheduler, store, new HeardTagPins(), DEFAULT_RETRIES);
  }

  /**
   * @param pins where the events' tags are recorded before their syncs run (the store the
   *     syncs write to reads them)
   * @param retries the pauses before each new try of a sync that lacks the event's tips
   */
  public IncomingEvents(SyncScheduler scheduler, MirrorStore store, HeardTagPins pins,
      List<Duration> retries) {
    this.scheduler = scheduler;
    this.store = store;
    this.pins = pins;
    this.retries = List.copyOf(retries);
  }

  /** Takes one event. */
  public Outcome receive(SyncEvent event) {
    if (!event.id().isEmpty() && seen.asMap().putIfAbsent(event.id(), Boolean.TRUE) != null) {
      return Outcome.DUPLICATE;
    }
    MirrorName name = event.mirror();
    Optional<SyncPlan> plan = scheduler.plan(name);
    if (plan.isEmpty()) {
      return Outcome.NOT_MIRRORED;
    }
    if (!event.tips().isEmpty() && hasTips(name, event.tips())) {
      log.info("region {} synced {}; already level here", event.origin(), name);
      return Outcome.LEVEL;
    }
    log.info("region {} synced {}; syncing it here", event.origin(), name);
    pins.record(event);
    syncUntilItHas(event, plan.get().policy(), 0);
    return Outcome.SYNCING;
  }

  private void syncUntilItHas(SyncEvent event, MirrorPolicy policy, int attempt) {
    scheduler.requestSync(event.mirror(), Trigger.PEER).whenComplete((result, error) -> {
      if (event.tips().isEmpty()) {
        return;
      }
      List<String> lacking = missing(event.mirror(), event.tips(), policy);
      if (lacking.isEmpty()) {
        return;
      }
      if (attempt >= retries.size()) {
        log.warn("region {}'s event for {} names {} this region's upstream did not have after"
            + " {} syncs; the schedule will catch up", event.origin(), event.mirror(),
            describe(lacking), attempt + 1);
        return;
      }
      log.info("region {}'s event for {} names {} not here yet; syncing again in {} ms",
          event.origin(), event.mirror(), describe(lacking), retries.get(attempt).toMillis());
      CompletableFuture.delayedExecutor(retries.get(attempt).toMillis(), TimeUnit.MILLISECONDS)
          .execute(() -> syncUntilItHas(event, policy, attempt + 1));
    });
  }

  private static String describe(List<String> refs) {
    return refs.size() <= 3 ? String.join(", ", refs)
        : String.join(", ", refs.subList(0, 3)) + " and " + (refs.size() - 3) + " more";
  }

  /**
   * The event's tips a sync could still bring here: refs absent here, branches whose commit in
   * the event is not here (a branch that moved on past it is no lag), and, when tags follow the
   * upstream, tags elsewhere. A tag kept at another commit is no lag.
   */
  private List<String> missing(MirrorName name, Map<String, String> tips, MirrorPolicy policy) {
    List<String> out = new ArrayList<>();
    try {
      Optional<Mirror> m = store.find(name);
      for (Map.Entry<String, String> t : tips.entrySet()) {
        Ref r = m.isEmpty() ? null : m.get().repository().exactRef(t.getKey());
        ObjectId wanted = ObjectId.fromString(t.getValue());
        boolean tag = t.getKey().startsWith(Constants.R_TAGS);
        if (r == null
            || !tag && !m.get().repository().getObjectDatabase().has(wanted)
            || tag && policy.tags() == MirrorPolicy.TagPolicy.FOLLOW
                && !r.getObjectId().equals(wanted)) {
          out.add(t.getKey());
        }
      }
    } catch (IOException | IllegalArgumentException e) {
      out.addAll(tips.keySet());
    }
    return out;
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
