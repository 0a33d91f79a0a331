package io.gitedge.gateway.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gitedge.auth.Principal;
import io.gitedge.gateway.git.GatewayException;
import io.gitedge.store.InvalidMirrorNameException;
import io.gitedge.store.Mirror;
import io.gitedge.store.MirrorName;
import io.gitedge.store.MirrorRefs;
import io.gitedge.store.MirrorState;
import io.gitedge.store.MirrorStore;
import io.gitedge.store.SyncProgress;
import io.gitedge.store.SyncResult;
import io.gitedge.store.TagConflict;
import io.gitedge.sync.MirrorSchedule;
import io.gitedge.sync.SyncPlan;
import io.gitedge.sync.SyncScheduler;
import io.gitedge.sync.Trigger;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operators' API, for callers in the {@value #ADMINS} group (people, or a token made for a
 * tool with {@code gitedge token create --group admins}):
 *
 * <pre>
 * GET  /api/v1/mirrors                     every mirror served here, with its sync state
 * GET  /api/v1/mirrors/&lt;name&gt;              one mirror
 *      ?refs=true                          with its branches and tags ({@code "refs"}) and
 *                                          the Go module zips built from it ({@code "goModules"})
 * POST /api/v1/mirrors/&lt;name&gt;/sync         sync now: 202 at once, or with ?wait=true 200 and
 *                                          the result once the sync ended;
 *                                          &amp;allowMassDelete=true approves a held sync
 * </pre>
 *
 * Answers are JSON; times are ISO-8601 UTC, ages whole seconds. While a mirror syncs, its
 * {@code progress} says how far the sync has got ({@link MirrorStore#progress}; null
 * otherwise). Every mirror carries {@code refsDigest} and {@code refCount} ({@link MirrorRefs}:
 * the same digest in every region means the same branches and tags), both null before its first
 * sync. With {@code ?refs=true}
 * every mirror also carries {@code "goModules": {"<module>@<version>": "h1:...", ...}}: the
 * {@code go.sum} hash of every zip the Go module proxy's cache holds for a module in that mirror
 * ({@link ModuleHashes}), empty when the proxy is off or built none. The same version must have
 * the same hash in every region; {@link FleetEndpoint} and {@code gitedge verify} compare them.
 * Anything else under {@code /api/} (but {@link FleetEndpoint#PATH}) is 404, another method 405.
 * Thread-safe.
 */
public final class AdminApi implements Endpoint {
  static final String ADMINS = "admins";
  static final String PREFIX = "/api/v1/mirrors";
  private static final Logger log = LoggerFactory.getLogger(AdminApi.class);
  static final ObjectMapper JSON = new ObjectMapper()
      .enable(SerializationFeature.INDENT_OUTPUT);

  private final String region;
  private final SyncScheduler scheduler;
  private final MirrorStore store;
  private final Clock clock;
  private final ModuleHashes modules;

  /** @param modules the Go module zips built here ({@link ModuleHashes#NONE} without a proxy) */
  public AdminApi(String region, SyncScheduler scheduler, MirrorStore store, Clock clock,
      ModuleHashes modules) {
    this.region = region;
    this.scheduler = scheduler;
    this.store = store;
    this.clock = clock;
    this.modules = modules;
  }

  /** Refuses callers outside the {@value #ADMINS} group. */
  static void requireAdmin(Principal caller, String what) throws GatewayException {
    if (caller.anonymous()) {
      throw new GatewayException.Unauthenticated();
    }
    if (!caller.groups().contains(ADMINS)) {
      throw new GatewayException.Forbidden("gitedge: " + what + " are for members of the "
          + ADMINS + " group");
    }
  }

  /** Answers a request for a path under {@code /api/}. */
  @Override
  public int serve(HttpCall call) throws IOException, GatewayException {
    Principal caller = call.session().caller();
    requireAdmin(caller, "the admin API's endpoints");
    String path = call.path();
    HttpServletRequest req = call.request();
    HttpServletResponse rsp = call.response();
    if (path.equals(PREFIX) || path.equals(PREFIX + "/")) {
      call.require("GET", "gitedge: use GET here");
      ObjectNode out = JSON.createObjectNode();
      out.put("region", region);
      ArrayNode list = out.putArray("mirrors");
      Optional<Map<String, SortedMap<String, String>>> refs = withRefs(req);
      for (SyncPlan p : scheduler.plans()) {
        list.add(describe(p, refs));
      }
      return json(rsp, 200, out);
    }
    if (!path.startsWith(PREFIX + "/")) {
      throw new GatewayException.MirrorNotFound();
    }
    String rest = path.substring(PREFIX.length() + 1);
    if ("POST".equals(req.getMethod()) && rest.endsWith("/sync")) {
      SyncPlan p = plan(rest.substring(0, rest.length() - "/sync".length()));
      return sync(req, rsp, caller, p);
    }
    call.require("GET", "gitedge: use GET here");
    return json(rsp, 200, describe(plan(rest), withRefs(req)));
  }

  private int sync(HttpServletRequest req, HttpServletResponse rsp, Principal caller,
      SyncPlan p) throws IOException, GatewayException {
    if ("true".equals(req.getParameter("allowMassDelete"))) {
      store.approveMassDelete(p.name());
      log.info("{} approved the held deletions of {}", caller.name(), p.name());
    }
    log.info("{} asked for a sync of {}", caller.name(), p.name());
    CompletableFuture<SyncResult> sync = scheduler.requestSync(p.name(), Trigger.ADMIN);
    if (!"true".equals(req.getParameter("wait"))) {
      ObjectNode out = JSON.createObjectNode();
      out.put("name", p.name().value());
      out.put("queued", true);
      return json(rsp, 202, out);
    }
    SyncResult r;
    try {
      r = sync.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new GatewayException.MirrorUnavailable("gitedge: interrupted while syncing");
    } catch (ExecutionException e) {
      throw new IOException("sync of " + p.name() + " failed to run", e.getCause());
    }
    ObjectNode out = JSON.createObjectNode();
    out.put("name", r.name().value());
    out.put("outcome", r.outcome().name().toLowerCase(Locale.ROOT));
    out.put("changes", r.changes().size());
    out.put("durationMs", r.duration().toMillis());
    r.error().ifPresentOrElse(e -> out.put("error", e), () -> out.putNull("error"));
    ArrayNode conflicts = out.putArray("newTagConflicts");
    r.newTagConflicts().forEach(c -> conflicts.add(conflict(c)));
    out.set("mirror", describe(p, Optional.empty()));
    return json(rsp, 200, out);
  }

  private SyncPlan plan(String name) throws GatewayException {
    try {
      return scheduler.plan(MirrorName.parse(name))
          .orElseThrow(GatewayException.MirrorNotFound::new);
    } catch (InvalidMirrorNameException e) {
      throw new GatewayException.MirrorNotFound();
    }
  }

  /**
   * Whether {@code ?refs=true} asks for refs, and then the Go module zips built here by mirror
   * (looked at once per request).
   */
  private Optional<Map<String, SortedMap<String, String>>> withRefs(HttpServletRequest req) {
    if (!"true".equals(req.getParameter("refs"))) {
      return Optional.empty();
    }
    return Optional.of(modules.byMirror(scheduler.plans().stream().map(p -> p.name().value())
        .toList()));
  }

  /**
   * One mirror; with {@code withRefs} present, with its refs and its entry of the Go module
   * zips.
   */
  private ObjectNode describe(SyncPlan p,
      Optional<Map<String, SortedMap<String, String>>> withRefs) throws IOException {
    ObjectNode m = JSON.createObjectNode();
    Instant now = clock.instant();
    Optional<MirrorState> state = store.state(p.name());
    MirrorSchedule schedule = scheduler.schedule(p.name());
    m.put("name", p.name().value());
    m.put("upstream", p.upstream().url());
    m.put("region", region);
    m.put("state", MirrorStatus.state(state, schedule));
    time(m, "lastSuccess", state.flatMap(MirrorState::lastSuccess));
    time(m, "lastAttempt", state.flatMap(MirrorState::lastAttempt));
    Optional<Instant> last = state.flatMap(MirrorState::lastSuccess);
    if (last.isPresent()) {
      m.put("ageSeconds", Math.max(0, now.getEpochSecond() - last.get().getEpochSecond()));
    } else {
      m.putNull("ageSeconds");
    }
    state.flatMap(MirrorState::lastError).ifPresentOrElse(e -> m.put("lastError", e),
        () -> m.putNull("lastError"));
    m.put("held", state.map(MirrorState::held).orElse(false));
    ArrayNode conflicts = m.putArray("tagConflicts");
    state.ifPresent(s -> s.tagConflicts().forEach(c -> conflicts.add(conflict(c))));
    m.put("tags", p.policy().tags().name().toLowerCase(Locale.ROOT));
    m.put("intervalSeconds", p.interval().toSeconds());
    p.freshness().ifPresentOrElse(f -> m.put("freshnessSeconds", f.toSeconds()),
        () -> m.putNull("freshnessSeconds"));
    m.put("syncing", schedule.running());
    m.set("progress", store.progress(p.name()).map(AdminApi::progress).orElse(null));
    m.put("consecutiveFailures", schedule.consecutiveFailures());
    time(m, "nextSync", schedule.nextSync());
    refs(m, p.name(), withRefs.isPresent());
    if (withRefs.isPresent()) {
      ObjectNode zips = m.putObject("goModules");
      withRefs.get().getOrDefault(p.name().value(), Collections.emptySortedMap())
          .forEach(zips::put);
    }
    return m;
  }

  /** {@code refsDigest}, {@code refCount} and, when asked for, {@code refs}, from one read. */
  private void refs(ObjectNode m, MirrorName name, boolean withRefs) throws IOException {
    Optional<Mirror> mirror = store.find(name);
    if (mirror.isEmpty()) {
      m.putNull("refsDigest");
      m.putNull("refCount");
      if (withRefs) {
        m.putNull("refs");
      }
      return;
    }
    MirrorRefs refs = mirror.get().refs();
    m.put("refsDigest", refs.digest());
    m.put("refCount", refs.count());
    if (withRefs) {
      ObjectNode ids = m.putObject("refs");
      refs.ids().forEach(ids::put);
    }
  }

  /**
   * A running sync's {@code progress}: {@code phase}, {@code objects}, {@code totalObjects},
   * {@code bytes}, {@code bytesPerSecond} (the last two null for a file:// upstream),
   * {@code startedAt}, {@code elapsedSeconds}.
   */
  private static ObjectNode progress(SyncProgress p) {
    ObjectNode o = JSON.createObjectNode();
    o.put("phase", p.phase().label());
    o.put("objects", p.objects());
    number(o, "totalObjects", p.totalObjects());
    number(o, "bytes", p.bytes());
    number(o, "bytesPerSecond", p.bytesPerSecond());
    o.put("startedAt", p.startedAt().toString());
    o.put("elapsedSeconds", p.elapsed().toSeconds());
    return o;
  }

  private static void number(ObjectNode o, String field, OptionalLong v) {
    if (v.isPresent()) {
      o.put(field, v.getAsLong());
    } else {
      o.putNull(field);
    }
  }

  private static ObjectNode conflict(TagConflict c) {
    ObjectNode o = JSON.createObjectNode();
    o.put("ref", c.ref());
    o.put("kept", c.keptId());
    o.put("upstream", c.upstreamId());
    o.put("deletedUpstream", c.deletedUpstream());
    o.put("since", c.since().toString());
    return o;
  }

  private static void time(ObjectNode o, String field, Optional<Instant> t) {
    t.ifPresentOrElse(v -> o.put(field, v.toString()), () -> o.putNull(field));
  }

  /** Sends {@code body} as the answer, indented, with a final newline. */
  static int json(HttpServletResponse rsp, int status, ObjectNode body)
      throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(body);
    rsp.setStatus(status);
    rsp.setContentType("application/json");
    rsp.setHeader("Cache-Control", "no-cache");
    rsp.setContentLength(bytes.length + 1);
    rsp.getOutputStream().write(bytes);
    rsp.getOutputStream().write('\n');
    return status;
  }
}
