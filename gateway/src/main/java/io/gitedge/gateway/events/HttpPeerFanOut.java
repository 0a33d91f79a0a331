package io.gitedge.gateway.events;

import io.gitedge.gateway.config.PeersConfig;
import io.gitedge.keys.KeyMaterialException;
import io.gitedge.keys.TrustedCertificates;
import io.gitedge.sync.FanOut;
import io.gitedge.sync.HookSignatures;
import io.gitedge.sync.SyncEvent;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fleet's events over HTTP, point to point: each event is posted to
 * {@code <peer>/hooks/peer} of every peer, signed with the shared secret like a generic webhook
 * ({@code X-GitEdge-Signature}), from a background queue of at most {@value #MAX_QUEUED} events,
 * with one retry. While a peer is down, events beyond the queue are dropped (counted and logged);
 * the peers' own schedules catch up with what they missed. Thread-safe.
 */
public final class HttpPeerFanOut implements FanOut, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HttpPeerFanOut.class);
  /** Events waiting to be sent, over all peers. */
  private static final int MAX_QUEUED = 1_000;
  private static final Duration RETRY_AFTER = Duration.ofSeconds(2);
  private static final int RETRIES = 1;

  private final PeersConfig settings;
  private final PeerSecret secret;
  private final Clock clock;
  private final BiConsumer<String, String> outcomes;
  private final HttpClient http;
  private final ExecutorService sender;

  /**
   * @param outcomes told ("sent", outcome) of every event, for the metrics
   * @throws KeyMaterialException when {@code settings.caFile()} holds no usable certificate
   */
  public HttpPeerFanOut(PeersConfig settings, Clock clock, BiConsumer<String, String> outcomes)
      throws KeyMaterialException {
    this.settings = settings;
    this.secret = new PeerSecret(settings.secretFile());
    this.clock = clock;
    this.outcomes = outcomes;
    HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(settings.timeout())
        .followRedirects(HttpClient.Redirect.NEVER);
    if (settings.caFile().isPresent()) {
      b.sslContext(TrustedCertificates.sslContext(settings.caFile().get()));
    }
    this.http = b.build();
    this.sender = new ThreadPoolExecutor(2, 2, 0, TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(MAX_QUEUED), r -> {
          Thread t = new Thread(r, "gitedge-peer-events");
          t.setDaemon(true);
          return t;
        }, (task, pool) -> {
          outcomes.accept("sent", "dropped");
          log.warn("peer events are queueing up (a peer is slow or down); dropping one");
        });
  }

  @Override
  public void publish(SyncEvent event) {
    byte[] body = event.toJson();
    for (URI peer : settings.urls()) {
      sender.execute(() -> send(peer, event, body, RETRIES));
    }
  }

  private void send(URI peer, SyncEvent event, byte[] body, int retries) {
    try {
      byte[] key = secret.read().orElseThrow(() -> new IOException("no peer secret"));
      HttpRequest req = HttpRequest.newBuilder(URI.create(peer.toString()
              .replaceAll("/+$", "") + "/hooks/peer"))
          .timeout(settings.timeout())
          .header("Content-Type", "application/json")
          .header("X-GitEdge-Delivery", event.id())
          .header("X-GitEdge-Signature", HookSignatures.sign(body, key, clock.instant()))
          .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
      HttpResponse<Void> rsp = http.send(req, HttpResponse.BodyHandlers.discarding());
      if (rsp.statusCode() / 100 == 2) {
        outcomes.accept("sent", "ok");
        log.info("told {} about the sync of {}", peer, event.mirror());
        return;
      }
      throw new IOException("answered " + rsp.statusCode());
    } catch (IOException e) {
      retry(peer, event, body, retries, e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void retry(URI peer, SyncEvent event, byte[] body, int retries, String why) {
    if (retries > 0 && !sender.isShutdown()) {
      try {
        TimeUnit.MILLISECONDS.sleep(RETRY_AFTER.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      send(peer, event, body, retries - 1);
      return;
    }
    outcomes.accept("sent", "failed");
    log.warn("could not tell {} about the sync of {} ({}); its schedule will catch up", peer,
        event.mirror(), why);
  }

  @Override
  public void close() {
    sender.shutdownNow();
  }
}
