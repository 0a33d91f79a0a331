package io.gitedge.gateway.fleet;

import java.io.IOException;
import org.eclipse.jgit.errors.IncorrectObjectTypeException;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What this region's mirror knows of two commits of a branch: whether it has there's commit at
 * all, and if so which contains the other ({@link RevWalk#isMergedInto}). Reads only; thread-safe
 * (each call walks with its own reader).
 */
public final class MirrorAncestry implements Ancestry {
  private static final Logger log = LoggerFactory.getLogger(MirrorAncestry.class);

  private final Repository repository;

  /** @param repository the mirror here; shared, not closed by this */
  public MirrorAncestry(Repository repository) {
    this.repository = repository;
  }

  @Override
  public Relation relate(String here, String there) {
    ObjectId h;
    ObjectId t;
    try {
      h = ObjectId.fromString(here);
      t = ObjectId.fromString(there);
    } catch (IllegalArgumentException e) {
      return Relation.UNKNOWN;
    }
    try (ObjectReader reader = repository.newObjectReader()) {
      if (!reader.has(t)) {
        return Relation.LACKS_THERE;
      }
      if (!reader.has(h)) {
        return Relation.UNKNOWN;
      }
      if (contains(reader, t, h)) {
        return Relation.ANCESTOR;
      }
      return contains(reader, h, t) ? Relation.DESCENDANT : Relation.UNRELATED;
    } catch (MissingObjectException | IncorrectObjectTypeException e) {
      // a branch on a non-commit, or history with holes (a shallow upstream): cannot walk it
      return Relation.UNKNOWN;
    } catch (IOException e) {
      log.warn("cannot compare {} and {} in {}: {}", here, there, repository.getDirectory(),
          e.toString());
      return Relation.UNKNOWN;
    }
  }

  /** Whether {@code tip}'s history contains {@code base}. */
  private static boolean contains(ObjectReader reader, ObjectId tip, ObjectId base)
      throws IOException {
    try (RevWalk walk = new RevWalk(reader)) {
      RevCommit b = walk.parseCommit(base);
      RevCommit t = walk.parseCommit(tip);
      return walk.isMergedInto(b, t);
    }
  }
}
