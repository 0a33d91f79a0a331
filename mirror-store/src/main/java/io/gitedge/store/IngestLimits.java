package io.gitedge.store;

/**
 * What a sync lets in from an upstream, so a broken or hostile one cannot corrupt a mirror or
 * exhaust the disk or heap. Immutable.
 *
 * @param maxObjects objects one fetch may bring; a pack declaring more is refused before it is
 *     read
 * @param maxBytes total uncompressed size of the objects one fetch may bring
 * @param checkObjects check every object on the way in, as {@code git fetch} with
 *     {@code fetch.fsckObjects} does: malformed commits, trees and tags fail the sync (the
 *     findings git only warns about, such as zero-padded file modes, are let through, except
 *     tree entries named {@code .}, {@code ..} or {@code .git}); so does a {@code .gitmodules}
 *     git's fsck rejects, such as one with a URL starting with {@code -}
 */
public record IngestLimits(long maxObjects, long maxBytes, boolean checkObjects) {
  /** 25 million objects, 32 GiB, objects checked. */
  public static final IngestLimits DEFAULT = new IngestLimits(25_000_000L, 32L << 30, true);

  public IngestLimits {
    if (maxObjects < 1) {
      throw new IllegalArgumentException("maxObjects must be at least 1, got " + maxObjects);
    }
    if (maxBytes < 1) {
      throw new IllegalArgumentException("maxBytes must be at least 1, got " + maxBytes);
    }
  }
}
