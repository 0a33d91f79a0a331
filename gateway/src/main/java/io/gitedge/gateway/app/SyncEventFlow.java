package io.gitedge.gateway.app;

import io.gitedge.config.ConfigException;
import io.gitedge.gateway.config.GatewayConfig;
import io.gitedge.gateway.events.HttpPeerFanOut;
import io.gitedge.gateway.observe.GatewayMetrics;
import io.gitedge.gateway.packcache.PackCache;
import io.gitedge.keys.KeyMaterialException;
import io.gitedge.sync.FanOut;
import io.gitedge.sync.IncomingEvents;
import io.gitedge.sync.ReadFreshness;
import io.gitedge.sync.SyncEventPublisher;
import io.gitedge.sync.SyncListener;
import io.gitedge.sync.SyncScheduler;
import io.gitedge.sync.WebhookReceiver;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * How a push upstream becomes a sync here and in every other region: the sync assembly.
 *
 * <pre>
 * upstream webhook ─► {@link WebhookReceiver} ─┐
 * schedule, read, admin API ──────────────────┼─► {@link SyncScheduler} (single flight per mirror)
 * another region's event ─► {@link IncomingEvents} ─┘            │ after every sync, in order:
 *                                          1. pack cache: drop what the sync made unreachable
 *                                          2. metrics: count it
 *                                          3. {@link SyncEventPublisher}: a webhook's successful
 *                                             sync becomes an event on the {@link FanOut}
 *                                             (HTTP peers) ─► the other regions; without
 *                                             peers to tell, no event is made
 * </pre>
 *
 * The pack cache hears first, so no request can be answered from an entry the sync made stale
 * once anyone else knows of the sync. Events a peer asked for carry {@code PEER} and are not
 * published again (no loops). The doors take the receiving ends: {@link #webhooks} and
 * {@link #incoming}.
 */
final class SyncEventFlow implements AutoCloseable {
  final SyncScheduler scheduler;
  final WebhookReceiver webhooks;
  final IncomingEvents incoming;
  final ReadFreshness freshness;
  private final Optional<HttpPeerFanOut> peers;

  private SyncEventFlow(SyncScheduler scheduler, WebhookReceiver webhooks,
      IncomingEvents incoming, ReadFreshness freshness, Optional<HttpPeerFanOut> peers) {
    this.scheduler = scheduler;
    this.webhooks = webhooks;
    this.incoming = incoming;
    this.freshness = freshness;
    this.peers = peers;
  }

  static SyncEventFlow assemble(GatewayConfig config, Mirrors mirrors, PackCache packCache,
      GatewayMetrics metrics, Clock clock) throws ConfigException {
    Optional<HttpPeerFanOut> peers = Optional.empty();
    if (config.peers().isPresent()) {
      try {
        peers = Optional.of(new HttpPeerFanOut(config.peers().get(), clock, metrics::peerEvent));
      } catch (KeyMaterialException e) {
        throw config.origin().error("peers.caFile", e.getMessage(), e);
      }
    }
    List<SyncListener> listeners = new ArrayList<>(List.of(packCache.syncListener(),
        metrics.syncListener()));
    if (config.peers().map(p -> !p.urls().isEmpty()).orElse(false)) {
      // only when someone listens: an event lists up to 10,000 refs on the syncing thread
      FanOut fanOut = peers.orElseThrow();
      listeners.add(new SyncEventPublisher(config.region(), mirrors.store(), fanOut));
    }
    SyncListener afterSync = SyncListener.inOrder(listeners);
    SyncScheduler scheduler = new SyncScheduler(mirrors.store(), mirrors.plans(),
        config.sync(), afterSync, clock);
    WebhookReceiver webhooks = new WebhookReceiver(config.upstreams().stream()
        .filter(u -> u.webhookSecretFile().isPresent())
        .map(u -> new WebhookReceiver.Target(u.route(), u.webhookSecretFile().get()))
        .toList(), scheduler, clock);
    ReadFreshness freshness = new ReadFreshness(scheduler, mirrors.store(),
        config.sync().readWait(), clock);
    return new SyncEventFlow(scheduler, webhooks, new IncomingEvents(scheduler, mirrors.store(),
        mirrors.pins(), IncomingEvents.DEFAULT_RETRIES),
        freshness, peers);
  }

  @Override
  public void close() {
    scheduler.close();
    peers.ifPresent(HttpPeerFanOut::close);
  }
}
