package io.gitedge.gateway.fleet;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * One thing a comparison found about a mirror in one region, seen from the comparing side
 * ("here": this region, or the upstream). Immutable.
 *
 * @param region the region compared with here (its URL when it could not be asked)
 * @param kind what was found
 * @param ref the branch or tag concerned, when the finding is about one, or
 *     {@code go:<module>@<version>} for a Go module zip
 * @param here here's object id for {@code ref} (a module zip's {@code h1:} hash), or for a whole
 *     mirror its refs digest; empty where here has none
 * @param there the same for {@code region}
 * @param detail one line for people, naming the regions, e.g.
 *     {@code us is behind eu (us lacks the tag; us synced 42s ago)}
 */
public record Finding(String region, Kind kind, Optional<String> ref, Optional<String> here,
    Optional<String> there, String detail) {
  public Finding {
    Objects.requireNonNull(region, "region");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(ref, "ref");
    Objects.requireNonNull(here, "here");
    Objects.requireNonNull(there, "there");
    Objects.requireNonNull(detail, "detail");
  }

  /** What a finding says; only {@link #DIVERGED} is something syncing will not heal. */
  public enum Kind {
    /** The same branches and tags (the same refs digest). */
    LEVEL,
    /** {@code region} is behind here for {@code ref}: lag, the next sync heals it. */
    BEHIND,
    /** {@code region} is ahead of here for {@code ref} (here is behind): lag. */
    AHEAD,
    /**
     * A tag on different objects (the same version, different code), or a Go module version
     * whose zips differ (the same version, a different {@code go.sum} line). Syncing never heals
     * it.
     */
    DIVERGED,
    /** The mirror exists on one side only, or on neither yet. */
    MISSING,
    /** {@code region} could not be asked. */
    UNREACHABLE,
    /**
     * The upstream moved or deleted a tag that {@code region} keeps ({@code tags: immutable}):
     * expected, and known to that region as a tag conflict. Only against the upstream.
     */
    CONFLICT;

    /** The name in JSON and in {@code gitedge verify}'s lines. */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }
}
