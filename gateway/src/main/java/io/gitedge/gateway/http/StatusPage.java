package io.gitedge.gateway.http;

import io.gitedge.gateway.config.PackCacheConfig;
import io.gitedge.gateway.git.GatewayException;
import io.gitedge.gateway.observe.GatewayMetrics;
import io.gitedge.gateway.observe.SyncHistory;
import io.gitedge.gateway.packcache.PackCache;
import io.gitedge.store.MirrorStore;
import io.gitedge.store.SyncProgress;
import io.gitedge.sync.SyncPlan;
import io.gitedge.sync.SyncScheduler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code GET /status} (admins only, the admin API's credentials; a browser gets the Basic
 * prompt): one server-rendered HTML page of this region's health. Every mirror with its upstream,
 * state ({@link MirrorStatus}), age, last and next sync, last error, tag conflicts and a chart of
 * its recent syncs ({@link SyncHistory}); the pack cache and the identity sources at a glance;
 * with {@code peers}, the fleet's regions side by side ({@link FleetEndpoint}), each peer given
 * at most {@link #PEER_WAIT}. The page needs nothing but itself: inline CSS and SVG, no script,
 * no external asset (air-gapped networks), and a Content-Security-Policy that allows nothing
 * else. Never cached. Gathered in {@link #view}, rendered by {@link StatusHtml}. Thread-safe.
 */
public final class StatusPage implements Endpoint {
  static final String PATH = "/status";
  /** How long the page waits for a peer before showing it as unreachable. */
  static final Duration PEER_WAIT = Duration.ofSeconds(3);
  /** The page reloads itself this often (a meta refresh: no script). */
  static final int REFRESH_SECONDS = 30;
  private static final String CSP = "default-src 'none'; style-src 'unsafe-inline';"
      + " img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

  /** What the page shows, gathered at {@code now}. */
  record View(String region, Instant now, List<Row> mirrors, CacheGlance packCache,
      List<IdentityRow> identity, Optional<FleetEndpoint.Report> fleet) {}

  /**
   * One mirror's line.
   *
   * @param recent its last syncs, oldest first, for the chart
   * @param progress how far a running sync has come ({@link SyncProgress#describe}: "receiving:
   *     14 of 98 objects, 416.3 KiB at 448.0 KiB/s, 2 s so far"); empty while none runs
   */
  record Row(MirrorStatus status, List<SyncHistory.Entry> recent, Optional<String> progress) {}

  /** The pack cache: its limits, what it holds, and what it did for upload-pack requests. */
  record CacheGlance(PackCacheConfig config, long memoryEntries, long memoryBytes,
      long diskEntries, long diskBytes, long hits, long misses, long bypasses) {}

  /** One identity source: its name, where it asks, and what it decided since the start. */
  record IdentityRow(String source, String where, GatewayMetrics.IdentityTally tally) {}

  private final String region;
  private final SyncScheduler scheduler;
  private final MirrorStore store;
  private final Clock clock;
  private final SyncHistory history;
  private final PackCache packCache;
  private final PackCacheConfig packCacheConfig;
  private final GatewayMetrics metrics;
  private final Map<String, String> identitySources;
  private final FleetEndpoint fleet;

  /**
   * @param identitySources each identity source's name (as the metrics name it) and where it
   *     asks (a file, an issuer, a URL), in the order the sources are asked
   * @param fleet how the peers are compared (its peers may be none)
   */
  public StatusPage(String region, SyncScheduler scheduler, MirrorStore store, Clock clock,
      SyncHistory history, PackCache packCache, PackCacheConfig packCacheConfig,
      GatewayMetrics metrics, Map<String, String> identitySources, FleetEndpoint fleet) {
    this.region = region;
    this.scheduler = scheduler;
    this.store = store;
    this.clock = clock;
    this.history = history;
    this.packCache = packCache;
    this.packCacheConfig = packCacheConfig;
    this.metrics = metrics;
    this.identitySources = new LinkedHashMap<>(identitySources);
    this.fleet = fleet;
  }

  @Override
  public int serve(HttpCall call) throws IOException, GatewayException {
    AdminApi.requireAdmin(call.session().caller(), "the status page and the admin API");
    call.require("GET", "gitedge: use GET here");
    byte[] body = StatusHtml.render(view()).getBytes(StandardCharsets.UTF_8);
    var rsp = call.response();
    rsp.setStatus(200);
    rsp.setContentType("text/html; charset=utf-8");
    rsp.setHeader("Cache-Control", "no-store");
    rsp.setHeader("Content-Security-Policy", CSP);
    rsp.setHeader("X-Content-Type-Options", "nosniff");
    rsp.setHeader("Referrer-Policy", "no-referrer");
    rsp.setContentLength(body.length);
    rsp.getOutputStream().write(body);
    return 200;
  }

  /** Everything the page shows, as of now; the peers are asked only when there are any. */
  View view() throws IOException {
    Instant now = clock.instant();
    List<Row> rows = new ArrayList<>();
    for (SyncPlan p : scheduler.plans()) {
      MirrorStatus s = MirrorStatus.of(p, store.state(p.name()), scheduler.schedule(p.name()),
          now);
      rows.add(new Row(s, history.recent(p.name()),
          store.progress(p.name()).map(SyncProgress::describe)));
    }
    CacheGlance cache = new CacheGlance(packCacheConfig, packCache.memoryEntries(),
        packCache.memoryBytes(), packCache.diskEntries(), packCache.diskBytes(),
        metrics.packCacheRequests(PackCache.Result.HIT),
        metrics.packCacheRequests(PackCache.Result.MISS),
        metrics.packCacheRequests(PackCache.Result.BYPASS));
    List<IdentityRow> identity = new ArrayList<>();
    identitySources.forEach((name, where) -> identity.add(new IdentityRow(name, where,
        metrics.identityTally(name))));
    Optional<FleetEndpoint.Report> peers = fleet.hasPeers()
        ? Optional.of(fleet.compare(Optional.of(PEER_WAIT))) : Optional.empty();
    return new View(region, now, rows, cache, identity, peers);
  }
}
