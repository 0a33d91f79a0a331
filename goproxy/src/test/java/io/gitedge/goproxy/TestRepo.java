package io.gitedge.goproxy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheBuilder;
import org.eclipse.jgit.dircache.DirCacheEntry;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.TagBuilder;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;

/**
 * A bare repository built commit by commit with fixed times, so that hashes (and so
 * pseudo-versions) are the same on every run. Each commit's tree is exactly the files given.
 */
final class TestRepo implements AutoCloseable {
  /** A tree entry other than a plain file. */
  record Entry(FileMode mode, byte[] content, ObjectId id) {}

  private final Repository repository;

  private TestRepo(Repository repository) {
    this.repository = repository;
  }

  static TestRepo create(Path dir) throws IOException {
    Repository r = new FileRepositoryBuilder().setGitDir(dir.toFile()).setBare().build();
    r.create(true);
    return new TestRepo(r);
  }

  Repository repository() {
    return repository;
  }

  static Entry executable(String content) {
    return new Entry(FileMode.EXECUTABLE_FILE, content.getBytes(StandardCharsets.UTF_8), null);
  }

  static Entry symlink(String target) {
    return new Entry(FileMode.SYMLINK, target.getBytes(StandardCharsets.UTF_8), null);
  }

  static Entry gitlink(String commitHex) {
    return new Entry(FileMode.GITLINK, null, ObjectId.fromString(commitHex));
  }

  /** A commit on {@code branch} (after its tip, if any) at {@code time} (UTC). */
  ObjectId commit(String branch, String time, Map<String, ?> files) throws IOException {
    Ref tip = repository.exactRef(Constants.R_HEADS + branch);
    ObjectId parent = tip == null ? null : tip.getObjectId();
    return commit(branch, Instant.parse(time), ZoneOffset.UTC, files, parent);
  }

  /** A commit with the given parent (none for {@code null}), moving {@code branch} to it. */
  ObjectId commit(String branch, Instant time, ZoneId zone, Map<String, ?> files,
      ObjectId parent) throws IOException {
    try (ObjectInserter ins = repository.newObjectInserter()) {
      DirCache index = DirCache.newInCore();
      DirCacheBuilder builder = index.builder();
      for (Map.Entry<String, ?> f : files.entrySet()) {
        DirCacheEntry e = new DirCacheEntry(f.getKey());
        if (f.getValue() instanceof Entry special) {
          e.setFileMode(special.mode());
          e.setObjectId(special.id() != null ? special.id()
              : ins.insert(Constants.OBJ_BLOB, special.content()));
        } else {
          e.setFileMode(FileMode.REGULAR_FILE);
          e.setObjectId(ins.insert(Constants.OBJ_BLOB,
              ((String) f.getValue()).getBytes(StandardCharsets.UTF_8)));
        }
        builder.add(e);
      }
      builder.finish();
      CommitBuilder c = new CommitBuilder();
      c.setTreeId(index.writeTree(ins));
      PersonIdent who = new PersonIdent("Dev", "dev@example.com", time, zone);
      c.setAuthor(who);
      c.setCommitter(who);
      c.setMessage("commit at " + time + "\n");
      if (parent != null) {
        c.setParentId(parent);
      }
      ObjectId id = ins.insert(c);
      ins.flush();
      update(Constants.R_HEADS + branch, id);
      return id;
    }
  }

  void tag(String name, ObjectId target) throws IOException {
    update(Constants.R_TAGS + name, target);
  }

  void annotatedTag(String name, ObjectId target) throws IOException {
    try (ObjectInserter ins = repository.newObjectInserter()) {
      TagBuilder t = new TagBuilder();
      t.setTag(name);
      t.setObjectId(target, Constants.OBJ_COMMIT);
      t.setTagger(new PersonIdent("Dev", "dev@example.com", Instant.parse("2030-01-01T00:00:00Z"),
          ZoneOffset.UTC));
      t.setMessage("release " + name + "\n");
      ObjectId id = ins.insert(t);
      ins.flush();
      update(Constants.R_TAGS + name, id);
    }
  }

  /** Points {@code HEAD} at {@code refs/heads/<branch>} (which may not exist). */
  void head(String branch) throws IOException {
    RefUpdate u = repository.updateRef(Constants.HEAD);
    u.disableRefLog();
    u.link(Constants.R_HEADS + branch);
  }

  private void update(String ref, ObjectId id) throws IOException {
    RefUpdate u = repository.updateRef(ref);
    u.setNewObjectId(id);
    u.setForceUpdate(true);
    u.disableRefLog();
    RefUpdate.Result r = u.update();
    if (r != RefUpdate.Result.NEW && r != RefUpdate.Result.FORCED
        && r != RefUpdate.Result.NO_CHANGE && r != RefUpdate.Result.FAST_FORWARD) {
      throw new IOException("cannot update " + ref + ": " + r);
    }
  }

  @Override
  public void close() {
    repository.close();
  }
}
