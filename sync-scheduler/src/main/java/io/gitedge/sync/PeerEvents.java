package io.gitedge.sync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.gitedge.store.InvalidMirrorNameException;
import io.gitedge.store.Mirror;
import io.gitedge.store.MirrorName;
import io.gitedge.store.MirrorStore;
import io.gitedge.store.SyncResult;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Function;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fan-out of syncs to the other regions. After a sync a webhook asked for succeeds, an event
 * naming the mirror and its branch and tag tips goes, signed with the shared peer secret
 * ({@code X-GitEdge-Signature}, as for generic webhooks), to {@code <peer>/hooks/peer} of every
 * peer, in the background (one retry). A peer receiving one syncs that mirror unless it already
 * has exactly those tips. Syncs a peer event asked for are not passed on, so events never loop;
 * repeated event ids are ignored, and single flight bounds the syncs a burst can cause.
 * Thread-safe.
 */
public final class PeerEvents implements SyncListener, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PeerEvents.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Events list at most this many tips; a bigger mirror's event just says "sync". */
  private static final int MAX_TIPS = 10_000;
  /** Events waiting to be sent, over all peers. */
  private static final int MAX_QUEUED = 1_000;

  private final PeerSettings settings;
  private final String region;
  private final MirrorStore store;
  private final Clock clock;
  private final BiConsumer<String, String> outcomes;
  private final HttpClient http;
  private final ExecutorService sender;
  private final Cache<String, Boolean> seen = Caffeine.newBuilder().maximumSize(100_000)
      .expireAfterWrite(Duration.ofHours(1)).build();
  private volatile SyncScheduler scheduler;

  /**
   * @param outcomes told (direction "sent"/"received", outcome) of every event, for metrics
   */
  public PeerEvents(PeerSettings settings, String region, MirrorStore store, Clock clock,
      BiConsumer<String, String> outcomes) {
    this.settings = settings;
    this.region = region;
    this.store = store;
    this.clock = clock;
    this.outcomes = outcomes;
    HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(settings.timeout())
        .followRedirects(HttpClient.Redirect.NEVER);
    settings.caFile().ifPresent(f -> b.sslContext(trusting(f)));
    this.http = b.build();
    // bounded: while a peer is down, events beyond the queue are dropped (and counted); the
    // peers' schedules catch up with what they missed
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

  /** The scheduler that syncs on received events (it takes this as a listener, so it comes after). */
  public void attach(SyncScheduler s) {
    this.scheduler = s;
  }

  // ------------------------------------------------------------------------------------ sending

  @Override
  public void onSync(SyncResult result, Set<Trigger> triggers) {
    if (!result.succeeded() || !triggers.contains(Trigger.WEBHOOK) || settings.urls().isEmpty()) {
      return;
    }
    String id = UUID.randomUUID().toString();
    byte[] body;
    try {
      body = event(id, result);
    } catch (IOException e) {
      log.warn("cannot describe the sync of {} for peers", result.name(), e);
      return;
    }
    for (URI peer : settings.urls()) {
      sender.execute(() -> send(peer, result.name(), id, body, 1));
    }
  }

  private byte[] event(String id, SyncResult result) throws IOException {
    ObjectNode e = JSON.createObjectNode();
    e.put("id", id);
    e.put("origin", region);
    e.put("mirror", result.name().value());
    ObjectNode refs = e.putObject("refs");
    Optional<Mirror> m = store.find(result.name());
    if (m.isPresent()) {
      var all = m.get().repository().getRefDatabase().getRefsByPrefix(Constants.R_HEADS,
          Constants.R_TAGS);
      if (all.size() <= MAX_TIPS) {
        for (Ref r : all) {
          refs.put(r.getName(), r.getObjectId().name());
        }
      }
    }
    byte[] body = JSON.writeValueAsBytes(e);
    if (body.length > WebhookReceiver.MAX_BODY) {
      e.putObject("refs"); // too many tips for a peer to take: the event just says "sync"
      body = JSON.writeValueAsBytes(e);
    }
    return body;
  }

  private void send(URI peer, MirrorName name, String id, byte[] body, int retries) {
    try {
      byte[] secret = secret().orElseThrow(() -> new IOException("no peer secret"));
      HttpRequest req = HttpRequest.newBuilder(URI.create(peer.toString()
              .replaceAll("/+$", "") + "/hooks/peer"))
          .timeout(settings.timeout())
          .header("Content-Type", "application/json")
          .header("X-GitEdge-Delivery", id)
          .header("X-GitEdge-Signature", HookSignatures.sign(body, secret, clock.instant()))
          .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
      HttpResponse<Void> rsp = http.send(req, HttpResponse.BodyHandlers.discarding());
      if (rsp.statusCode() / 100 == 2) {
        outcomes.accept("sent", "ok");
        log.info("told {} about the sync of {}", peer, name);
        return;
      }
      throw new IOException("answered " + rsp.statusCode());
    } catch (IOException e) {
      retry(peer, name, id, body, retries, e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void retry(URI peer, MirrorName name, String id, byte[] body, int retries,
      String why) {
    if (retries > 0 && !sender.isShutdown()) {
      try {
        TimeUnit.SECONDS.sleep(2);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      send(peer, name, id, body, retries - 1);
      return;
    }
    outcomes.accept("sent", "failed");
    log.warn("could not tell {} about the sync of {} ({}); its schedule will catch up", peer,
        name, why);
  }

  // ---------------------------------------------------------------------------------- receiving

  /**
   * Takes an event from a peer.
   *
   * @param headers a request header by lower-case name, null when absent
   */
  public WebhookReceiver.Answer receive(Function<String, String> headers, byte[] body) {
    Optional<byte[]> secret = secret();
    if (secret.isEmpty() || !HookSignatures.timestamped(headers.apply("x-gitedge-signature"),
        body, secret.get(), clock.instant())) {
      outcomes.accept("received", "bad_signature");
      return answer(401, WebhookReceiver.Outcome.BAD_SIGNATURE,
          "gitedge: peer event signature does not match");
    }
    JsonNode e;
    MirrorName name;
    try {
      e = JSON.readTree(body);
      name = MirrorName.parse(e.path("mirror").asText());
    } catch (IOException | InvalidMirrorNameException ex) {
      outcomes.accept("received", "malformed");
      return answer(400, WebhookReceiver.Outcome.MALFORMED, "gitedge: malformed peer event");
    }
    String id = e.path("id").asText("");
    if (!id.isEmpty() && seen.asMap().putIfAbsent(id, Boolean.TRUE) != null) {
      outcomes.accept("received", "duplicate");
      return answer(202, WebhookReceiver.Outcome.DUPLICATE, "gitedge: event already received");
    }
    SyncScheduler s = scheduler;
    if (s == null || s.plan(name).isEmpty()) {
      outcomes.accept("received", "ignored");
      return answer(202, WebhookReceiver.Outcome.IGNORED, "gitedge: accepted");
    }
    Map<String, String> tips = new TreeMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = e.path("refs").fields(); it.hasNext();) {
      Map.Entry<String, JsonNode> r = it.next();
      tips.put(r.getKey(), r.getValue().asText());
    }
    if (!tips.isEmpty() && hasTips(name, tips)) {
      outcomes.accept("received", "level");
      log.info("peer {} synced {}; already level here", e.path("origin").asText("?"), name);
      return answer(202, WebhookReceiver.Outcome.IGNORED, "gitedge: already level");
    }
    s.requestSync(name, Trigger.PEER);
    outcomes.accept("received", "synced");
    log.info("peer {} synced {}; syncing it here", e.path("origin").asText("?"), name);
    return new WebhookReceiver.Answer(202, WebhookReceiver.Outcome.ACCEPTED, "gitedge: accepted",
        java.util.List.of(name));
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

  private static WebhookReceiver.Answer answer(int status, WebhookReceiver.Outcome o,
      String body) {
    return new WebhookReceiver.Answer(status, o, body, java.util.List.of());
  }

  private Optional<byte[]> secret() {
    try {
      String s = Files.readString(settings.secretFile(), StandardCharsets.UTF_8).strip();
      return s.isEmpty() ? Optional.empty() : Optional.of(s.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      log.warn("cannot read the peer secret {}: {}", settings.secretFile(), e.toString());
      return Optional.empty();
    }
  }

  private static SSLContext trusting(Path caFile) {
    try (InputStream in = Files.newInputStream(caFile)) {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      int i = 0;
      for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        ks.setCertificateEntry("ca" + i++, c);
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(
          TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ks);
      SSLContext ssl = SSLContext.getInstance("TLS");
      ssl.init(null, tmf.getTrustManagers(), null);
      return ssl;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot use " + caFile + " as trusted CAs: "
          + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    sender.shutdownNow();
  }
}
