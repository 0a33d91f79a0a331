package io.gitedge.gateway.doctor;

import io.gitedge.auth.IdentityProbe;
import io.gitedge.gateway.config.GatewayConfig;
import io.gitedge.gateway.config.KafkaConfig;
import io.gitedge.gateway.config.PeersConfig;
import io.gitedge.gateway.events.KafkaClients;
import io.gitedge.gateway.events.PeerSecret;
import io.gitedge.gateway.fleet.FleetClient;
import io.gitedge.gateway.fleet.PeerToken;
import io.gitedge.gateway.fleet.RegionAnswer;
import io.gitedge.keys.KeyMaterialException;
import io.gitedge.keys.TrustedCertificates;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLContext;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * The fleet, when configured: each peer answers {@code /readyz} and, with {@code peers.tokenFile},
 * its admin API takes the token ({@link FleetClient}, as {@code gitedge verify} asks); each Kafka
 * bootstrap server accepts a connection and the topic exists (asked with the gateway's own admin
 * client settings, {@link KafkaClients}). The shared secrets must be readable.
 */
final class FleetCheck {
  private FleetCheck() {}

  /** The lines of the local parts (the secrets), at once. */
  static List<Outcome> secrets(GatewayConfig config) {
    List<Outcome> out = new ArrayList<>();
    config.peers().ifPresent(p -> out.add(secret("peers secret " + p.secretFile(),
        new PeerSecret(p.secretFile()), "peers.secretFile")));
    config.events().kafka().ifPresent(k -> out.add(secret("Kafka secret " + k.secretFile(),
        new PeerSecret(k.secretFile()), "events.kafka.secretFile")));
    return out;
  }

  private static Outcome secret(String subject, PeerSecret secret, String key) {
    return secret.read().isPresent() ? Outcome.ok(subject, "readable")
        : Outcome.fail(subject, "cannot be read or is empty: events cannot be signed or"
            + " checked; fix " + key);
  }

  /** A probe per peer. */
  static List<Probe> peers(GatewayConfig config, Duration timeout) {
    List<Probe> out = new ArrayList<>();
    if (config.peers().isEmpty()) {
      return out;
    }
    PeersConfig p = config.peers().get();
    Optional<SSLContext> ssl;
    try {
      ssl = p.caFile().isPresent() ? Optional.of(TrustedCertificates.sslContext(p.caFile().get()))
          : Optional.empty();
    } catch (KeyMaterialException e) {
      out.add(Probe.of("peers", () -> Outcome.fail("peers", e.getMessage()
          + ": fix peers.caFile")));
      return out;
    }
    HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(timeout)
        .followRedirects(HttpClient.Redirect.NEVER);
    ssl.ifPresent(b::sslContext);
    HttpClient http = b.build();
    Optional<FleetClient> fleet = p.tokenFile().map(t -> new FleetClient(new PeerToken(t),
        timeout, ssl));
    for (URI url : p.urls()) {
      out.add(Probe.of("peer " + url, () -> peer(url, http, fleet, timeout)));
    }
    return out;
  }

  private static Outcome peer(URI url, HttpClient http, Optional<FleetClient> fleet,
      Duration timeout) {
    String subject = "peer " + url;
    URI readyz = URI.create(url.toString().replaceAll("/+$", "") + "/readyz");
    long t0 = System.nanoTime();
    int status;
    try {
      status = http.send(HttpRequest.newBuilder(readyz).timeout(timeout).GET().build(),
          HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return Outcome.fail(subject, "no answer from /readyz: " + IdentityProbe.describe(e)
          + "; check peers.urls (and peers.caFile for a private CA)");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Outcome.fail(subject, "interrupted");
    }
    String ready = "/readyz " + status + " in " + Reach.ms(System.nanoTime() - t0);
    if (status != 200) {
      return Outcome.fail(subject, ready + ": that region is starting, stopping or not a"
          + " GitEdge gateway; events sent to it now are lost");
    }
    if (fleet.isEmpty()) {
      return Outcome.ok(subject, ready + " (no peers.tokenFile: its admin API is not asked)");
    }
    RegionAnswer a = fleet.get().ask(url).join();
    if (a instanceof RegionAnswer.Answered ok) {
      return Outcome.ok(subject, ready + "; its admin API takes peers.tokenFile (region "
          + ok.region() + ", " + ok.mirrors().size() + " mirrors)");
    }
    return Outcome.fail(subject, ready + ", but its admin API: "
        + ((RegionAnswer.Unanswered) a).error() + "; peers.tokenFile must hold an admins token"
        + " that region accepts");
  }

  /**
   * A probe of the bootstrap servers (a line each, asked at once) and then, when one of them
   * accepts a connection, of the topic; with none up, the topic is not asked (its line would
   * only wait out the timeout to say the same).
   *
   * @param executor where the servers are asked and DNS lookups run ({@link Reach})
   */
  static List<Probe> kafka(GatewayConfig config, Duration timeout, Executor executor) {
    if (config.events().kafka().isEmpty()) {
      return List.of();
    }
    KafkaConfig k = config.events().kafka().get();
    return List.of(new Probe("Kafka " + String.join(",", k.bootstrapServers()), () -> {
      List<CompletableFuture<Outcome>> brokers = new ArrayList<>();
      for (String server : k.bootstrapServers()) {
        brokers.add(CompletableFuture.supplyAsync(() -> broker(server, timeout, executor),
            executor));
      }
      List<Outcome> out = new ArrayList<>(brokers.stream().map(CompletableFuture::join)
          .toList());
      if (out.stream().anyMatch(o -> o.status() == Outcome.Status.OK)) {
        out.add(topic(new KafkaClients(k, config.region(), "doctor"), timeout));
      }
      return out;
    }));
  }

  private static Outcome broker(String server, Duration timeout, Executor resolver) {
    String subject = "Kafka broker " + server;
    int colon = server.lastIndexOf(':');
    String host = server.substring(0, colon).replaceAll("^\\[|\\]$", "");
    int port = Integer.parseInt(server.substring(colon + 1));
    Reach.Result r = Reach.check(host, port, false, Optional.empty(), timeout, resolver);
    return r.ok() ? Outcome.ok(subject, "reachable (" + r.detail() + ")")
        : Outcome.fail(subject, r.detail() + ": check events.kafka.bootstrapServers and that"
            + " the broker is up");
  }

  private static Outcome topic(KafkaClients clients, Duration timeout) {
    String subject = "Kafka topic " + clients.topic() + " at " + clients.servers();
    Admin admin;
    try {
      admin = clients.admin();
    } catch (RuntimeException e) {
      return Outcome.fail(subject, "cannot ask: " + e.getMessage()
          + "; check events.kafka.bootstrapServers and properties");
    }
    try {
      TopicDescription d = admin.describeTopics(Set.of(clients.topic())).allTopicNames()
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS).get(clients.topic());
      return Outcome.ok(subject, "exists, " + d.partitions().size() + " partition"
          + (d.partitions().size() == 1 ? "" : "s"));
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UnknownTopicOrPartitionException) {
        return Outcome.warn(subject, "does not exist: the gateway creates it at start if its"
            + " principal may (CREATE); else create it on the cluster");
      }
      return Outcome.fail(subject, "refused: " + e.getCause().getMessage()
          + "; check events.kafka.properties (TLS, SASL)");
    } catch (TimeoutException e) {
      return Outcome.fail(subject, "no answer from the admin API within "
          + timeout.toSeconds() + " s; check events.kafka.bootstrapServers and properties");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Outcome.fail(subject, "interrupted");
    } catch (RuntimeException e) {
      return Outcome.fail(subject, "cannot ask: " + e.getMessage()
          + "; check events.kafka.bootstrapServers and properties");
    } finally {
      // not the default close, which waits for the calls still pending on a broker that is down
      admin.close(Duration.ZERO);
    }
  }
}
