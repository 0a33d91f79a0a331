package io.gitedge.store;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What one sync did. A {@link Outcome#FAILED} or {@link Outcome#HELD} sync changed no ref; its
 * {@code error} says why. Immutable.
 *
 * @param newTagConflicts tags this sync found moved or deleted upstream for the first time (the
 *     mirror kept them)
 * @param tamperDetected the mirror's refs were not as the last successful sync left them: they
 *     were changed outside a sync (by hand, or by damage); the sync put the upstream's back
 */
public record SyncResult(MirrorName name, Outcome outcome, List<RefChange> changes,
    List<TagConflict> newTagConflicts, Duration duration, Optional<String> error,
    boolean tamperDetected) {
  /** How a sync ended. */
  public enum Outcome {
    /** The mirror did not exist and now does. */
    CREATED,
    /** Refs changed. */
    UPDATED,
    /** The upstream had nothing new (or nothing the policy lets in). */
    UNCHANGED,
    /** Nothing changed: the upstream would have deleted more than half the refs. */
    HELD,
    /** Nothing changed because the sync failed. */
    FAILED;

    /** Whether a sync that ended so brought the mirror level with its upstream. */
    public boolean succeeded() {
      return this == CREATED || this == UPDATED || this == UNCHANGED;
    }
  }

  public SyncResult {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(outcome, "outcome");
    changes = List.copyOf(changes);
    newTagConflicts = List.copyOf(newTagConflicts);
    Objects.requireNonNull(duration, "duration");
    Objects.requireNonNull(error, "error");
  }

  public boolean succeeded() {
    return outcome.succeeded();
  }
}
