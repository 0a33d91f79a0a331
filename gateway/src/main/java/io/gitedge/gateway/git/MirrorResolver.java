package io.gitedge.gateway.git;

import io.gitedge.auth.AccessPolicy;
import io.gitedge.auth.Principal;
import io.gitedge.gateway.observe.LogText;
import io.gitedge.store.InvalidMirrorNameException;
import io.gitedge.store.Mirror;
import io.gitedge.store.MirrorName;
import io.gitedge.store.MirrorState;
import io.gitedge.store.MirrorStore;
import io.gitedge.sync.SyncPlan;
import io.gitedge.sync.SyncScheduler;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
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

  private final MirrorCatalog catalog;
  private final AccessPolicy policy;
  private final MirrorStore store;
  private final SyncScheduler scheduler;
  private final Duration firstSyncWait;

  public MirrorResolver(MirrorCatalog catalog, AccessPolicy policy, MirrorStore store,
      SyncScheduler scheduler, Duration firstSyncWait) {
    this.catalog = catalog;
    this.policy = policy;
    this.store = store;
    this.scheduler = scheduler;
    this.firstSyncWait = firstSyncWait;
  }

  /** Fails unless {@code principal} may make requests at all. */
  public void requireCaller(Principal principal) throws GatewayException.Unauthenticated {
    if (principal.anonymous() && !policy.anonymousRead()) {
      throw new GatewayException.Unauthenticated();
    }
  }

  /**
   * Resolves a repository name as a client sent it ({@code github.com/acme/lib.git}).
   *
   * @throws GatewayException.Unauthenticated for an anonymous caller when anonymous reads are off
   * @throws GatewayException.MirrorNotFound for invalid, unknown and forbidden names alike
   * @throws GatewayException.MirrorUnavailable when the first sync has not produced the mirror
   */
  public ResolvedMirror resolve(Principal principal, String rawName) throws GatewayException {
    SyncPlan plan = authorize(principal, rawName);
    return new ResolvedMirror(open(plan.name()), plan);
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
    Optional<SyncPlan> plan = catalog.lookup(name);
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

  /** Whether {@code principal} may read the served mirror {@code name}. */
  public boolean mayRead(Principal principal, MirrorName name) {
    return catalog.lookup(name).isPresent() && policy.canRead(principal, name.value());
  }

  private Mirror open(MirrorName name) throws GatewayException {
    try {
      Optional<Mirror> m = store.find(name);
      if (m.isPresent()) {
        return m.get();
      }
      try {
        scheduler.currentOrNewSync(name).get(firstSyncWait.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        log.info("first sync of {} still running after {}", name, firstSyncWait);
      } catch (ExecutionException e) {
        log.warn("first sync of {} failed", name, e.getCause());
      }
      m = store.find(name);
      if (m.isPresent()) {
        return m.get();
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
}
