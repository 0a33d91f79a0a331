package io.gitedge.sync;

import java.time.Instant;
import java.util.Optional;

/**
 * Where one mirror stands with the scheduler, at the moment asked. Immutable.
 *
 * @param running whether a sync of it runs now
 * @param pending whether another waits behind it
 * @param consecutiveFailures failed (or held) syncs since the last success
 * @param nextSync when the timer next syncs it, if started
 */
public record MirrorSchedule(boolean running, boolean pending, int consecutiveFailures,
    Optional<Instant> nextSync) {
  /** Whether it is waiting out a backoff: the last sync failed and the retry is not due. */
  public boolean backingOff(Instant now) {
    return consecutiveFailures > 0 && nextSync.isPresent() && now.isBefore(nextSync.get());
  }
}
