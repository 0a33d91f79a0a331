package io.gitedge.gateway.http;

import io.gitedge.store.MirrorState;
import io.gitedge.store.TagConflict;
import io.gitedge.sync.MirrorSchedule;
import io.gitedge.sync.SyncPlan;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One mirror's health as operators see it, in the admin API's JSON ({@link AdminApi}) and on the
 * status page ({@link StatusPage}): the one place its {@link #state} is decided. Immutable.
 *
 * @param upstream the upstream URL for display: never with credentials ({@link #displayUrl})
 * @param ageSeconds whole seconds since the last success; empty before the first
 */
record MirrorStatus(String name, String upstream, String state, Optional<Instant> lastSuccess,
    Optional<Instant> lastAttempt, Optional<Long> ageSeconds, Optional<String> lastError,
    boolean held, List<TagConflict> tagConflicts, boolean syncing, int consecutiveFailures,
    Optional<Instant> nextSync, Duration interval) {
  static final String NEW = "new";
  static final String OK = "ok";
  static final String SYNCING = "syncing";
  static final String HELD = "held";
  static final String FAILING = "failing";

  /** Where {@code plan}'s mirror stands at {@code now}. */
  static MirrorStatus of(SyncPlan plan, Optional<MirrorState> state, MirrorSchedule schedule,
      Instant now) {
    Optional<Instant> last = state.flatMap(MirrorState::lastSuccess);
    return new MirrorStatus(plan.name().value(), displayUrl(plan.upstream().url()),
        state(state, schedule), last, state.flatMap(MirrorState::lastAttempt),
        last.map(t -> Math.max(0, now.getEpochSecond() - t.getEpochSecond())),
        state.flatMap(MirrorState::lastError), state.map(MirrorState::held).orElse(false),
        state.map(MirrorState::tagConflicts).orElse(List.of()), schedule.running(),
        schedule.consecutiveFailures(), schedule.nextSync(), plan.interval());
  }

  /**
   * {@value #SYNCING} while a sync runs, {@value #NEW} before the first success,
   * {@value #HELD} when the last sync waits for an operator, {@value #FAILING} after a failed
   * one, else {@value #OK}.
   */
  static String state(Optional<MirrorState> state, MirrorSchedule schedule) {
    if (schedule.running()) {
      return SYNCING;
    }
    if (state.isEmpty() || state.get().lastSuccess().isEmpty()
        && state.get().lastError().isEmpty()) {
      return NEW;
    }
    if (state.get().held()) {
      return HELD;
    }
    return state.get().lastError().isPresent() ? FAILING : OK;
  }

  /**
   * {@code url} as it may be shown to people: a password in it is dropped, and so is an
   * {@code http(s)} URL's user name (the config refuses both, so this only guards the page
   * against a URL that came another way); an {@code ssh://} user name and the
   * {@code user@host:path} form stay, they name no secret.
   */
  static String displayUrl(String url) {
    try {
      URI u = new URI(url);
      String info = u.getRawUserInfo();
      if (u.getScheme() == null || info == null) {
        return url;
      }
      String kept = "ssh".equals(u.getScheme()) && !info.contains(":") ? info + "@" : "";
      int at = u.getRawAuthority().lastIndexOf('@');
      String rest = url.substring(url.indexOf(u.getRawAuthority()) + at + 1);
      return u.getScheme() + "://" + kept + rest;
    } catch (URISyntaxException e) {
      // not a URI (user@host:path): no password can be in it
      return url;
    }
  }
}
