package io.gitedge.sync;

import io.gitedge.store.Mirror;
import io.gitedge.store.MirrorStore;
import io.gitedge.store.SyncResult;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.Ref;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes a {@link SyncEvent} for each sync the other gateways should hear of, on one or more
 * {@link Route}s, each a {@link FanOut} with the {@link Rule} that decides which syncs it
 * carries: {@link Rule#WEBHOOK_SYNCS} (HTTP peers) or {@link Rule#CHANGES} (a message bus). A
 * sync two routes take becomes one event, with one id, so a gateway reached both ways takes it
 * once. Syncs another gateway's event asked for ({@link Trigger#PEER}) are never published by
 * {@link Rule#CHANGES} and only alongside a webhook by {@link Rule#WEBHOOK_SYNCS}, so events never
 * loop. The event lists the mirror's branch and tag tips (up to {@value #MAX_TIPS}), so a
 * gateway that has them already need not ask its upstream. Thread-safe.
 */
public final class SyncEventPublisher implements SyncListener {
  private static final Logger log = LoggerFactory.getLogger(SyncEventPublisher.class);
  /** Events list at most this many tips; a bigger mirror's event just says "sync". */
  static final int MAX_TIPS = 10_000;

  /** Which finished syncs a route publishes. Must be quick and must not throw. */
  @FunctionalInterface
  public interface Rule {
    /**
     * A successful sync a webhook asked for, changed or not: the HTTP peers' rule. Each region
     * has its own schedule, so only what an upstream announced is passed on.
     */
    Rule WEBHOOK_SYNCS = (result, triggers) -> result.succeeded()
        && triggers.contains(Trigger.WEBHOOK);

    /**
     * A sync that changed the refs of a mirror that existed before, whatever asked for it
     * (webhook, schedule, read, admin API), unless another gateway's event did: the bus's rule.
     * On a bus every replica of every region hears it, so a change one of them found saves the
     * others finding it on their schedule. A mirror's first sync is not news to gateways that
     * have one; a sync a {@code PEER} event asked for repeats what its sender published.
     */
    Rule CHANGES = (result, triggers) -> result.outcome() == SyncResult.Outcome.UPDATED
        && !triggers.contains(Trigger.PEER);

    /** Whether the sync that ended in {@code result}, asked for by {@code triggers}, goes out. */
    boolean publishes(SyncResult result, Set<Trigger> triggers);
  }

  /** A transport and the syncs it carries. */
  public record Route(Rule rule, FanOut fanOut) {
    public Route {
      Objects.requireNonNull(rule, "rule");
      Objects.requireNonNull(fanOut, "fanOut");
    }
  }

  private final String region;
  private final MirrorStore store;
  private final List<Route> routes;

  /**
   * @param region this gateway's region, the events' origin
   * @param routes where events go, each with its rule; events are made only for syncs one of
   *     them publishes
   */
  public SyncEventPublisher(String region, MirrorStore store, List<Route> routes) {
    this.region = region;
    this.store = store;
    this.routes = List.copyOf(routes);
  }

  /** Publishes webhooks' successful syncs on {@code fanOut} (the HTTP peers' rule). */
  public SyncEventPublisher(String region, MirrorStore store, FanOut fanOut) {
    this(region, store, List.of(new Route(Rule.WEBHOOK_SYNCS, fanOut)));
  }

  @Override
  public void onSync(SyncResult result, Set<Trigger> triggers) {
    List<Route> taking = routes.stream().filter(r -> r.rule().publishes(result, triggers))
        .toList();
    if (taking.isEmpty()) {
      return;
    }
    SyncEvent event;
    try {
      event = new SyncEvent(UUID.randomUUID().toString(), region, result.name(), tips(result));
    } catch (IOException e) {
      log.warn("cannot describe the sync of {} for the other gateways", result.name(), e);
      return;
    }
    for (Route r : taking) {
      r.fanOut().publish(event);
    }
  }

  private Map<String, String> tips(SyncResult result) throws IOException {
    Map<String, String> tips = new TreeMap<>();
    Optional<Mirror> m = store.find(result.name());
    if (m.isPresent()) {
      var refs = m.get().repository().getRefDatabase().getRefsByPrefix(Constants.R_HEADS,
          Constants.R_TAGS);
      if (refs.size() <= MAX_TIPS) {
        for (Ref r : refs) {
          tips.put(r.getName(), r.getObjectId().name());
        }
      }
    }
    return tips;
  }
}
