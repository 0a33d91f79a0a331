package io.gitedge.gateway.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gitedge.gateway.fleet.Ancestry;
import io.gitedge.gateway.fleet.FleetClient;
import io.gitedge.gateway.fleet.FleetComparison;
import io.gitedge.gateway.fleet.Finding;
import io.gitedge.gateway.fleet.MirrorAncestry;
import io.gitedge.gateway.fleet.MirrorView;
import io.gitedge.gateway.fleet.RegionAnswer;
import io.gitedge.gateway.git.GatewayException;
import io.gitedge.store.Mirror;
import io.gitedge.store.MirrorState;
import io.gitedge.store.MirrorStore;
import io.gitedge.sync.SyncPlan;
import io.gitedge.sync.SyncScheduler;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code GET /api/v1/fleet} (admins only): this region's mirrors compared with every peer's. The
 * peers ({@code peers.urls}) are asked at once for {@code /api/v1/mirrors?refs=true} with the
 * {@code peers.tokenFile} token; each mirror is then compared with each peer by
 * {@link FleetComparison}, with this region's repository telling how branch commits relate:
 *
 * <pre>
 * {"region": "eu",
 *  "regions": [{"url": "https://git.us.example.com", "region": "us", "reachable": true, "error": null}],
 *  "mirrors": [{"name": "github.com/acme/lib", "findings": [{"region": "us", "kind": "behind",
 *     "ref": "refs/heads/main", "here": "&lt;id&gt;", "there": "&lt;id&gt;", "detail": "us is behind eu (...)"}]}],
 *  "level": false, "diverged": false}
 * </pre>
 *
 * Each mirror has, per peer, one {@code level}, {@code missing} or {@code unreachable} finding,
 * or one finding per differing ref; then one {@code diverged} finding per Go module version both
 * regions' proxies built with different zip hashes ({@code "ref": "go:<module>@<version>"}, the
 * hashes as {@code here} and {@code there}). {@code level} is true when every finding is;
 * {@code diverged} when any tag is on different objects or any module zip differs. Thread-safe.
 */
public final class FleetEndpoint implements Endpoint {
  static final String PATH = "/api/v1/fleet";

  private final String region;
  private final SyncScheduler scheduler;
  private final MirrorStore store;
  private final Clock clock;
  private final List<URI> peers;
  private final Optional<FleetClient> client;
  private final ModuleHashes modules;

  /**
   * @param peers the other regions' base URLs
   * @param client how they are asked; empty when there is no {@code peers.tokenFile}
   * @param modules the Go module zips built here ({@link ModuleHashes#NONE} without a proxy)
   */
  public FleetEndpoint(String region, SyncScheduler scheduler, MirrorStore store, Clock clock,
      List<URI> peers, Optional<FleetClient> client, ModuleHashes modules) {
    this.region = region;
    this.scheduler = scheduler;
    this.store = store;
    this.clock = clock;
    this.peers = List.copyOf(peers);
    this.client = client;
    this.modules = modules;
  }

  @Override
  public int serve(HttpCall call) throws IOException, GatewayException {
    AdminApi.requireAdmin(call.session().caller(), "the admin API's endpoints");
    call.require("GET", "gitedge: use GET here");
    return AdminApi.json(call.response(), 200, json(compare(Optional.empty())));
  }

  /** Whether {@code peers.urls} names any region to compare with. */
  boolean hasPeers() {
    return !peers.isEmpty();
  }

  /**
   * The fleet compared at one moment: every peer's answer, in {@code peers.urls} order, and every
   * mirror's findings, by name.
   */
  record Report(List<RegionAnswer> answers, SortedMap<String, List<Finding>> findings,
      boolean level, boolean diverged) {}

  /**
   * Asks every peer at once and compares each mirror with each answer.
   *
   * @param bound how long to wait for the peers at most: one that has not answered by then is
   *     {@link RegionAnswer.Unanswered} (empty: as long as {@link FleetClient} allows)
   */
  Report compare(Optional<Duration> bound) throws IOException {
    List<CompletableFuture<RegionAnswer>> asked = new ArrayList<>();
    for (URI peer : peers) {
      CompletableFuture<RegionAnswer> answer = client.map(c -> c.ask(peer))
          .orElseGet(() -> CompletableFuture.completedFuture(
          new RegionAnswer.Unanswered(peer, "peers.tokenFile is not set here, so the peers"
              + " cannot be asked")));
      asked.add(bound.map(b -> answer.completeOnTimeout(new RegionAnswer.Unanswered(peer,
          "no answer within " + b.toSeconds() + "s"), b.toMillis(), TimeUnit.MILLISECONDS))
          .orElse(answer));
    }
    Map<String, MirrorView> here = new TreeMap<>();
    Map<String, Ancestry> ancestry = new TreeMap<>();
    Instant now = clock.instant();
    List<SyncPlan> plans = scheduler.plans();
    Map<String, SortedMap<String, String>> zips = modules.byMirror(plans.stream()
        .map(p -> p.name().value()).toList());
    for (SyncPlan p : plans) {
      Optional<Mirror> m = store.find(p.name());
      Optional<Instant> last = store.state(p.name()).flatMap(MirrorState::lastSuccess);
      here.put(p.name().value(), new MirrorView(region, p.name().value(), true,
          m.isPresent() ? Optional.of(m.get().refs()) : Optional.empty(), last,
          last.map(t -> Math.max(0, now.getEpochSecond() - t.getEpochSecond())),
          p.policy().tags(),
          zips.getOrDefault(p.name().value(), Collections.emptySortedMap())));
      m.ifPresent(x -> ancestry.put(p.name().value(), new MirrorAncestry(x.repository())));
    }
    List<RegionAnswer> answers = asked.stream().map(CompletableFuture::join).toList();
    return compare(here, ancestry, answers);
  }

  private Report compare(Map<String, MirrorView> here, Map<String, Ancestry> ancestry,
      List<RegionAnswer> answers) {
    SortedSet<String> names = new TreeSet<>(here.keySet());
    for (RegionAnswer a : answers) {
      if (a instanceof RegionAnswer.Answered ok) {
        names.addAll(ok.mirrors().keySet());
      }
    }
    boolean level = true;
    boolean diverged = false;
    SortedMap<String, List<Finding>> findings = new TreeMap<>();
    for (String name : names) {
      List<Finding> list = new ArrayList<>();
      MirrorView mine = here.getOrDefault(name, MirrorView.notListed(region, name));
      for (RegionAnswer a : answers) {
        List<Finding> found = a instanceof RegionAnswer.Answered ok
            ? FleetComparison.compare(mine, ok.view(name),
                ancestry.getOrDefault(name, Ancestry.NONE))
            : List.of(FleetComparison.unreachable(a.url().toString(),
                ((RegionAnswer.Unanswered) a).error()));
        for (Finding f : found) {
          level &= f.kind() == Finding.Kind.LEVEL;
          diverged |= f.kind() == Finding.Kind.DIVERGED;
          list.add(f);
        }
      }
      findings.put(name, List.copyOf(list));
    }
    return new Report(answers, Collections.unmodifiableSortedMap(findings), level, diverged);
  }

  private ObjectNode json(Report report) {
    ObjectNode out = AdminApi.JSON.createObjectNode();
    out.put("region", region);
    ArrayNode regions = out.putArray("regions");
    for (RegionAnswer a : report.answers()) {
      ObjectNode r = regions.addObject();
      r.put("url", a.url().toString());
      if (a instanceof RegionAnswer.Answered ok) {
        r.put("region", ok.region());
        r.put("reachable", true);
        r.putNull("error");
      } else {
        r.putNull("region");
        r.put("reachable", false);
        r.put("error", ((RegionAnswer.Unanswered) a).error());
      }
    }
    ArrayNode mirrors = out.putArray("mirrors");
    report.findings().forEach((name, found) -> {
      ObjectNode m = mirrors.addObject();
      m.put("name", name);
      ArrayNode list = m.putArray("findings");
      found.forEach(f -> list.add(json(f)));
    });
    out.put("level", report.level());
    out.put("diverged", report.diverged());
    return out;
  }

  private static ObjectNode json(Finding f) {
    ObjectNode o = AdminApi.JSON.createObjectNode();
    o.put("region", f.region());
    o.put("kind", f.kind().label());
    o.put("ref", f.ref().orElse(null));
    o.put("here", f.here().orElse(null));
    o.put("there", f.there().orElse(null));
    o.put("detail", f.detail());
    return o;
  }
}
