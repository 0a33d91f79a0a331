package io.gitedge.store;

import java.util.Objects;

/**
 * How a mirror treats what its upstream does. Immutable.
 *
 * @param tags what happens when the upstream moves or deletes a tag the mirror already has
 */
public record MirrorPolicy(TagPolicy tags) {
  /** Immutable tags: the policy a module proxy needs, so one version always means one commit. */
  public static final MirrorPolicy DEFAULT = new MirrorPolicy(TagPolicy.IMMUTABLE);

  public MirrorPolicy {
    Objects.requireNonNull(tags, "tags");
  }

  /** What a mirror does with a tag the upstream moved or deleted. */
  public enum TagPolicy {
    /**
     * Keep the tag at the commit it first had here and record a {@link TagConflict}; branches
     * still follow force pushes and deletions.
     */
    IMMUTABLE,
    /** Move and delete tags as the upstream does. */
    FOLLOW
  }
}
