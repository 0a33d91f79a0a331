package io.gitedge.store;

import java.time.Instant;
import java.util.Objects;

/**
 * A tag the upstream moved or deleted while the mirror keeps it (tags are immutable by default).
 * Object ids are hex; {@code upstreamId} is all zeros when the upstream deleted the tag. The
 * conflict lasts until the upstream's tag points back at {@code keptId}. Immutable.
 *
 * @param ref the tag, e.g. {@code refs/tags/v1.0.0}
 * @param keptId what the mirror serves: the object the tag had when first mirrored
 * @param upstreamId what the upstream's tag points at now
 * @param since when the mirror first saw the upstream's tag at {@code upstreamId}
 */
public record TagConflict(String ref, String keptId, String upstreamId, Instant since) {
  public TagConflict {
    Objects.requireNonNull(ref, "ref");
    Objects.requireNonNull(keptId, "keptId");
    Objects.requireNonNull(upstreamId, "upstreamId");
    Objects.requireNonNull(since, "since");
  }

  /** Whether the upstream deleted the tag (rather than moving it). */
  public boolean deletedUpstream() {
    return upstreamId.chars().allMatch(c -> c == '0');
  }
}
