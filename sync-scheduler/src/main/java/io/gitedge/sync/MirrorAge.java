package io.gitedge.sync;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * How old what a read is served from is: when the mirror last synced, and, when it could not be
 * brought level just now, why. Immutable.
 *
 * @param upstreamUrl the upstream the mirror follows
 * @param lastSuccess the last successful sync, if any
 * @param staleReason why the mirror may be behind its upstream ("upstream unreachable",
 *     "upstream slow", ...); empty when it is as fresh as its policy asks
 * @param at when this was worked out
 */
public record MirrorAge(String upstreamUrl, Optional<Instant> lastSuccess,
    Optional<String> staleReason, Instant at) {
  public MirrorAge {
    Objects.requireNonNull(upstreamUrl, "upstreamUrl");
    Objects.requireNonNull(lastSuccess, "lastSuccess");
    Objects.requireNonNull(staleReason, "staleReason");
    Objects.requireNonNull(at, "at");
  }

  /** Time since the last successful sync. */
  public Optional<Duration> age() {
    return lastSuccess.map(t -> t.isAfter(at) ? Duration.ZERO : Duration.between(t, at));
  }

  public boolean stale() {
    return staleReason.isPresent();
  }

  /**
   * The line a client is shown when the mirror is stale:
   * {@code gitedge: mirror of <upstream> last synced 3m12s ago (upstream unreachable)}.
   */
  public String notice() {
    String when = age().map(d -> "last synced " + format(d) + " ago").orElse("never synced");
    return "gitedge: mirror of " + upstreamUrl + " " + when
        + staleReason.map(r -> " (" + r + ")").orElse("");
  }

  /** {@code 45s}, {@code 3m12s}, {@code 2h5m}, {@code 4d3h}: the two largest units, for people. */
  public static String format(Duration d) {
    long s = Math.max(0, d.toSeconds());
    long[] sizes = {86_400, 3_600, 60, 1};
    String[] units = {"d", "h", "m", "s"};
    for (int i = 0; i < 3; i++) {
      if (s >= sizes[i]) {
        long major = s / sizes[i];
        long minor = s % sizes[i] / sizes[i + 1];
        return major + units[i] + (minor > 0 ? minor + units[i + 1] : "");
      }
    }
    return s + "s";
  }
}
