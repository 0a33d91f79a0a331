package io.gitedge.gateway.packcache;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefDatabase;
import org.eclipse.jgit.lib.Repository;

/**
 * A mirror's refs at one moment, as upload-pack would advertise them (every ref the
 * {@link RefDatabase} lists, {@code HEAD} included; GitEdge hides none): a SHA-256 over each
 * name, symbolic target and object id, and the set of ids a client may want without a
 * reachability check. Two snapshots with equal digests hold the same refs. Immutable once made.
 */
final class RefsSnapshot {
  private final RefDatabase refDb;
  private final List<Ref> refs;
  private final byte[] digest;
  private final Set<ObjectId> tips = new HashSet<>();

  private RefsSnapshot(RefDatabase refDb, List<Ref> refs, byte[] digest) {
    this.refDb = refDb;
    this.refs = refs;
    this.digest = digest;
    for (Ref r : refs) {
      if (r.getObjectId() != null) {
        tips.add(r.getObjectId());
      }
      if (r.getPeeledObjectId() != null) {
        tips.add(r.getPeeledObjectId());
      }
    }
  }

  static RefsSnapshot of(Repository repo) throws IOException {
    RefDatabase db = repo.getRefDatabase();
    List<Ref> refs = db.getRefs().stream().sorted(Comparator.comparing(Ref::getName)).toList();
    MessageDigest md = sha256();
    for (Ref r : refs) {
      md.update(r.getName().getBytes(StandardCharsets.UTF_8));
      if (r.isSymbolic()) {
        md.update((byte) 1);
        md.update(r.getTarget().getName().getBytes(StandardCharsets.UTF_8));
      }
      md.update((byte) 0);
      md.update((r.getObjectId() == null ? "unborn" : r.getObjectId().name())
          .getBytes(StandardCharsets.US_ASCII));
      md.update((byte) '\n');
    }
    return new RefsSnapshot(db, refs, md.digest());
  }

  byte[] digest() {
    return digest.clone();
  }

  boolean sameRefs(RefsSnapshot other) {
    return MessageDigest.isEqual(digest, other.digest);
  }

  /**
   * Whether every one of {@code wants} is the id of a ref, or of what an annotated tag points
   * to: what upload-pack accepts without walking history. Loose tags are peeled only if a want
   * is not found among the plain ids.
   */
  boolean advertises(Collection<ObjectId> wants) throws IOException {
    if (tips.containsAll(wants)) {
      return true;
    }
    Set<ObjectId> peeled = new HashSet<>(tips);
    for (Ref r : refs) {
      if (!r.isPeeled() && r.getObjectId() != null) {
        ObjectId p = refDb.peel(r).getPeeledObjectId();
        if (p != null) {
          peeled.add(p);
        }
      }
    }
    return peeled.containsAll(wants);
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  @Override
  public String toString() {
    return "RefsSnapshot[" + refs.size() + " refs, " + Arrays.hashCode(digest) + "]";
  }
}
