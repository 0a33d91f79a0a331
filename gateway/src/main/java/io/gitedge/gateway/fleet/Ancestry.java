package io.gitedge.gateway.fleet;

/**
 * How two commits of one branch are related, as far as the comparing region's repository can
 * tell. Implementations must be thread-safe.
 */
@FunctionalInterface
public interface Ancestry {
  /** What is known of the branch's commit here and there. */
  enum Relation {
    /** Here's commit is an ancestor of there's: here has not caught up yet. */
    ANCESTOR,
    /** There's commit is an ancestor of here's: there has not caught up yet. */
    DESCENDANT,
    /** Both commits are known here and neither contains the other: a force push. */
    UNRELATED,
    /** There's commit is not in this repository: nothing to walk. */
    LACKS_THERE,
    /** Nothing could be looked at (no repository, or not commits). */
    UNKNOWN
  }

  /** Knows nothing: every pair is {@link Relation#UNKNOWN} (a comparison from outside). */
  Ancestry NONE = (here, there) -> Relation.UNKNOWN;

  /**
   * @param here the branch's object id (hex) in the comparing region
   * @param there the branch's object id (hex) in the other region
   */
  Relation relate(String here, String there);
}
