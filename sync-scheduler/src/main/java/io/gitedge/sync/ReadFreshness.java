package io.gitedge.sync;

import io.gitedge.store.MirrorState;
import io.gitedge.store.MirrorStore;
import io.gitedge.store.SyncResult;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Freshness on read: what a read does before it is served.
 *
 * <ul>
 *   <li>Before a ref advertisement, a mirror with a {@link SyncPlan#freshness()} bound whose last
 *       successful sync is older than the bound syncs first: one ref listing (and a fetch only if
 *       the refs differ), shared by every client asking meanwhile, waited for at most
 *       {@code readWait}. A mirror backing off after failures is not retried by reads.
 *   <li>A fetch wanting objects the mirror lacks (pushed a moment ago, a submodule's pinned
 *       commit) waits, at most {@code readWait}, for a sync that starts after it asked.
 *   <li>Whatever happened, the read is served from what the mirror has, with its
 *       {@link MirrorAge}: stale, with a reason, when it could not be brought level.
 * </ul>
 *
 * Thread-safe.
 */
public final class ReadFreshness {
  private static final Logger log = LoggerFactory.getLogger(ReadFreshness.class);

  private final SyncScheduler scheduler;
  private final MirrorStore store;
  private final Duration readWait;
  private final Clock clock;

  public ReadFreshness(SyncScheduler scheduler, MirrorStore store, Duration readWait,
      Clock clock) {
    this.scheduler = scheduler;
    this.store = store;
    this.readWait = readWait;
    this.clock = clock;
  }

  /** Brings the mirror level first if its freshness bound passed; says how old it is. */
  public MirrorAge beforeAdvertisement(SyncPlan plan) {
    if (plan.freshness().isEmpty()) {
      return age(plan);
    }
    Instant now = clock.instant();
    Optional<Instant> last = store.state(plan.name()).flatMap(MirrorState::lastSuccess);
    if (last.isPresent() && last.get().plus(plan.freshness().get()).isAfter(now)) {
      return age(plan);
    }
    if (scheduler.schedule(plan.name()).backingOff(now)) {
      return age(plan);
    }
    return await(plan, scheduler.currentOrNewSync(plan.name(), Trigger.READ));
  }

  /**
   * A fetch wants objects the mirror lacks: waits for a sync that starts after this call.
   *
   * @return the mirror's age after the wait
   */
  public MirrorAge awaitNewerSync(SyncPlan plan) {
    return await(plan, scheduler.requestSync(plan.name(), Trigger.READ));
  }

  /**
   * Waits, at most {@code readWait}, for the sync of the mirror that is running or queued now
   * (a webhook's, say), for a read that did not find what it asked for: a version pushed a
   * moment ago. Starts none.
   *
   * @return whether there was a sync to wait for
   */
  public boolean awaitSyncInFlight(SyncPlan plan) {
    MirrorSchedule s = scheduler.schedule(plan.name());
    if (s.pending()) {
      await(plan, scheduler.requestSync(plan.name(), Trigger.READ)); // joins the queued one
      return true;
    }
    if (s.running()) {
      await(plan, scheduler.currentOrNewSync(plan.name(), Trigger.READ));
      return true;
    }
    return false;
  }

  private MirrorAge await(SyncPlan plan, CompletableFuture<SyncResult> sync) {
    try {
      sync.get(readWait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      log.info("{}: upstream did not answer within {}; serving the mirror as it is",
          plan.name(), readWait);
      return withReason(plan, "upstream slow");
    } catch (ExecutionException e) {
      log.warn("sync of {} for a read failed", plan.name(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return age(plan);
  }

  /** How old the mirror is, without asking the upstream. */
  public MirrorAge age(SyncPlan plan) {
    Optional<MirrorState> st = store.state(plan.name());
    Optional<String> reason = st.flatMap(s -> s.held() ? Optional.of("sync held for an operator")
        : s.lastError().map(ReadFreshness::reason));
    return new MirrorAge(plan.upstream().url(), st.flatMap(MirrorState::lastSuccess), reason,
        clock.instant());
  }

  private MirrorAge withReason(SyncPlan plan, String reason) {
    MirrorAge a = age(plan);
    return new MirrorAge(a.upstreamUrl(), a.lastSuccess(), Optional.of(reason), a.at());
  }

  /** A client-safe summary of a sync error (the error itself stays in the log and the API). */
  static String reason(String error) {
    String e = error.toLowerCase(Locale.ROOT);
    for (String unreachable : new String[] {"connection refused", "connect timed out",
        "timed out", "timeout", "unknownhost", "unknown host", "no route", "connection reset",
        "not found", "cannot open", "cannot list refs", "cannot reach", "unreachable"}) {
      if (e.contains(unreachable)) {
        return "upstream unreachable";
      }
    }
    return "last sync failed";
  }
}
