package io.gitedge.store;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What one sync did. A {@link Outcome#FAILED} sync changed no ref; its {@code error} says why.
 * Immutable.
 */
public record SyncResult(MirrorName name, Outcome outcome, List<RefChange> changes,
    Duration duration, Optional<String> error) {
  /** How a sync ended. */
  public enum Outcome {
    /** The mirror did not exist and now does. */
    CREATED,
    /** Refs changed. */
    UPDATED,
    /** The upstream had nothing new. */
    UNCHANGED,
    /** Nothing changed because the sync failed. */
    FAILED
  }

  public SyncResult {
    changes = List.copyOf(changes);
  }

  public boolean succeeded() {
    return outcome != Outcome.FAILED;
  }
}
