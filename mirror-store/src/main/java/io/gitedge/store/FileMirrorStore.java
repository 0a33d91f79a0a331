package io.gitedge.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.eclipse.jgit.lib.Repository;
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
 * ours, record the success and stop; else fetch, over the same connection, the objects of that
 * listing's ids, and apply the ref changes as one atomic batch, follow HEAD, maybe repack
 * ({@link MirrorSync}). Any failure leaves the refs as they were and is recorded in the state. <b>Abort</b> ({@link #abortSyncs}, a gateway stopping):
 * every step that talks to the upstream or writes checks a flag first, and so does JGit's pack
 * parser between objects (through the fetch's progress monitor), so an aborted sync ends as a
 * failed one: temporary pack dropped by JGit, scratch folder deleted, refs as they were.
 *
 * <h2>Serving</h2>
 * One JGit {@link Repository} per mirror is opened on first use and shared by readers and the
 * syncing thread until {@link #close()}; JGit rescans refs and packs when they change on disk.
 */
final class FileMirrorStore implements MirrorStore {
  private static final Logger log = LoggerFactory.getLogger(FileMirrorStore.class);
  static final String INCOMING = ".incoming";

  private final Path root;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private final StoreConfig config;
  private final TagPins pins;
  private volatile boolean closed;
  private volatile boolean aborting;
  private final Repacker repacker;
  private final Map<MirrorName, ReentrantLock> syncLocks = new ConcurrentHashMap<>();
  private final Map<MirrorName, Repository> repositories = new ConcurrentHashMap<>();
  private final Map<MirrorName, MirrorState> states = new ConcurrentHashMap<>();
  private final Set<MirrorName> massDeleteApproved = ConcurrentHashMap.newKeySet();
  private final MirrorSync syncs;
  private final ProgressLog progress;

  private FileMirrorStore(Path root, FileChannel lockChannel, FileLock lock, StoreConfig config,
      TagPins pins) {
    this.root = root;
    this.pins = pins;
    this.lockChannel = lockChannel;
    this.lock = lock;
    this.config = config;
    this.repacker = new Repacker(config.repackAfterPacks());
    this.progress = new ProgressLog(config.progressInterval());
    this.syncs = new MirrorSync(root, repacker, pins, () -> aborting, new MirrorSync.States() {
      @Override
      public Optional<MirrorState> current(MirrorName name) {
        return state(name);
      }

      @Override
      public void remember(MirrorName name, MirrorState s) {
        states.put(name, s);
      }

      @Override
      public void record(MirrorName name, MirrorState s) {
        recordState(name, s);
      }
    });
  }

  static FileMirrorStore open(StoreConfig config, TagPins pins) throws IOException {
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
    Leftovers.deleteRecursively(root.resolve(INCOMING));
    Files.createDirectories(root.resolve(INCOMING));
    Leftovers.remove(root, root);
    return new FileMirrorStore(root, ch, lock, config, pins);
  }

  @Override
  public Optional<Mirror> find(MirrorName name) throws IOException {
    if (closed) {
      // opening a repository writes its config: nothing may touch the folder after close
      throw new IOException("the mirror store at " + root + " is closed");
    }
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
          Repository r = new FileRepositoryBuilder().setGitDir(dir.toFile()).setMustExist(true)
              .build();
          MirrorSetup.useCommitGraph(r);
          return r;
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
    Path dir = root.resolve(name.relativeDirectory());
    if (!insideRoot(dir)) {
      return Optional.empty();
    }
    Optional<MirrorState> disk = MirrorStateFile.read(dir);
    disk.ifPresent(d -> states.putIfAbsent(name, d));
    return disk;
  }

  @Override
  public void approveMassDelete(MirrorName name) {
    massDeleteApproved.add(name);
  }

  @Override
  public List<MirrorName> mirrors() throws IOException {
    List<MirrorName> out = new ArrayList<>();
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes a) {
        String n = dir.getFileName() == null ? "" : dir.getFileName().toString();
        if (dir.equals(root)) {
          return FileVisitResult.CONTINUE;
        }
        if (n.equals(INCOMING)) {
          return FileVisitResult.SKIP_SUBTREE;
        }
        if (n.endsWith(".git") && Files.isDirectory(dir.resolve("objects"))) {
          String rel = root.relativize(dir).toString().replace('\\', '/');
          try {
            out.add(MirrorName.parse(rel));
          } catch (InvalidMirrorNameException e) {
            log.warn("ignoring {}: not a mirror name ({})", dir, e.getMessage());
          }
          return FileVisitResult.SKIP_SUBTREE;
        }
        return FileVisitResult.CONTINUE;
      }
    });
    out.sort(java.util.Comparator.comparing(MirrorName::value));
    return out;
  }

  @Override
  public SyncResult sync(MirrorName name, Upstream upstream, MirrorPolicy policy) {
    if (closed) {
      return new SyncResult(name, SyncResult.Outcome.FAILED, List.of(), List.of(), Duration.ZERO,
          Optional.of("the mirror store is closed"), false);
    }
    if (aborting) {
      return new SyncResult(name, SyncResult.Outcome.FAILED, List.of(), List.of(), Duration.ZERO,
          Optional.of(MirrorFetcher.ABORTED), false);
    }
    ReentrantLock l = syncLocks.computeIfAbsent(name, n -> new ReentrantLock());
    l.lock();
    Instant started = Instant.now();
    SyncTracker tracker = progress.begin(name, started, upstream.url());
    boolean approved = massDeleteApproved.remove(name);
    Optional<Mirror> existing = Optional.empty();
    try {
      existing = find(name);
      SyncResult r;
      try {
        r = syncs.attempt(name, existing, upstream, policy, approved, started,
            fetcher(tracker));
      } catch (SyncFailedException e) {
        if (upstream.fallback().isEmpty()) {
          throw e;
        }
        Upstream fallback = upstream.fallback().get().withFleet(upstream.fleet());
        log.warn("sync {}: {}; syncing from the fallback {} instead", name, e.getMessage(),
            fallback.url());
        r = syncs.attempt(name, existing, fallback, policy, approved, started,
            fetcher(tracker));
        upstream = fallback;
      }
      log.atInfo().addKeyValue("mirror", name.value()).addKeyValue("upstream", upstream.url())
          .addKeyValue("outcome", r.outcome().name().toLowerCase(Locale.ROOT))
          .addKeyValue("refsChanged", r.changes().size())
          .addKeyValue("durationMs", r.duration().toMillis())
          .log("sync {} from {}: {} ({} refs changed{}) in {} ms", name, upstream.url(),
              r.outcome(), r.changes().size(), describe(r.changes()), r.duration().toMillis());
      return r;
    } catch (SyncFailedException | IOException | RuntimeException e) {
      String error = SyncFailedException.describe(e);
      recordState(name, state(name).orElse(MirrorState.none(upstream.url()))
          .failed(upstream.url(), started, error, false));
      var line = log.atWarn().addKeyValue("mirror", name.value())
          .addKeyValue("upstream", upstream.url()).addKeyValue("outcome", "failed")
          .addKeyValue("error", error)
          .addKeyValue("durationMs", Duration.between(started, Instant.now()).toMillis());
      // not the upstream's doing: keep the trace for the bug report
      boolean bug = rootCause(e) instanceof RuntimeException;
      (bug ? line.setCause(e) : line)
          .log("sync {} from {} failed, mirror unchanged: {}", name, upstream.url(), error);
      if (!bug) {
        log.debug("sync failure of {}", name, e);
      }
      if (existing.isPresent()) {
        // this thread holds the mirror's only writer lock and the process the root's: any lock
        // file in the mirror now is a leftover that would fail every later sync
        try {
          Leftovers.remove(root, existing.get().repository().getDirectory().toPath());
        } catch (IOException cleanup) {
          log.warn("cannot clean up {} after a failed sync: {}", name, cleanup.toString());
        }
      }
      return new SyncResult(name, SyncResult.Outcome.FAILED, List.of(), List.of(),
          Duration.between(started, Instant.now()), Optional.of(error), false);
    } finally {
      progress.end(name, tracker);
      l.unlock();
    }
  }

  /** The changes of a small sync, for the log: {@code : refs/tags/v1 -> 1a2b3c4d}. */
  private static String describe(List<RefChange> changes) {
    if (changes.isEmpty() || changes.size() > 5) {
      return "";
    }
    StringBuilder b = new StringBuilder(":");
    for (RefChange c : changes) {
      b.append(' ').append(c.ref()).append(" -> ").append(c.newId(), 0, 8);
    }
    return b.toString();
  }

  private static Throwable rootCause(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t;
  }

  /** The upstream side of one sync attempt, its time bound starting now. */
  private MirrorFetcher fetcher(SyncTracker tracker) {
    return new MirrorFetcher(config.fetchTimeout(), config.ingest(), config.maxFetchTime(),
        () -> aborting, tracker);
  }

  @Override
  public Optional<SyncProgress> progress(MirrorName name) {
    return progress.current(name);
  }

  /** Whether {@code dir}, with symbolic links followed, is under the root (absent: true). */
  private boolean insideRoot(Path dir) {
    try {
      return dir.toRealPath().startsWith(root);
    } catch (java.nio.file.NoSuchFileException e) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private void recordState(MirrorName name, MirrorState s) {
    states.put(name, s);
    Path dir = root.resolve(name.relativeDirectory());
    // a mirror folder symlinked out of the root is not ours to write in
    if (Files.isDirectory(dir) && insideRoot(dir)) {
      try {
        MirrorStateFile.write(dir, s);
      } catch (IOException e) {
        log.warn("cannot record the state of {}: {}", name, e.toString());
      }
    }
  }

  @Override
  public void abortSyncs() {
    aborting = true;
  }

  @Override
  public void close() {
    closed = true;
    progress.close();
    repositories.values().forEach(Repository::close);
    repositories.clear();
    try {
      lock.release();
      lockChannel.close();
    } catch (IOException e) {
      log.warn("cannot release the lock on {}: {}", root, e.toString());
    }
  }
}
