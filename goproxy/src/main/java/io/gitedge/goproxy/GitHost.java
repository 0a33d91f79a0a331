package io.gitedge.goproxy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.lib.AbbreviatedObjectId;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectLoader;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefDatabase;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevObject;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * A Git repository as the go command's {@code codehost/git.go} sees its remote, read from a
 * snapshot of the refs taken when this is opened: the branches ({@code refs/heads/}), the tags
 * ({@code refs/tags/}, annotated ones peeled) and {@code HEAD}, as {@code git ls-remote} lists
 * them, and the history reachable from branches and tags, which is all the go command ever
 * fetches. Not thread-safe: open one per request.
 */
final class GitHost implements AutoCloseable {
  /**
   * The most commits one history walk visits (finding a commit by hash, a pseudo-version's base
   * tag, the latest tag below a commit) before giving up with an {@link IOException}.
   */
  static final int HISTORY_LIMIT = 1_000_000;

  /** {@code minHashDigits}: shorter hex strings are not taken for commit hashes. */
  private static final int MIN_HASH_DIGITS = 7;

  /** Git's (and Go's) order of names: by their UTF-8 bytes. */
  static final Comparator<String> BYTE_ORDER = (a, b) -> {
    byte[] x = a.getBytes(StandardCharsets.UTF_8);
    byte[] y = b.getBytes(StandardCharsets.UTF_8);
    return java.util.Arrays.compareUnsigned(x, y);
  };

  /**
   * What {@code codehost.Repo.Stat} reports of a revision.
   *
   * @param name the commit
   * @param time its committer time
   * @param version the tag the revision was named by, else the commit's full hash
   * @param tags the tags pointing at the commit, in byte order
   */
  record RevInfo(ObjectId name, Instant time, String version, List<String> tags) {
    /** {@code Short}: the hash's first 12 digits. */
    String shortName() {
      return name.name().substring(0, 12);
    }
  }

  private final Repository repository;
  private final ObjectReader reader;
  private final TreeMap<String, ObjectId> tags = new TreeMap<>(BYTE_ORDER);
  private final Map<String, ObjectId> heads = new HashMap<>();
  private final ObjectId head;
  private final int historyLimit;
  private final Map<String, Object> statCache = new HashMap<>();
  private final Map<String, List<String>> versionLists = new HashMap<>();
  private Map<ObjectId, List<String>> tagsByCommit;

  private GitHost(Repository repository, int historyLimit) throws IOException {
    this.repository = repository;
    this.historyLimit = historyLimit;
    this.reader = repository.newObjectReader();
    RefDatabase refs = repository.getRefDatabase();
    for (Ref ref : refs.getRefsByPrefix(Constants.R_TAGS)) {
      ObjectId id = peeled(refs, ref);
      if (id != null) {
        tags.put(ref.getName().substring(Constants.R_TAGS.length()), id);
      }
    }
    for (Ref ref : refs.getRefsByPrefix(Constants.R_HEADS)) {
      ObjectId id = peeled(refs, ref);
      if (id != null) {
        heads.put(ref.getName().substring(Constants.R_HEADS.length()), id);
      }
    }
    Ref h = refs.exactRef(Constants.HEAD);
    this.head = h == null ? null : peeled(refs, h);
  }

  /** Snapshots {@code repository}'s refs. */
  static GitHost open(Repository repository) throws IOException {
    return new GitHost(repository, HISTORY_LIMIT);
  }

  /** Snapshots {@code repository}'s refs; history walks stop after {@code historyLimit}. */
  static GitHost open(Repository repository, int historyLimit) throws IOException {
    return new GitHost(repository, historyLimit);
  }

  /**
   * The version list of a module computed earlier on this snapshot, or {@code null}: the
   * go command lists a module's versions once per run too ({@code cachingRepo}).
   */
  List<String> versionList(String modulePath) {
    return versionLists.get(modulePath);
  }

  void rememberVersionList(String modulePath, List<String> versions) {
    versionLists.put(modulePath, List.copyOf(versions));
  }

  private static ObjectId peeled(RefDatabase refs, Ref ref) throws IOException {
    if (ref.getObjectId() == null) {
      return null;
    }
    Ref p = refs.peel(ref);
    return p.getPeeledObjectId() != null ? p.getPeeledObjectId() : p.getObjectId();
  }

  @Override
  public void close() {
    reader.close();
  }

  Repository repository() {
    return repository;
  }

  /** {@code Tags(prefix)}: the tags whose names start with {@code prefix}, in byte order. */
  List<String> tags(String prefix) {
    List<String> out = new ArrayList<>();
    for (String t : tags.tailMap(prefix, true).keySet()) {
      if (!t.startsWith(prefix)) {
        break;
      }
      out.add(t);
    }
    return out;
  }

  /** What a tag points at, peeled. */
  ObjectId tag(String name) {
    return tags.get(name);
  }

  /** {@code Latest}: the commit {@code HEAD} names. */
  RevInfo latest() throws GoError, IOException {
    if (head == null) {
      throw GoError.notExist("no commits");
    }
    return stat(head.name());
  }

  /**
   * {@code Stat(rev)}: a tag, else a branch, else {@code HEAD}, else a hash of at least 7 lower
   * case hex digits: of a branch's, tag's or HEAD's commit, else of a commit in the history of
   * the branches and tags. A tag keeps its name as the version.
   */
  RevInfo stat(String rev) throws GoError, IOException {
    Object cached = statCache.get(rev);
    if (cached == null) {
      try {
        cached = statUncached(rev);
      } catch (GoError e) {
        cached = e;
      }
      statCache.put(rev, cached);
    }
    if (cached instanceof GoError e) {
      throw e;
    }
    return (RevInfo) cached;
  }

  private RevInfo statUncached(String rev) throws GoError, IOException {
    ObjectId id;
    String refName;
    if (tags.containsKey(rev)) {
      return describe(tags.get(rev), rev, Constants.R_TAGS + rev);
    } else if (heads.containsKey(rev)) {
      id = heads.get(rev);
      refName = Constants.R_HEADS + rev;
    } else if (rev.equals(Constants.HEAD) && head != null) {
      id = head;
      refName = rev;
    } else if (isHash(rev)) {
      Set<ObjectId> atRefs = new HashSet<>();
      for (ObjectId r : refTips()) {
        if (r.name().startsWith(rev)) {
          atRefs.add(r);
        }
      }
      if (atRefs.size() > 1) {
        throw GoError.other("ambiguous revision " + rev);
      }
      id = atRefs.isEmpty() ? inHistory(rev) : atRefs.iterator().next();
      refName = rev;
    } else {
      throw unknown(rev);
    }
    return describe(id, id.name(), refName);
  }

  private static GoError unknown(String rev) {
    return GoError.notExist("unknown revision " + rev);
  }

  /** {@code AllHex} with the length go accepts for a hash. */
  private static boolean isHash(String rev) {
    if (rev.length() < MIN_HASH_DIGITS || rev.length() > Constants.OBJECT_ID_STRING_LENGTH) {
      return false;
    }
    for (int i = 0; i < rev.length(); i++) {
      char c = rev.charAt(i);
      if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
        return false;
      }
    }
    return true;
  }

  private Collection<ObjectId> refTips() {
    Set<ObjectId> tips = new LinkedHashSet<>(tags.values());
    tips.addAll(heads.values());
    if (head != null) {
      tips.add(head);
    }
    return tips;
  }

  /** A commit by (abbreviated) hash, if it is in the history of the branches and tags. */
  private ObjectId inHistory(String hex) throws GoError, IOException {
    Set<ObjectId> commits = new HashSet<>();
    try (RevWalk walk = new RevWalk(reader)) {
      for (ObjectId id : reader.resolve(AbbreviatedObjectId.fromString(hex))) {
        if (walk.parseAny(id) instanceof RevCommit) {
          commits.add(id.copy());
        }
      }
    }
    if (commits.isEmpty()) {
      throw unknown(hex);
    }
    List<ObjectId> roots = new ArrayList<>(tags.values());
    roots.addAll(heads.values());
    Set<ObjectId> reachable = reached(roots, commits);
    if (reachable.size() != 1) {
      // None is fetched by the go command, or git finds the short hash ambiguous.
      throw unknown(hex);
    }
    return reachable.iterator().next();
  }

  /** {@code statLocal}: the commit's hash, time and tags; {@code version} if one of its tags. */
  private RevInfo describe(ObjectId id, String version, String refName)
      throws GoError, IOException {
    RevCommit commit;
    try (RevWalk walk = new RevWalk(reader)) {
      RevObject o = walk.parseAny(id);
      if (!(o instanceof RevCommit c)) {
        throw unknown(refName);
      }
      commit = c;
    } catch (MissingObjectException e) {
      throw unknown(refName);
    }
    List<String> at = tagsAt(commit);
    PersonIdent committer = commit.getCommitterIdent();
    Instant time = committer != null ? committer.getWhenAsInstant()
        : Instant.ofEpochSecond(commit.getCommitTime());
    return new RevInfo(commit.copy(), time, at.contains(version) ? version : commit.name(), at);
  }

  /** The tags pointing at a commit ({@code %D} of {@code git log}), in byte order. */
  List<String> tagsAt(ObjectId commit) {
    if (tagsByCommit == null) {
      tagsByCommit = new HashMap<>();
      for (Map.Entry<String, ObjectId> t : tags.entrySet()) {
        tagsByCommit.computeIfAbsent(t.getValue(), k -> new ArrayList<>()).add(t.getKey());
      }
    }
    return List.copyOf(tagsByCommit.getOrDefault(commit, List.of()));
  }

  /**
   * {@code git cat-file blob <commit>:<path>}: the blob at {@code path} (a file, executable or
   * symbolic link), empty when there is none.
   *
   * @throws TooLarge when the blob is larger than {@code max} (it is not read)
   */
  Optional<byte[]> readFile(ObjectId commit, String path, long max) throws IOException {
    Optional<ObjectId> blob = blobAt(commit, path);
    if (blob.isEmpty()) {
      return Optional.empty();
    }
    ObjectLoader loader = reader.open(blob.get(), Constants.OBJ_BLOB);
    if (loader.getSize() > max) {
      throw new TooLarge(path + " file too large (max size is " + max + " bytes)");
    }
    return Optional.of(loader.getCachedBytes((int) Math.min(max, Integer.MAX_VALUE - 8)));
  }

  /** A file past the size the go command reads of it ({@link ModuleZip#MAX_GO_MOD}, ...). */
  static final class TooLarge extends IOException {
    private static final long serialVersionUID = 1L;

    TooLarge(String message) {
      super(message);
    }
  }

  /** Whether there is a blob at {@code path}, as {@link #readFile} would find it. */
  boolean hasFile(ObjectId commit, String path) throws IOException {
    return blobAt(commit, path).isPresent();
  }

  private Optional<ObjectId> blobAt(ObjectId commit, String path) throws IOException {
    try (RevWalk walk = new RevWalk(reader)) {
      RevCommit c = walk.parseCommit(commit);
      try (TreeWalk tw = TreeWalk.forPath(reader, path, c.getTree())) {
        if (tw == null || tw.getFileMode(0).getObjectType() != Constants.OBJ_BLOB) {
          return Optional.empty();
        }
        return Optional.of(tw.getObjectId(0));
      }
    }
  }

  /** The commit's root tree, for listing its files. */
  ObjectId treeOf(ObjectId commit) throws IOException {
    try (RevWalk walk = new RevWalk(reader)) {
      return walk.parseCommit(commit).getTree().copy();
    }
  }

  ObjectReader reader() {
    return reader;
  }

  /**
   * {@code RecentTag}: of the tags named {@code prefix...} that {@code allowed} accepts and
   * that are {@code commit} or its ancestors ({@code git for-each-ref --merged}), the highest by
   * semver of the name without the prefix, the first in name order among equals; {@code ""} for
   * none.
   */
  String recentTag(ObjectId commit, String prefix, Predicate<String> allowed)
      throws IOException {
    Map<String, ObjectId> candidates = new java.util.LinkedHashMap<>();
    for (String t : tags(prefix)) {
      if (allowed.test(t)) {
        candidates.put(t, tags.get(t));
      }
    }
    if (candidates.isEmpty()) {
      return "";
    }
    Set<ObjectId> merged = reached(List.of(commit), new HashSet<>(candidates.values()));
    String highest = "";
    for (Map.Entry<String, ObjectId> c : candidates.entrySet()) {
      String semtag = c.getKey().substring(prefix.length());
      if (merged.contains(c.getValue()) && Semver.compare(semtag, highest) > 0) {
        highest = semtag;
      }
    }
    return highest.isEmpty() ? "" : prefix + highest;
  }

  /**
   * Which of {@code targets} are among the commits reachable from {@code starts} (themselves
   * included). Non-commits among the starts are skipped.
   *
   * @throws IOException when more commits than the history limit would have to be read
   */
  Set<ObjectId> reached(Collection<ObjectId> starts, Set<ObjectId> targets) throws IOException {
    Set<ObjectId> found = new HashSet<>();
    if (targets.isEmpty()) {
      return found;
    }
    try (RevWalk walk = new RevWalk(reader)) {
      walk.setRetainBody(false);
      for (ObjectId s : starts) {
        RevObject o;
        try {
          o = walk.peel(walk.parseAny(s));
        } catch (MissingObjectException e) {
          continue;
        }
        if (o instanceof RevCommit c) {
          walk.markStart(c);
        }
      }
      int seen = 0;
      for (RevCommit c = walk.next(); c != null; c = walk.next()) {
        if (++seen > historyLimit) {
          throw new IOException("history of " + repository.getIdentifier()
              + " is longer than " + historyLimit + " commits");
        }
        if (targets.contains(c)) {
          found.add(c.copy());
          if (found.size() == targets.size()) {
            break;
          }
        }
      }
    }
    return found;
  }
}
