package io.gitedge.store;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What is known of a mirror's freshness, kept on disk beside it. Immutable.
 *
 * @param upstreamUrl the upstream it follows
 * @param lastSuccess when a sync last brought it level with the upstream
 * @param lastAttempt when a sync last ran
 * @param lastError why the latest attempt failed or was held; empty after a success
 * @param held whether the latest attempt was held back (it would have deleted most refs) rather
 *     than failed; an operator approves it with {@link MirrorStore#approveMassDelete}
 * @param tagConflicts tags the upstream moved or deleted that the mirror keeps
 * @param refsDigest the {@link MirrorRefs#digest()} of the mirror's branches and tags as the
 *     last successful sync left them: refs that differ from it at the next sync were changed
 *     by something else than a sync (a tampered or damaged mirror)
 */
public record MirrorState(String upstreamUrl, Optional<Instant> lastSuccess,
    Optional<Instant> lastAttempt, Optional<String> lastError, boolean held,
    List<TagConflict> tagConflicts, Optional<String> refsDigest) {
  public MirrorState {
    Objects.requireNonNull(upstreamUrl, "upstreamUrl");
    Objects.requireNonNull(lastSuccess, "lastSuccess");
    Objects.requireNonNull(lastAttempt, "lastAttempt");
    Objects.requireNonNull(lastError, "lastError");
    tagConflicts = List.copyOf(tagConflicts);
    Objects.requireNonNull(refsDigest, "refsDigest");
  }

  /** The state of a mirror nothing is known of yet. */
  static MirrorState none(String upstreamUrl) {
    return new MirrorState(upstreamUrl, Optional.empty(), Optional.empty(), Optional.empty(),
        false, List.of(), Optional.empty());
  }

  MirrorState succeeded(String url, Instant at, List<TagConflict> conflicts, String digest) {
    return new MirrorState(url, Optional.of(at), Optional.of(at), Optional.empty(), false,
        conflicts, Optional.of(digest));
  }

  MirrorState failed(String url, Instant at, String error, boolean isHeld) {
    return new MirrorState(url, lastSuccess, Optional.of(at), Optional.of(error), isHeld,
        tagConflicts, refsDigest);
  }
}
