package io.gitedge.gateway.observe;

import io.gitedge.auth.CachingIdentitySource;
import io.gitedge.auth.Decision;
import io.gitedge.gateway.packcache.PackCache;
import io.gitedge.goproxy.ZipCache;
import io.gitedge.store.MirrorName;
import io.gitedge.store.MirrorState;
import io.gitedge.store.MirrorStore;
import io.gitedge.store.SyncResult;
import io.gitedge.sync.SyncListener;
import io.gitedge.sync.Trigger;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The gateway's metrics in Prometheus text format: requests and response bytes by front door,
 * service and status; syncs by mirror and outcome, with their duration; per mirror the seconds
 * since its last successful sync ({@code NaN} before the first), whether the last attempt
 * failed, and how many tags it keeps against its upstream; webhooks and peer events by outcome;
 * the fleet's event bus: events published and read by outcome, and those waiting to be sent;
 * what the pack cache did for upload-pack requests, and what it holds.
 * One instance per gateway; thread-safe.
 */
public final class GatewayMetrics {
  /** The {@code source} label of the whole identity chain's final decisions. */
  public static final String ALL_SOURCES = "all";
  /** {@link Decision#outcome()} of a source that could not decide. */
  private static final String UNAVAILABLE = "unavailable";
  /** The reason code the remote identity sources give when they cannot be asked. */
  private static final String SOURCE_UNAVAILABLE = "source-unavailable";

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final MirrorStore store;
  private final Clock clock;
  private final Set<MirrorName> mirrors = ConcurrentHashMap.newKeySet();
  private final Activity activity = new Activity();
  /** Each identity source's latest "unavailable" decision, for the status page. */
  private final Map<String, Trouble> lastUnavailable = new ConcurrentHashMap<>();

  private record Trouble(String reason, Instant at) {}

  public GatewayMetrics(String region, MirrorStore store, Collection<MirrorName> mirrors,
      Clock clock) {
    this.store = store;
    this.clock = clock;
    registry.config().commonTags("region", region);
    Gauge.builder("gitedge_requests_in_flight", activity, Activity::inFlight)
        .description("Requests being answered now, both doors, health checks aside")
        .register(registry);
    mirrors.forEach(this::mirror);
  }

  /**
   * Starts the per-mirror series of {@code m} (a mirror made on demand); idempotent. Its failed
   * and held sync counts and its tamper count start at 0, so that {@code increase()} in an alert
   * sees the first one (a counter that appears at 1 shows Prometheus no increase).
   */
  public void mirror(MirrorName m) {
    if (!mirrors.add(m)) {
      return;
    }
    for (SyncResult.Outcome o : List.of(SyncResult.Outcome.FAILED, SyncResult.Outcome.HELD)) {
      syncCounter(m, o);
    }
    tamperCounter(m);
    Gauge.builder("gitedge_mirror_last_sync_age_seconds", store, s -> s.state(m)
            .flatMap(MirrorState::lastSuccess)
            .map(t -> (clock.millis() - t.toEpochMilli()) / 1000.0)
            .orElse(Double.NaN))
        .description("Seconds since the mirror last synced successfully")
        .tag("mirror", m.value())
        .register(registry);
    Gauge.builder("gitedge_mirror_last_sync_failed", store, s -> s.state(m)
            .map(st -> st.lastError().isPresent() ? 1.0 : 0.0).orElse(0.0))
        .description("1 when the latest sync attempt of the mirror failed or was held")
        .tag("mirror", m.value())
        .register(registry);
    Gauge.builder("gitedge_mirror_tag_conflicts", store, s -> s.state(m)
            .map(st -> (double) st.tagConflicts().size()).orElse(0.0))
        .description("Tags the upstream moved or deleted that the mirror keeps")
        .tag("mirror", m.value())
        .register(registry);
  }

  /** Counts one webhook delivery by provider and outcome. */
  public void webhook(String provider, String outcome) {
    Counter.builder("gitedge_webhooks").description("Webhook deliveries by outcome")
        .tags("provider", provider, "outcome", outcome).register(registry).increment();
  }

  /** Counts one peer event, sent or received, by outcome. */
  public void peerEvent(String direction, String outcome) {
    Counter.builder("gitedge_peer_events").description("Sync events exchanged with peers")
        .tags("direction", direction, "outcome", outcome).register(registry).increment();
  }

  /**
   * Counts one sync event this gateway published on {@code transport} ({@code kafka}) by
   * outcome: {@code sent} (the transport took it), {@code dropped} (buffer full, or unsent at
   * shutdown).
   */
  public void eventPublished(String transport, String outcome) {
    Counter.builder("gitedge_events_published")
        .description("Sync events this gateway published, by transport and outcome")
        .tags("transport", transport, "outcome", outcome).register(registry).increment();
  }

  /**
   * Counts one sync event read from {@code transport} ({@code kafka}) by outcome: {@code synced},
   * {@code level} (had its tips), {@code duplicate}, {@code ignored} (not mirrored here),
   * {@code own} (this instance published it), {@code bad_signature}, {@code malformed}.
   */
  public void eventReceived(String transport, String outcome) {
    Counter.builder("gitedge_events_received")
        .description("Sync events read from the fleet's event bus, by transport and outcome")
        .tags("transport", transport, "outcome", outcome).register(registry).increment();
  }

  /**
   * Exposes the events waiting to be sent on {@code transport}, and starts its counters at 0
   * (so a rate or an alert works before the first event).
   */
  public void eventTransport(String transport, Supplier<Number> buffered,
      Collection<String> publishedOutcomes, Collection<String> receivedOutcomes) {
    // the supplier form keeps a strong reference (the object form's weak one would let the
    // gauge turn NaN once the method reference is collected)
    Gauge.builder("gitedge_events_buffered", buffered)
        .description("Sync events waiting to be sent (the transport is slow or unreachable)")
        .tag("transport", transport).register(registry);
    publishedOutcomes.forEach(o -> Counter.builder("gitedge_events_published")
        .description("Sync events this gateway published, by transport and outcome")
        .tags("transport", transport, "outcome", o).register(registry));
    receivedOutcomes.forEach(o -> Counter.builder("gitedge_events_received")
        .description("Sync events read from the fleet's event bus, by transport and outcome")
        .tags("transport", transport, "outcome", o).register(registry));
  }

  /** The requests in flight, which each door begins and ends. */
  public Activity activity() {
    return activity;
  }

  /** Counts one answered request and the bytes of its response body. */
  public void request(String door, String service, int status, long bytes) {
    Tags tags = Tags.of("door", door, "service", service, "status", Integer.toString(status));
    Counter.builder("gitedge_requests").description("Requests answered").tags(tags)
        .register(registry).increment();
    Counter.builder("gitedge_response_bytes").description("Response body bytes sent")
        .baseUnit("bytes").tags(Tags.of("door", door, "service", service))
        .register(registry).increment(bytes);
  }

  /** Counts one identity decision and times the source. */
  public void decision(String source, Decision decision, Duration latency) {
    String reason = decision instanceof Decision.Reject r ? r.reason()
        : decision instanceof Decision.Unavailable u ? u.reason()
        : decision instanceof Decision.Pass ? "pass" : "ok";
    decisionCounter(source, decision.outcome(), reason).increment();
    Timer.builder("gitedge_identity_source_latency").description("Time an identity source took")
        .tag("source", source).register(registry).record(latency);
    if (decision instanceof Decision.Unavailable u) {
      lastUnavailable.put(source, new Trouble(u.reason(), clock.instant()));
    }
  }

  /**
   * What one identity source decided since the start (read back from the decision counters),
   * for the status page.
   *
   * @param lastUnavailable the reason code of its latest "unavailable" decision, and when
   * @param cacheHitRatio its cache's hit ratio; empty for a source without a cache
   */
  public record IdentityTally(String source, long accepted, long rejected, long passed,
      long unavailable, Optional<String> lastUnavailable, Optional<Instant> lastUnavailableAt,
      OptionalDouble cacheHitRatio) {}

  /** {@link IdentityTally} of {@code source} ({@code file}, {@code oidc}, ...). */
  public IdentityTally identityTally(String source) {
    Optional<Trouble> trouble = Optional.ofNullable(lastUnavailable.get(source));
    Gauge ratio = registry.find("gitedge_identity_cache_hit_ratio").tag("source", source)
        .gauge();
    return new IdentityTally(source, decisions(source, "accept"), decisions(source, "reject"),
        decisions(source, "pass"), decisions(source, "unavailable"),
        trouble.map(Trouble::reason), trouble.map(Trouble::at),
        ratio == null || Double.isNaN(ratio.value()) ? OptionalDouble.empty()
            : OptionalDouble.of(ratio.value()));
  }

  private long decisions(String source, String outcome) {
    return count(registry.find("gitedge_identity_decisions").tag("source", source)
        .tag("outcome", outcome).counters());
  }

  /** Upload-pack requests counted so far for which the pack cache did {@code result}. */
  public long packCacheRequests(PackCache.Result result) {
    return count(registry.find("gitedge_pack_cache_requests").tag("result", result.label())
        .counters());
  }

  private static long count(Collection<Counter> counters) {
    return Math.round(counters.stream().mapToDouble(Counter::count).sum());
  }

  private Counter decisionCounter(String source, String outcome, String reason) {
    return Counter.builder("gitedge_identity_decisions")
        .description("Identity decisions by source, outcome and reason code")
        .tags("source", source, "outcome", outcome, "reason", reason).register(registry);
  }

  /**
   * Exposes a remote identity source's cache hit ratio, and starts its count of decisions it
   * could not give ({@code outcome="unavailable"}, also for the whole chain, {@code source="all"})
   * at 0, so that an alert on their {@code increase()} sees the first outage.
   */
  public void identityCache(String source, CachingIdentitySource cache) {
    for (String s : List.of(source, ALL_SOURCES)) {
      decisionCounter(s, UNAVAILABLE, SOURCE_UNAVAILABLE);
    }
    Gauge.builder("gitedge_identity_cache_hit_ratio", cache, c -> c.stats().hitRate())
        .description("Share of identity lookups answered from the cache")
        .tag("source", source).register(registry);
  }

  /**
   * Exposes the pack cache: {@code gitedge_pack_cache_requests_total{request,result}} (every
   * pair starts at 0), and bytes and entries per tier.
   */
  public void packCache(PackCache cache) {
    for (PackCache.Request request : PackCache.Request.values()) {
      for (PackCache.Result r : PackCache.Result.values()) {
        packCacheCounter(r, request);
      }
    }
    Gauge.builder("gitedge_pack_cache_bytes", cache, PackCache::memoryBytes)
        .description("Bytes of upload-pack responses held by the pack cache").baseUnit("bytes")
        .tag("tier", "memory").register(registry);
    Gauge.builder("gitedge_pack_cache_bytes", cache, PackCache::diskBytes)
        .description("Bytes of upload-pack responses held by the pack cache").baseUnit("bytes")
        .tag("tier", "disk").register(registry);
    Gauge.builder("gitedge_pack_cache_entries", cache, PackCache::memoryEntries)
        .description("Responses held by the pack cache").tag("tier", "memory")
        .register(registry);
    Gauge.builder("gitedge_pack_cache_entries", cache, PackCache::diskEntries)
        .description("Responses held by the pack cache").tag("tier", "disk")
        .register(registry);
  }

  /** Counts one upload-pack request by what it asked and what the pack cache did for it. */
  public void packCacheRequest(PackCache.Result result, PackCache.Request request) {
    packCacheCounter(result, request).increment();
  }

  private Counter packCacheCounter(PackCache.Result result, PackCache.Request request) {
    return Counter.builder("gitedge_pack_cache_requests")
        .description("Upload-pack requests by what they asked (fetch: a pack, ls-refs: a ref"
            + " listing, other: not cacheable) and what the pack cache did: hit (served from it),"
            + " miss (computed), bypass (not cacheable)")
        .tag("request", request.label()).tag("result", result.label()).register(registry);
  }

  /**
   * Exposes the Go module proxy's zip cache: {@code gitedge_goproxy_zip_cache_bytes} and
   * {@code _entries}.
   */
  public void goProxyZipCache(ZipCache cache) {
    Gauge.builder("gitedge_goproxy_zip_cache_bytes", cache, ZipCache::bytes)
        .description("Bytes of module zips held by the Go module proxy's cache")
        .baseUnit("bytes").register(registry);
    Gauge.builder("gitedge_goproxy_zip_cache_entries", cache, ZipCache::entries)
        .description("Module zips held by the Go module proxy's cache").register(registry);
  }

  /**
   * Counts one Go module proxy request by endpoint ({@code list}, {@code info}, {@code mod},
   * {@code zip}, {@code latest}) and result ({@code ok}, {@code not_found},
   * {@code bad_request}; zips {@code hit} or {@code built}).
   */
  public void goProxyRequest(String endpoint, String result) {
    Counter.builder("gitedge_goproxy_requests")
        .description("Go module proxy requests by endpoint and result (zips: hit = from the"
            + " zip cache, built = built from the mirror now)")
        .tag("endpoint", endpoint).tag("result", result).register(registry).increment();
  }

  /**
   * Names the TLS implementation of the HTTPS listener: {@code gitedge_https_tls_provider}
   * with label {@code provider} ({@code jdk} or {@code conscrypt}) and value 1.
   */
  public void tlsProvider(String provider) {
    Gauge.builder("gitedge_https_tls_provider", () -> 1)
        .description("The TLS implementation serving HTTPS (http.tlsProvider), always 1")
        .tag("provider", provider).register(registry);
  }

  /** A listener recording every sync's outcome. */
  public SyncListener syncListener() {
    return this::sync;
  }

  private void sync(SyncResult r, Set<Trigger> triggers) {
    mirror(r.name());
    syncCounter(r.name(), r.outcome()).increment();
    Timer.builder("gitedge_sync_duration").description("Time a sync took, listing to refs")
        .tag("mirror", r.name().value()).register(registry).record(r.duration());
    if (r.tamperDetected()) {
      tamperCounter(r.name()).increment();
    }
  }

  private Counter syncCounter(MirrorName m, SyncResult.Outcome outcome) {
    return Counter.builder("gitedge_syncs").description("Syncs by outcome")
        .tags("mirror", m.value(), "outcome", outcome.name().toLowerCase(Locale.ROOT))
        .register(registry);
  }

  private Counter tamperCounter(MirrorName m) {
    return Counter.builder("gitedge_mirror_tamper_detected")
        .description("Syncs that found a mirror's refs changed outside a sync, and restored them")
        .tag("mirror", m.value()).register(registry);
  }

  /** The current values in Prometheus text exposition format. */
  public String scrape() {
    return registry.scrape();
  }
}
