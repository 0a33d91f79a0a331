package io.gitedge.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;

/**
 * A mirror's branches and tags at one moment, and their digest: the one definition of "the same
 * refs" that regions, the upstream and outside tools compare. Immutable.
 *
 * <p><b>The digest</b>, exactly: the lowercase hex SHA-256 of the UTF-8 text made of one line
 * {@code <id> <refname>\n} per ref under {@code refs/heads/} and {@code refs/tags/}, where
 * {@code <id>} is the 40 lowercase hex digits the ref itself holds (an annotated tag's tag
 * object, not the commit it peels to), sorted by refname in byte order. No other ref counts (not
 * {@code HEAD}, not {@code refs/pull/*}); no refs at all give the SHA-256 of nothing. That is what
 * C git prints, so anyone can recompute it from a copy of the mirror:
 *
 * <pre>
 * git for-each-ref --format='%(objectname) %(refname)' refs/heads refs/tags | sha256sum
 * </pre>
 *
 * Two mirrors have the same digest exactly when they have the same branches and tags at the same
 * objects.
 *
 * @param ids every branch and tag, by full name ({@code refs/heads/main}), to its object id in
 *     hex, in byte order of the names
 */
public record MirrorRefs(SortedMap<String, String> ids) {
  /** Byte order of the UTF-8 names, as git sorts refs (not Java's UTF-16 order). */
  public static final Comparator<String> GIT_ORDER = (a, b) -> Arrays.compareUnsigned(
      a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));

  /**
   * @throws IllegalArgumentException for a name outside {@code refs/heads/} and
   *     {@code refs/tags/}, or an id that is not 40 lowercase hex digits
   */
  public MirrorRefs {
    TreeMap<String, String> copy = new TreeMap<>(GIT_ORDER);
    for (Map.Entry<String, String> e : ids.entrySet()) {
      String name = Objects.requireNonNull(e.getKey(), "ref name");
      String id = Objects.requireNonNull(e.getValue(), name);
      if (!isBranchOrTag(name)) {
        throw new IllegalArgumentException("not a branch or tag: " + name);
      }
      if (!id.matches("[0-9a-f]{40}")) {
        throw new IllegalArgumentException(name + ": not an object id: " + id);
      }
      copy.put(name, id);
    }
    ids = Collections.unmodifiableSortedMap(copy);
  }

  /** {@code ids} as they are (names and ids checked as in the constructor). */
  public static MirrorRefs of(Map<String, String> ids) {
    return new MirrorRefs(new TreeMap<>(ids));
  }

  /** The branches and tags of {@code repository} now. */
  static MirrorRefs read(Repository repository) throws IOException {
    SortedMap<String, String> ids = new TreeMap<>(GIT_ORDER);
    for (Ref r : repository.getRefDatabase().getRefsByPrefix(Constants.R_HEADS,
        Constants.R_TAGS)) {
      ObjectId id = r.getObjectId();
      if (id != null) {
        ids.put(r.getName(), id.name());
      }
    }
    return new MirrorRefs(ids);
  }

  /** Whether {@code ref} is a branch or a tag: what is mirrored, and what the digest covers. */
  public static boolean isBranchOrTag(String ref) {
    return ref.startsWith(Constants.R_HEADS) || ref.startsWith(Constants.R_TAGS);
  }

  /** The digest defined above. */
  public String digest() {
    MessageDigest sha256;
    try {
      sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
    for (Map.Entry<String, String> e : ids.entrySet()) {
      sha256.update((e.getValue() + " " + e.getKey() + "\n").getBytes(StandardCharsets.UTF_8));
    }
    return HexFormat.of().formatHex(sha256.digest());
  }

  /** How many branches and tags there are. */
  public int count() {
    return ids.size();
  }
}
