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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.ReceiveCommand;
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
 * they were and is recorded in the state. <b>Abort</b> ({@link #abortSyncs}, a gateway stopping):
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
  private static final String INCOMING = ".incoming";

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

  private FileMirrorStore(Path root, FileChannel lockChannel, FileLock lock, StoreConfig config,
      TagPins pins) {
    this.root = root;
    this.pins = pins;
    this.lockChannel = lockChannel;
    this.lock = lock;
    this.config = config;
    this.repacker = new Repacker(config.repackAfterPacks());
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
    boolean approved = massDeleteApproved.remove(name);
    Optional<Mirror> existing = Optional.empty();
    try {
      existing = find(name);
      SyncResult r;
      try {
        r = attempt(name, existing, upstream, policy, approved, started, fetcher());
      } catch (SyncFailedException e) {
        if (upstream.fallback().isEmpty()) {
          throw e;
        }
        Upstream fallback = upstream.fallback().get().withFleet(upstream.fleet());
        log.warn("sync {}: {}; syncing from the fallback {} instead", name, e.getMessage(),
            fallback.url());
        r = attempt(name, existing, fallback, policy, approved, started, fetcher());
        upstream = fallback;
      }
      log.info("sync {} from {}: {} ({} refs changed{}) in {} ms", name, upstream.url(),
          r.outcome(), r.changes().size(), describe(r.changes()), r.duration().toMillis());
      return r;
    } catch (SyncFailedException | IOException | RuntimeException e) {
      String error = SyncFailedException.describe(e);
      recordState(name, state(name).orElse(MirrorState.none(upstream.url()))
          .failed(upstream.url(), started, error, false));
      if (rootCause(e) instanceof RuntimeException) {
        // not the upstream's doing: keep the trace for the bug report
        log.warn("sync {} from {} failed, mirror unchanged: {}", name, upstream.url(), error, e);
      } else {
        log.warn("sync {} from {} failed, mirror unchanged: {}", name, upstream.url(), error);
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
  private MirrorFetcher fetcher() {
    return new MirrorFetcher(config.fetchTimeout(), config.ingest(), config.maxFetchTime(),
        () -> aborting);
  }

  private SyncResult attempt(MirrorName name, Optional<Mirror> existing, Upstream upstream,
      MirrorPolicy policy, boolean approved, Instant started, MirrorFetcher fetcher)
      throws IOException, SyncFailedException {
    return existing.isPresent()
        ? update(existing.get(), upstream, policy, approved, started, fetcher)
        : create(name, upstream, policy, started, fetcher);
  }

  private SyncResult create(MirrorName name, Upstream upstream, MirrorPolicy policy,
      Instant started, MirrorFetcher fetcher) throws IOException, SyncFailedException {
    Path scratch = root.resolve(INCOMING).resolve(UUID.randomUUID() + ".git");
    Path target = root.resolve(name.relativeDirectory());
    List<RefChange> changes;
    RefPlan plan;
    String digest;
    try {
      try (Repository repo = new FileRepositoryBuilder().setGitDir(scratch.toFile()).build()) {
        repo.create(true);
        MirrorSetup.configureNew(repo);
        Map<String, ObjectId> pinned = policy.tags() == MirrorPolicy.TagPolicy.IMMUTABLE
            ? fleetTags(name, repo, upstream.fleet(), fetcher) : Map.of();
        Map<String, Ref> remote;
        try (MirrorFetcher.Conversation upstreamNow = fetcher.open(repo, upstream)) {
          remote = upstreamNow.refs();
          plan = RefPlan.of(pinned, upstreamNow.ids(), policy.tags(), List.of(), started);
          upstreamNow.fetch(MirrorFetcher.toFetch(plan.commands()));
        }
        fetcher.checkNotAborted();
        changes = MirrorFetcher.apply(repo, creations(pinned, plan.commands()));
        MirrorFetcher.followHead(repo, remote);
        fetcher.checkNotAborted(); // a mirror not yet in place: its scratch folder just goes
        repacker.gc(repo, true);
        digest = MirrorRefs.read(repo).digest();
        MirrorStateFile.write(scratch, MirrorState.none(upstream.url())
            .succeeded(upstream.url(), started, plan.conflicts(), digest));
      }
      Files.createDirectories(target.getParent());
      Files.move(scratch, target, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Leftovers.deleteRecursively(scratch);
    }
    states.put(name, MirrorState.none(upstream.url())
        .succeeded(upstream.url(), started, plan.conflicts(), digest));
    logConflicts(name, plan.newConflicts());
    return new SyncResult(name, SyncResult.Outcome.CREATED, changes, plan.newConflicts(),
        Duration.between(started, Instant.now()), Optional.empty(), false);
  }

  /**
   * The tags of the first gateway of the fleet that has this mirror, their objects fetched into
   * {@code repo}: under immutable tags a region that mirrors a repository later keeps the commit
   * each tag had when the fleet first saw it. A gateway that cannot be asked, or does not have
   * the mirror, is skipped; with none to ask, the upstream's tags are taken as they are.
   */
  private Map<String, ObjectId> fleetTags(MirrorName name, Repository repo,
      List<Upstream> fleet, MirrorFetcher fetcher) {
    for (Upstream region : fleet) {
      try {
        Map<String, ObjectId> fetched;
        try (MirrorFetcher.Conversation there = fetcher.open(repo, region)) {
          List<String> tags = there.ids().keySet().stream()
              .filter(ref -> ref.startsWith(Constants.R_TAGS)).toList();
          if (tags.isEmpty()) {
            continue;
          }
          fetched = there.fetch(tags);
        }
        log.info("new mirror {}: took {} tags as the fleet has them from {}", name,
            fetched.size(), region.url());
        return fetched;
      } catch (SyncFailedException e) {
        log.info("new mirror {}: cannot take the fleet's tags from {} ({})", name, region.url(),
            e.getMessage());
      }
    }
    return Map.of();
  }

  /** {@code refs} with {@code more} added. */
  private static Map<String, ObjectId> with(Map<String, ObjectId> refs,
      Map<String, ObjectId> more) {
    Map<String, ObjectId> out = new TreeMap<>(refs);
    out.putAll(more);
    return out;
  }

  /** Commands creating {@code refs}, followed by {@code then}. */
  private static List<ReceiveCommand> creations(Map<String, ObjectId> refs,
      List<ReceiveCommand> then) {
    List<ReceiveCommand> commands = new ArrayList<>();
    refs.forEach((ref, id) -> commands.add(new ReceiveCommand(ObjectId.zeroId(), id, ref)));
    commands.addAll(then);
    return commands;
  }

  /**
   * The fleet's say in one sync under immutable tags ({@link TagPins}): a tag this sync would
   * create that the fleet serves at another commit than the upstream has it at now (the upstream
   * moved it after another region mirrored it) is created at the fleet's commit, with the objects
   * here already or fetched from the first copy in {@code fleet} that serves the tag there (a tag
   * whose objects cannot be had is left to the upstream, and shows in {@code gitedge verify});
   * under {@link MirrorPolicy#newTagsFromFleet()} new tags the fleet did not announce are left
   * for a later sync.
   */
  private final class FleetTags {
    private final MirrorName name;
    private final Repository repo;
    private final List<Upstream> fleet;
    private final MirrorPolicy policy;
    private final MirrorFetcher fetcher;
    private final Map<String, ObjectId> heard;
    /** The tags taken at the fleet's commit, their objects here. */
    final Map<String, ObjectId> adopted = new TreeMap<>();

    FleetTags(MirrorName name, Repository repo, List<Upstream> fleet, MirrorPolicy policy,
        MirrorFetcher fetcher) {
      this.name = name;
      this.fetcher = fetcher;
      this.repo = repo;
      this.fleet = fleet;
      this.policy = policy;
      this.heard = policy.tags() == MirrorPolicy.TagPolicy.IMMUTABLE ? pins.of(name) : Map.of();
    }

    /** The upstream's refs {@code listed} as this sync may take them. */
    Map<String, ObjectId> apply(Map<String, ObjectId> local, Map<String, ObjectId> listed)
        throws IOException {
      if (heard.isEmpty()) {
        return listed;
      }
      Map<String, ObjectId> wanted = new TreeMap<>();
      listed.forEach((ref, id) -> {
        ObjectId pinned = heard.get(ref);
        if (ref.startsWith(Constants.R_TAGS) && !local.containsKey(ref)
            && !adopted.containsKey(ref) && pinned != null && !pinned.equals(id)) {
          wanted.put(ref, pinned);
        }
      });
      adopt(wanted, listed);
      if (!policy.newTagsFromFleet()) {
        return listed;
      }
      Map<String, ObjectId> out = new TreeMap<>(listed);
      out.keySet().removeIf(ref -> ref.startsWith(Constants.R_TAGS) && !local.containsKey(ref)
          && !heard.containsKey(ref));
      return out;
    }

    private void adopt(Map<String, ObjectId> wanted, Map<String, ObjectId> listed)
        throws IOException {
      Map<String, ObjectId> found = new TreeMap<>();
      for (Map.Entry<String, ObjectId> w : wanted.entrySet()) {
        if (repo.getObjectDatabase().has(w.getValue())) {
          found.put(w.getKey(), w.getValue());
        }
      }
      for (Upstream region : fleet) {
        if (found.size() == wanted.size()) {
          break;
        }
        try (MirrorFetcher.Conversation there = fetcher.open(repo, region)) {
          Map<String, ObjectId> tags = there.ids();
          List<String> names = wanted.keySet().stream().filter(t -> !found.containsKey(t)
              && wanted.get(t).equals(tags.get(t))).toList();
          found.putAll(there.fetch(names));
        } catch (SyncFailedException e) {
          log.info("sync {}: cannot take the fleet's tags from {} ({})", name, region.url(),
              e.getMessage());
        }
      }
      found.forEach((t, id) -> log.warn("tag {} of {}: the fleet serves it at {}, the upstream"
          + " moved it to {}; taking the fleet's (tags: immutable)", t, name, id.name(),
          listed.get(t).name()));
      adopted.putAll(found);
    }
  }

  private static void logConflicts(MirrorName name, List<TagConflict> conflicts) {
    for (TagConflict c : conflicts) {
      log.warn("tag {} of {} {} upstream (now {}); keeping {} (tags: immutable)", c.ref(),
          name, c.deletedUpstream() ? "was deleted" : "was moved", c.upstreamId(), c.keptId());
    }
  }

  private SyncResult update(Mirror mirror, Upstream upstream, MirrorPolicy policy,
      boolean massDeleteApproved, Instant started, MirrorFetcher fetcher)
      throws IOException, SyncFailedException {
    Repository repo = mirror.repository();
    MirrorState before = state(mirror.name()).orElse(MirrorState.none(upstream.url()));
    boolean tampered = tampered(mirror, before);
    Map<String, ObjectId> local = MirrorFetcher.localRefs(repo);
    FleetTags fleetTags = new FleetTags(mirror.name(), repo, upstream.fleet(), policy, fetcher);
    Map<String, Ref> remote;
    RefPlan plan;
    List<RefChange> changes = List.of();
    // one listing decides the sync: its plan, the objects fetched and the refs applied (the
    // fleet's tags aside, which stay at the fleet's commit however the upstream moved them)
    try (MirrorFetcher.Conversation upstreamNow = fetcher.open(repo, upstream)) {
      remote = upstreamNow.refs();
      Map<String, ObjectId> listed = fleetTags.apply(local, upstreamNow.ids());
      plan = RefPlan.of(with(local, fleetTags.adopted), listed, policy.tags(),
          before.tagConflicts(), started);
      if (plan.massDeletion() && !massDeleteApproved) {
        return hold(mirror.name(), upstream, plan, before, started);
      }
      if (!plan.commands().isEmpty() || !fleetTags.adopted.isEmpty()) {
        upstreamNow.fetch(MirrorFetcher.toFetch(plan.commands()));
      }
    }
    if (!plan.commands().isEmpty() || !fleetTags.adopted.isEmpty()) {
      // the last safe point: an abort seen here leaves the fetched objects unreferenced
      fetcher.checkNotAborted();
      changes = MirrorFetcher.apply(repo, creations(fleetTags.adopted, plan.commands()));
    }
    logConflicts(mirror.name(), plan.newConflicts());
    // the refs are in: what follows only tidies up, and its failure must not report the sync
    // as failed (the next sync tries again)
    try {
      MirrorFetcher.followHead(repo, remote);
      if (!changes.isEmpty() && !aborting) {
        repacker.maybeRepack(repo);
      }
    } catch (IOException | SyncFailedException | RuntimeException e) {
      log.warn("sync of {} applied its refs, but could not finish: {}", mirror.name(),
          e.toString());
    }
    recordState(mirror.name(), before.succeeded(upstream.url(), started, plan.conflicts(),
        MirrorRefs.read(repo).digest()));
    return new SyncResult(mirror.name(),
        changes.isEmpty() ? SyncResult.Outcome.UNCHANGED : SyncResult.Outcome.UPDATED, changes,
        plan.newConflicts(), Duration.between(started, Instant.now()), Optional.empty(),
        tampered);
  }

  /**
   * Whether the mirror's refs differ from those the last successful sync left (its recorded
   * digest): nothing but a sync writes them, so someone or something else did. Logged; the sync
   * that follows puts the upstream's refs back (a tag kept under immutable tags stays as found,
   * and shows as a tag conflict).
   */
  private static boolean tampered(Mirror mirror, MirrorState before) throws IOException {
    if (before.refsDigest().isEmpty()) {
      return false; // synced before digests were recorded
    }
    String now = MirrorRefs.read(mirror.repository()).digest();
    if (now.equals(before.refsDigest().get())) {
      return false;
    }
    log.warn("mirror {}: refs changed outside a sync since the last one ({}): digest {}, now {};"
        + " restoring the upstream's", mirror.name(), before.lastSuccess().map(Object::toString)
        .orElse("?"), before.refsDigest().get(), now);
    return true;
  }

  private SyncResult hold(MirrorName name, Upstream upstream, RefPlan plan, MirrorState before,
      Instant started) {
    String why = "held: the upstream would delete " + plan.deletions() + " of the mirror's "
        + plan.localRefs() + " branches and tags; nothing was changed until an operator approves"
        + " the deletion";
    log.warn("sync {} from {} {}", name, upstream.url(), why);
    recordState(name, before.failed(upstream.url(), started, why, true));
    return new SyncResult(name, SyncResult.Outcome.HELD, List.of(), List.of(),
        Duration.between(started, Instant.now()), Optional.of(why), false);
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
