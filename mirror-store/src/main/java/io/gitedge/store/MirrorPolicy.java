package io.gitedge.store;

import java.util.Objects;

/**
 * How a mirror treats what its upstream does. Immutable.
 *
 * @param tags what happens when the upstream moves or deletes a tag the mirror already has
 * @param newTagsFromFleet under immutable tags, create only the new tags the fleet announced
 *     ({@link TagPins}), at the fleet's commits: for a sync another region's event asked for, so
 *     that a region following events cannot take a tag the upstream moved after the announcing
 *     region mirrored it. Other new tags come with the next sync that is not such a sync
 */
public record MirrorPolicy(TagPolicy tags, boolean newTagsFromFleet) {
  /** Immutable tags: the policy a module proxy needs, so one version always means one commit. */
  public static final MirrorPolicy DEFAULT = new MirrorPolicy(TagPolicy.IMMUTABLE);

  public MirrorPolicy {
    Objects.requireNonNull(tags, "tags");
  }

  public MirrorPolicy(TagPolicy tags) {
    this(tags, false);
  }

  /** This policy for a sync another region's event asked for. */
  public MirrorPolicy followingFleet() {
    return new MirrorPolicy(tags, true);
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
