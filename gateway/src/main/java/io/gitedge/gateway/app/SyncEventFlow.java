package io.gitedge.gateway.app;

import io.gitedge.config.ConfigException;
import io.gitedge.gateway.config.GatewayConfig;
import io.gitedge.gateway.config.KafkaConfig;
import io.gitedge.gateway.events.HttpPeerFanOut;
import io.gitedge.gateway.events.InstanceId;
import io.gitedge.gateway.events.KafkaClients;
import io.gitedge.gateway.events.KafkaEventConsumer;
import io.gitedge.gateway.events.KafkaFanOut;
import io.gitedge.gateway.events.PeerSecret;
import io.gitedge.gateway.observe.GatewayMetrics;
import io.gitedge.gateway.observe.SyncHistory;
import io.gitedge.gateway.packcache.PackCache;
import io.gitedge.keys.KeyMaterialException;
import io.gitedge.store.MirrorName;
import io.gitedge.store.MirrorState;
import io.gitedge.sync.FanOut;
import io.gitedge.sync.IncomingEvents;
import io.gitedge.sync.ReadFreshness;
import io.gitedge.sync.SyncEventPublisher;
import io.gitedge.sync.SyncListener;
import io.gitedge.sync.SyncScheduler;
import io.gitedge.sync.WebhookReceiver;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.KafkaException;

/**
 * How a push upstream becomes a sync here and in every other region: the sync assembly.
 *
 * <pre>
 * upstream webhook ─► {@link WebhookReceiver} ─┐
 * schedule, read, admin API ──────────────────┼─► {@link SyncScheduler} (single flight)
 * another gateway's event ─► {@link IncomingEvents} ─┘      │ after every sync, in order:
 *   (HTTP peers' /hooks/peer,                     1. pack cache: drop what the sync made
 *    {@link KafkaEventConsumer})                     unreachable
 *                                              2. metrics: count it; the status
 *                                                 page's {@link SyncHistory}: keep it
 *                                              3. {@link SyncEventPublisher}: one event per
 *                                                 sync a route takes, on its {@link FanOut}:
 *                                                 a webhook's successful sync ─► HTTP peers;
 *                                                 any sync that changed a mirror ─► Kafka;
 *                                                 with no route, no event is made
 * </pre>
 *
 * The pack cache hears first, so no request can be answered from an entry the sync made stale
 * once anyone else knows of the sync. Syncs another gateway's event asked for carry
 * {@code PEER} and are not published again (no loops).
 *
 * <p><b>Peers and Kafka together.</b> Either, both or neither may be configured. With both, a
 * webhook's sync goes out both ways as one event (one id), and a receiver reached both ways
 * takes it once; syncs that changed a mirror for another reason go to Kafka only; events are
 * taken from both. A gateway can so bridge regions that have no Kafka of their own.
 *
 * <p>The doors take the receiving ends: {@link #webhooks} and {@link #incoming}. Kafka's
 * threads start with {@link #start}, after the doors, and nothing about Kafka (down, unknown,
 * refusing) stops or delays the start.
 */
final class SyncEventFlow implements AutoCloseable {
  static final String KAFKA = "kafka";

  final SyncScheduler scheduler;
  final WebhookReceiver webhooks;
  final IncomingEvents incoming;
  final ReadFreshness freshness;
  /** The last syncs of every mirror, for the status page. */
  final SyncHistory history;
  private final Optional<HttpPeerFanOut> peers;
  private final Optional<KafkaFanOut> kafkaOut;
  private final Optional<KafkaEventConsumer> kafkaIn;

  private SyncEventFlow(SyncScheduler scheduler, WebhookReceiver webhooks,
      IncomingEvents incoming, ReadFreshness freshness, SyncHistory history,
      Optional<HttpPeerFanOut> peers, Optional<KafkaFanOut> kafkaOut,
      Optional<KafkaEventConsumer> kafkaIn) {
    this.scheduler = scheduler;
    this.webhooks = webhooks;
    this.incoming = incoming;
    this.freshness = freshness;
    this.history = history;
    this.peers = peers;
    this.kafkaOut = kafkaOut;
    this.kafkaIn = kafkaIn;
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
    Optional<KafkaClients> kafka = config.events().kafka().isPresent()
        ? Optional.of(kafkaClients(config, config.events().kafka().get())) : Optional.empty();
    Optional<KafkaFanOut> kafkaOut = kafka.map(k -> new KafkaFanOut(k,
        new PeerSecret(config.events().kafka().get().secretFile()), k.instanceId(), clock,
        outcome -> metrics.eventPublished(KAFKA, outcome)));

    List<SyncEventPublisher.Route> routes = new ArrayList<>();
    if (config.peers().map(p -> !p.urls().isEmpty()).orElse(false)) {
      routes.add(new SyncEventPublisher.Route(SyncEventPublisher.Rule.WEBHOOK_SYNCS,
          peers.orElseThrow()));
    }
    kafkaOut.ifPresent(k -> routes.add(new SyncEventPublisher.Route(
        SyncEventPublisher.Rule.CHANGES, k)));
    SyncHistory history = new SyncHistory(clock, SyncHistory.DEFAULT_CAPACITY,
        lastSuccesses(mirrors));
    List<SyncListener> listeners = new ArrayList<>(List.of(packCache.syncListener(),
        metrics.syncListener(), history));
    if (!routes.isEmpty()) {
      // only when someone listens: an event lists up to 10,000 refs on the syncing thread
      listeners.add(new SyncEventPublisher(config.region(), mirrors.store(), routes));
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
    IncomingEvents incoming = new IncomingEvents(scheduler, mirrors.store(),
        mirrors.pins(), IncomingEvents.DEFAULT_RETRIES);
    Optional<KafkaEventConsumer> kafkaIn = kafka.map(k -> new KafkaEventConsumer(k,
        new PeerSecret(config.events().kafka().get().secretFile()), k.instanceId(), incoming,
        outcome -> metrics.eventReceived(KAFKA, outcome)));
    kafkaOut.ifPresent(k -> metrics.eventTransport(KAFKA, k::buffered,
        List.of("sent", "dropped"), List.of("synced", "level", "duplicate", "ignored", "own",
            "bad_signature", "malformed")));
    return new SyncEventFlow(scheduler, webhooks, incoming, freshness, history, peers,
        kafkaOut, kafkaIn);
  }

  /** When each mirror on disk last synced successfully, before this start. */
  private static Map<MirrorName, Instant> lastSuccesses(Mirrors mirrors) {
    Map<MirrorName, Instant> out = new HashMap<>();
    for (MirrorName m : mirrors.names()) {
      mirrors.store().state(m).flatMap(MirrorState::lastSuccess).ifPresent(t -> out.put(m, t));
    }
    return out;
  }

  /**
   * The Kafka clients' settings, checked together now (a conflict between properties stops the
   * start at {@code events.kafka.properties}); the instance id made or read.
   */
  private static KafkaClients kafkaClients(GatewayConfig config, KafkaConfig kafka)
      throws ConfigException {
    String id;
    try {
      id = InstanceId.loadOrCreate(config.dataDir());
    } catch (IOException e) {
      throw config.origin().error("dataDir", "cannot keep this gateway's instance id in "
          + config.dataDir() + ": " + e.getMessage(), e);
    }
    KafkaClients clients = new KafkaClients(kafka, config.region(), id);
    try {
      clients.validate();
    } catch (KafkaException e) {
      throw config.origin().error("events.kafka.properties", e.getMessage(), e);
    }
    return clients;
  }

  /** Starts the schedules, then Kafka's publisher and consumer (in the background). */
  void start() {
    scheduler.start();
    kafkaOut.ifPresent(KafkaFanOut::start);
    kafkaIn.ifPresent(KafkaEventConsumer::start);
  }

  /**
   * Stops taking events, then the schedules, then the senders (Kafka's gets 2 s to send what is
   * buffered); each with a bound, so a Kafka that does not answer cannot hold the shutdown.
   */
  @Override
  public void close() {
    kafkaIn.ifPresent(KafkaEventConsumer::close);
    scheduler.close();
    peers.ifPresent(HttpPeerFanOut::close);
    kafkaOut.ifPresent(KafkaFanOut::close);
  }
}
