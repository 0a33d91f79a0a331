package io.gitedge.gateway.observe;

import io.gitedge.auth.CachingIdentitySource;
import io.gitedge.auth.Decision;
import io.gitedge.store.MirrorName;
import io.gitedge.store.MirrorState;
import io.gitedge.store.MirrorStore;
import io.gitedge.store.SyncResult;
import io.gitedge.sync.SyncListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;

/**
 * The gateway's metrics in Prometheus text format: requests and response bytes by front door,
 * service and status; sync results by mirror and outcome; and per mirror the seconds since its
 * last successful sync ({@code NaN} before the first). One instance per gateway; thread-safe.
 */
public final class GatewayMetrics {
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

  public GatewayMetrics(String region, MirrorStore store, Collection<MirrorName> mirrors,
      Clock clock) {
    registry.config().commonTags("region", region);
    for (MirrorName m : mirrors) {
      Gauge.builder("gitedge_mirror_last_sync_age_seconds", store, s -> s.state(m)
              .flatMap(MirrorState::lastSuccess)
              .map(t -> (clock.millis() - t.toEpochMilli()) / 1000.0)
              .orElse(Double.NaN))
          .description("Seconds since the mirror last synced successfully")
          .tag("mirror", m.value())
          .register(registry);
      Gauge.builder("gitedge_mirror_last_sync_failed", store, s -> s.state(m)
              .map(st -> st.lastError().isPresent() ? 1.0 : 0.0).orElse(0.0))
          .description("1 when the latest sync attempt of the mirror failed")
          .tag("mirror", m.value())
          .register(registry);
    }
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
    Counter.builder("gitedge_identity_decisions")
        .description("Identity decisions by source, outcome and reason code")
        .tags("source", source, "outcome", decision.outcome(), "reason", reason)
        .register(registry).increment();
    Timer.builder("gitedge_identity_source_latency").description("Time an identity source took")
        .tag("source", source).register(registry).record(latency);
  }

  /** Exposes a remote identity source's cache hit ratio. */
  public void identityCache(String source, CachingIdentitySource cache) {
    Gauge.builder("gitedge_identity_cache_hit_ratio", cache, c -> c.stats().hitRate())
        .description("Share of identity lookups answered from the cache")
        .tag("source", source).register(registry);
  }

  /** A listener recording every sync's outcome. */
  public SyncListener syncListener() {
    return this::sync;
  }

  private void sync(SyncResult r) {
    Counter.builder("gitedge_syncs").description("Syncs by outcome")
        .tags("mirror", r.name().value(), "outcome", r.outcome().name().toLowerCase())
        .register(registry).increment();
  }

  /** The current values in Prometheus text exposition format. */
  public String scrape() {
    return registry.scrape();
  }
}
