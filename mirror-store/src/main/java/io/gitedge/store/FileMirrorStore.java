package io.gitedge.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.eclipse.jgit.lib.ConfigConstants;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.StoredConfig;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mirror store on a local file system.
 *
 * <h2>Layout</h2>
 * <pre>
 * root/
 *   .lock                          held (flock) while a process owns the store
 *   .incoming/&lt;uuid&gt;.git           a mirror being created; removed at startup if left over
 *   github.com/acme/lib.git/       a bare mirror
 *     gitedge-state.properties     upstream URL, last success, last error
 * </pre>
 *
 * <h2>Sync</h2>
 * A per-mirror lock admits one sync at a time (JGit's ref database tolerates only one writer per
 * repository). <b>Create</b>: init a bare repository in {@code .incoming}, fetch, point HEAD,
 * repack with a bitmap, write the state, then rename the folder into place, so a mirror exists
 * only when complete. <b>Update</b>: list the upstream's refs (one round trip); if they equal
 * ours, record the success and stop; else fetch, whose ref changes JGit applies as one atomic
 * batch (see {@link MirrorFetcher}), follow HEAD, maybe repack. Any failure leaves the refs as
 * they were and is recorded in the state.
 *
 * <h2>Serving</h2>
 * One JGit {@link Repository} per mirror is opened on first use and shared by readers and the
 * syncing thread until {@link #close()}; JGit rescans refs and packs when they change on disk.
 */
final class FileMirrorStore implements MirrorStore {
  private static final Logger log = LoggerFactory.getLogger(FileMirrorStore.class);
  private static final String INCOMING = ".incoming";

  private final Path root;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private final MirrorFetcher fetcher;
  private final Repacker repacker;
  private final Map<MirrorName, ReentrantLock> syncLocks = new ConcurrentHashMap<>();
  private final Map<MirrorName, Repository> repositories = new ConcurrentHashMap<>();
  private final Map<MirrorName, MirrorState> states = new ConcurrentHashMap<>();

  private FileMirrorStore(Path root, FileChannel lockChannel, FileLock lock, StoreConfig config) {
    this.root = root;
    this.lockChannel = lockChannel;
    this.lock = lock;
    this.fetcher = new MirrorFetcher(config.fetchTimeout());
    this.repacker = new Repacker(config.repackAfterPacks());
  }

  static FileMirrorStore open(StoreConfig config) throws IOException {
    Path root = Files.createDirectories(config.root()).toRealPath();
    FileChannel ch = FileChannel.open(root.resolve(".lock"), StandardOpenOption.CREATE,
        StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = ch.tryLock();
    } catch (java.nio.channels.OverlappingFileLockException e) {
      lock = null; // this process already holds it, through another store
    } catch (IOException e) {
      ch.close();
      throw e;
    }
    if (lock == null) {
      ch.close();
      throw new IOException("mirror folder " + root + " is in use by another gitedge process;"
          + " give each gateway its own dataDir");
    }
    deleteRecursively(root.resolve(INCOMING));
    Files.createDirectories(root.resolve(INCOMING));
    removeLeftovers(root);
    return new FileMirrorStore(root, ch, lock, config);
  }

  @Override
  public Optional<Mirror> find(MirrorName name) throws IOException {
    Repository open = repositories.get(name);
    if (open != null) {
      return Optional.of(new Mirror(name, open));
    }
    Path dir = root.resolve(name.relativeDirectory());
    if (!Files.isDirectory(dir.resolve("objects"))) {
      return Optional.empty();
    }
    if (!dir.toRealPath().startsWith(root)) {
      log.warn("mirror {} resolves outside {} (symbolic link?); not serving it", name, root);
      return Optional.empty();
    }
    try {
      Repository repo = repositories.computeIfAbsent(name, n -> {
        try {
          return new FileRepositoryBuilder().setGitDir(dir.toFile()).setMustExist(true).build();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
      return Optional.of(new Mirror(name, repo));
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  @Override
  public Optional<MirrorState> state(MirrorName name) {
    MirrorState s = states.get(name);
    if (s != null) {
      return Optional.of(s);
    }
    Optional<MirrorState> disk = MirrorStateFile.read(root.resolve(name.relativeDirectory()));
    disk.ifPresent(d -> states.putIfAbsent(name, d));
    return disk;
  }

  @Override
  public SyncResult sync(MirrorName name, Upstream upstream) {
    ReentrantLock l = syncLocks.computeIfAbsent(name, n -> new ReentrantLock());
    l.lock();
    Instant started = Instant.now();
    try {
      Optional<Mirror> existing = find(name);
      SyncResult r = existing.isPresent() ? update(existing.get(), upstream, started)
          : create(name, upstream, started);
      log.info("sync {} from {}: {} ({} refs changed) in {} ms", name, upstream.url(),
          r.outcome(), r.changes().size(), r.duration().toMillis());
      return r;
    } catch (SyncFailedException | IOException | RuntimeException e) {
      String error = SyncFailedException.describe(e);
      MirrorState previous = state(name).orElse(
          new MirrorState(upstream.url(), Optional.empty(), Optional.empty(), Optional.empty()));
      MirrorState failed = new MirrorState(upstream.url(), previous.lastSuccess(),
          Optional.of(started), Optional.of(error));
      recordState(name, failed);
      if (rootCause(e) instanceof RuntimeException) {
        // not the upstream's doing: keep the trace for the bug report
        log.warn("sync {} from {} failed, mirror unchanged: {}", name, upstream.url(), error, e);
      } else {
        log.warn("sync {} from {} failed, mirror unchanged: {}", name, upstream.url(), error);
        log.debug("sync failure of {}", name, e);
      }
      return new SyncResult(name, SyncResult.Outcome.FAILED, List.of(),
          Duration.between(started, Instant.now()), Optional.of(error));
    } finally {
      l.unlock();
    }
  }

  private static Throwable rootCause(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t;
  }

  private SyncResult create(MirrorName name, Upstream upstream, Instant started)
      throws IOException, SyncFailedException {
    Path scratch = root.resolve(INCOMING).resolve(UUID.randomUUID() + ".git");
    Path target = root.resolve(name.relativeDirectory());
    List<RefChange> changes;
    try {
      try (Repository repo = new FileRepositoryBuilder().setGitDir(scratch.toFile()).build()) {
        repo.create(true);
        configureNewMirror(repo);
        Map<String, Ref> remote = fetcher.listRemote(repo, upstream);
        changes = fetcher.fetch(repo, upstream);
        MirrorFetcher.followHead(repo, remote);
        repacker.gc(repo, true);
        MirrorStateFile.write(scratch, success(upstream, started));
      }
      Files.createDirectories(target.getParent());
      Files.move(scratch, target, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      deleteRecursively(scratch);
    }
    states.put(name, success(upstream, started));
    return new SyncResult(name, SyncResult.Outcome.CREATED, changes,
        Duration.between(started, Instant.now()), Optional.empty());
  }

  private SyncResult update(Mirror mirror, Upstream upstream, Instant started)
      throws IOException, SyncFailedException {
    Repository repo = mirror.repository();
    Map<String, Ref> remote = fetcher.listRemote(repo, upstream);
    List<RefChange> changes = List.of();
    if (!MirrorFetcher.upToDate(repo, remote)) {
      changes = fetcher.fetch(repo, upstream);
    }
    // the refs are in: what follows only tidies up, and its failure must not report the sync
    // as failed (the next sync tries again)
    try {
      MirrorFetcher.followHead(repo, remote);
      if (!changes.isEmpty()) {
        repacker.maybeRepack(repo);
      }
    } catch (IOException | SyncFailedException | RuntimeException e) {
      log.warn("sync of {} applied its refs, but could not finish: {}", mirror.name(),
          e.toString());
    }
    recordState(mirror.name(), success(upstream, started));
    return new SyncResult(mirror.name(),
        changes.isEmpty() ? SyncResult.Outcome.UNCHANGED : SyncResult.Outcome.UPDATED, changes,
        Duration.between(started, Instant.now()), Optional.empty());
  }

  private static MirrorState success(Upstream upstream, Instant at) {
    return new MirrorState(upstream.url(), Optional.of(at), Optional.of(at), Optional.empty());
  }

  private void recordState(MirrorName name, MirrorState s) {
    states.put(name, s);
    Path dir = root.resolve(name.relativeDirectory());
    if (Files.isDirectory(dir)) {
      try {
        MirrorStateFile.write(dir, s);
      } catch (IOException e) {
        log.warn("cannot record the state of {}: {}", name, e.toString());
      }
    }
  }

  /** Mirrors are written only by this store: no reflogs, and no gc but {@link Repacker}'s. */
  private static void configureNewMirror(Repository repo) throws IOException {
    StoredConfig c = repo.getConfig();
    c.setBoolean(ConfigConstants.CONFIG_CORE_SECTION, null,
        ConfigConstants.CONFIG_KEY_LOGALLREFUPDATES, false);
    c.setInt(ConfigConstants.CONFIG_GC_SECTION, null, ConfigConstants.CONFIG_KEY_AUTO, 0);
    c.setInt(ConfigConstants.CONFIG_GC_SECTION, null, ConfigConstants.CONFIG_KEY_AUTOPACKLIMIT, 0);
    c.setBoolean(ConfigConstants.CONFIG_FETCH_SECTION, null, ConfigConstants.CONFIG_KEY_AUTOGC,
        false);
    c.setBoolean(ConfigConstants.CONFIG_RECEIVE_SECTION, null, ConfigConstants.CONFIG_KEY_AUTOGC,
        false);
    c.save();
  }

  @Override
  public void close() {
    repositories.values().forEach(Repository::close);
    repositories.clear();
    try {
      lock.release();
      lockChannel.close();
    } catch (IOException e) {
      log.warn("cannot release the lock on {}: {}", root, e.toString());
    }
  }

  /**
   * Removes what a killed process left inside mirrors: lock files (a stale
   * {@code packed-refs.lock} would fail every later sync), JGit's temporary
   * {@code incoming_*} packs and pack {@code .keep} files, and half-written state files. Only
   * this store writes under {@code root}, and it holds the root's lock, so all of these are
   * stale.
   */
  private static void removeLeftovers(Path root) throws IOException {
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes a) {
        Path name = dir.getFileName();
        // loose objects are numerous and never leftovers; packs are looked at below
        return name != null && name.toString().length() == 2 && dir.getParent() != null
            && dir.getParent().getFileName().toString().equals("objects")
            ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes a) throws IOException {
        String n = file.getFileName().toString();
        boolean inPacks = file.getParent().getFileName().toString().equals("pack");
        boolean stale = (n.endsWith(".lock") && !file.getParent().equals(root))
            || n.endsWith(MirrorStateFile.NAME + ".tmp")
            || (inPacks && (n.startsWith("incoming_") || n.endsWith(".keep")));
        if (stale) {
          log.warn("removing {}, left behind by an interrupted sync", file);
          Files.delete(file);
        }
        return FileVisitResult.CONTINUE;
      }
    });
  }

  private static void deleteRecursively(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    Files.walkFileTree(p, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes a) throws IOException {
        Files.delete(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
        Files.delete(dir);
        return FileVisitResult.CONTINUE;
      }
    });
  }
}
