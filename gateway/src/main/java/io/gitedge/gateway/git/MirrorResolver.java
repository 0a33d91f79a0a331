package io.gitedge.gateway.git;

import io.gitedge.auth.AccessPolicy;
import io.gitedge.auth.Principal;
import io.gitedge.gateway.observe.LogText;
import io.gitedge.store.InvalidMirrorNameException;
import io.gitedge.store.Mirror;
import io.gitedge.store.MirrorName;
import io.gitedge.store.MirrorState;
import io.gitedge.store.MirrorStore;
import io.gitedge.store.SyncResult;
import io.gitedge.sync.ReadFreshness;
import io.gitedge.sync.SyncPlan;
import io.gitedge.sync.SyncScheduler;
import io.gitedge.sync.Trigger;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one path from "this caller asks for this name" to "serve this mirror", shared by every front
 * door: authenticate-first, validate the name, look it up, authorize, open.
 *
 * <p>An invalid name, an unknown one and one the caller may not read all end in the same
 * {@link GatewayException.MirrorNotFound}; the reason goes to the log only. An anonymous caller
 * gets {@link GatewayException.Unauthenticated} for every name, existing or not, unless anonymous
 * reading is on. A configured mirror whose first sync has not finished is waited for (bounded).
 * Thread-safe.
 */
public final class MirrorResolver {
  private static final Logger log = LoggerFactory.getLogger(MirrorResolver.class);

  /** An on-demand name whose upstream had no such repository is not asked about again sooner. */
  private static final Duration ON_DEMAND_NEGATIVE_TTL = Duration.ofMinutes(1);

  private final MirrorCatalog catalog;
  private final AccessPolicy policy;
  private final MirrorStore store;
  private final SyncScheduler scheduler;
  private final ReadFreshness freshness;
  private final Duration firstSyncWait;
  private final Map<MirrorName, Instant> onDemandMisses = new ConcurrentHashMap<>();

  public MirrorResolver(MirrorCatalog catalog, AccessPolicy policy, MirrorStore store,
      SyncScheduler scheduler, ReadFreshness freshness, Duration firstSyncWait) {
    this.catalog = catalog;
    this.policy = policy;
    this.store = store;
    this.scheduler = scheduler;
    this.freshness = freshness;
    this.firstSyncWait = firstSyncWait;
  }

  /** Fails unless {@code principal} may make requests at all. */
  public void requireCaller(Principal principal) throws GatewayException.Unauthenticated {
    if (principal.anonymous() && !policy.anonymousRead()) {
      throw new GatewayException.Unauthenticated();
    }
  }

  /**
   * Resolves a repository name as a client sent it ({@code github.com/acme/lib.git}) for a
   * request that starts with a ref advertisement: a mirror past its freshness bound checks its
   * upstream first ({@link ReadFreshness#beforeAdvertisement}).
   *
   * @throws GatewayException.Unauthenticated for an anonymous caller when anonymous reads are off
   * @throws GatewayException.MirrorNotFound for invalid, unknown and forbidden names alike
   * @throws GatewayException.MirrorUnavailable when the first sync has not produced the mirror
   */
  public ResolvedMirror resolveForAdvertisement(Principal principal, String rawName)
      throws GatewayException {
    SyncPlan plan = authorize(principal, rawName);
    Mirror mirror = open(plan);
    return new ResolvedMirror(mirror, plan, freshness.beforeAdvertisement(plan));
  }

  /**
   * The same for a request that continues an exchange whose advertisement came before (the
   * second request of stateless HTTP): no freshness check.
   */
  public ResolvedMirror resolve(Principal principal, String rawName) throws GatewayException {
    SyncPlan plan = authorize(principal, rawName);
    return new ResolvedMirror(open(plan), plan, freshness.age(plan));
  }

  /**
   * The same checks as {@link #resolve}, without opening the mirror or waiting for its first
   * sync: for answers that need only the mirror's identity, such as refusing a push.
   */
  public SyncPlan authorize(Principal principal, String rawName) throws GatewayException {
    requireCaller(principal);
    MirrorName name;
    try {
      name = MirrorName.parse(rawName);
    } catch (InvalidMirrorNameException e) {
      log.info("not found for {}: invalid name: {}", principal.name(),
          LogText.printable(e.getMessage()));
      throw new GatewayException.MirrorNotFound();
    }
    Optional<SyncPlan> plan = scheduler.plan(name).or(() -> catalog.onDemand(name));
    if (plan.isEmpty()) {
      log.info("not found for {}: {} is not mirrored here", principal.name(), name);
      throw new GatewayException.MirrorNotFound();
    }
    if (!policy.canRead(principal, name.value())) {
      log.info("not found for {}: may not read {}", principal.name(), name);
      throw new GatewayException.MirrorNotFound();
    }
    return plan.get();
  }

  /**
   * Waits (bounded) for a sync of {@code mirror} running or queued now; false when there is none.
   * For a read that did not find a version pushed a moment ago.
   */
  public boolean awaitSyncInFlight(ResolvedMirror mirror) {
    return freshness.awaitSyncInFlight(mirror.plan());
  }

  /**
   * Whether {@code principal} may read {@code name}, served now or mirrored on demand once
   * asked for.
   */
  public boolean mayServe(Principal principal, MirrorName name) {
    return (scheduler.plan(name).isPresent() || catalog.onDemand(name).isPresent())
        && policy.canRead(principal, name.value());
  }

  /**
   * The served mirror whose name is {@code path} or a segment-wise prefix of it, longest first:
   * {@code github.com/acme/lib/sub/pkg} finds {@code github.com/acme/lib}. Under a prefix
   * mirrored on demand, a name not mirrored yet is taken to be the prefix and one more segment.
   */
  public Optional<MirrorName> containing(String path) {
    MirrorName best = null;
    for (SyncPlan p : scheduler.plans()) {
      MirrorName n = p.name();
      if ((path.equals(n.value()) || path.startsWith(n.value() + "/"))
          && (best == null || n.value().length() > best.value().length())) {
        best = n;
      }
    }
    if (best != null) {
      return Optional.of(best);
    }
    for (var u : catalog.upstreams()) {
      String prefix = u.route().prefix() + "/";
      if (u.mirrorOnDemand() && path.startsWith(prefix)) {
        String rest = path.substring(prefix.length());
        int slash = rest.indexOf('/');
        try {
          return Optional.of(MirrorName.parse(prefix + (slash < 0 ? rest
              : rest.substring(0, slash))));
        } catch (InvalidMirrorNameException e) {
          return Optional.empty();
        }
      }
    }
    return Optional.empty();
  }

  private Mirror open(SyncPlan plan) throws GatewayException {
    MirrorName name = plan.name();
    try {
      Optional<Mirror> m = store.find(name);
      if (m.isPresent()) {
        return m.get();
      }
      CompletableFuture<SyncResult> first;
      boolean onDemand = scheduler.plan(name).isEmpty();
      if (!onDemand) {
        first = scheduler.currentOrNewSync(name, Trigger.READ);
      } else {
        Instant missed = onDemandMisses.get(name);
        if (missed != null && missed.plus(ON_DEMAND_NEGATIVE_TTL).isAfter(Instant.now())) {
          throw new GatewayException.MirrorNotFound();
        }
        log.info("mirroring {} on demand from {}", name, plan.upstream().url());
        first = scheduler.add(plan, Trigger.ON_DEMAND)
            .orElseGet(() -> scheduler.currentOrNewSync(name, Trigger.ON_DEMAND));
        first.thenAccept(r -> onDemandResult(plan, r));
      }
      try {
        first.get(firstSyncWait.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        log.info("first sync of {} still running after {}", name, firstSyncWait);
      } catch (ExecutionException e) {
        log.warn("first sync of {} failed", name, e.getCause());
      }
      m = store.find(name);
      if (m.isPresent()) {
        return m.get();
      }
      if (onDemand && first.isDone() && !first.isCompletedExceptionally()) {
        onDemandResult(plan, first.join());
      }
      if (scheduler.plan(name).isEmpty()) {
        throw new GatewayException.MirrorNotFound(); // on demand, and the upstream has none
      }
    } catch (IOException e) {
      log.warn("cannot open mirror {}", name, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    String why = store.state(name).flatMap(MirrorState::lastError)
        .map(e -> " (last attempt failed: the upstream could not be fetched)").orElse("");
    throw new GatewayException.MirrorUnavailable("gitedge: the mirror of " + name
        + " is not ready yet" + why + "; try again shortly");
  }

  /**
   * The first sync of a mirror made on demand failed without creating it: most likely the
   * upstream has no such repository. Forget the plan (no schedule for a name that does not
   * exist), and do not ask the upstream about the name again for a while.
   */
  private void onDemandResult(SyncPlan plan, SyncResult r) {
    try {
      if (!r.succeeded() && store.find(plan.name()).isEmpty()) {
        log.info("{} is not mirrored on demand: {}", plan.name(), r.error().orElse("failed"));
        scheduler.remove(plan.name());
        onDemandMisses.put(plan.name(), Instant.now());
        onDemandMisses.entrySet().removeIf(e -> e.getValue().plus(ON_DEMAND_NEGATIVE_TTL)
            .isBefore(Instant.now()));
      }
    } catch (IOException e) {
      log.warn("cannot look at on-demand mirror {}", plan.name(), e);
    }
  }
}
