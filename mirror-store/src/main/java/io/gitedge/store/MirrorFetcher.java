package io.gitedge.store;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.errors.NotSupportedException;
import org.eclipse.jgit.errors.TransportException;
import org.eclipse.jgit.lib.BatchRefUpdate;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.NullProgressMonitor;
import org.eclipse.jgit.internal.storage.file.ObjectDirectory;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.ObjectWalk;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.transport.FetchConnection;
import org.eclipse.jgit.transport.PackLock;
import org.eclipse.jgit.transport.ReceiveCommand;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.TagOpt;
import org.eclipse.jgit.transport.Transport;

/**
 * The upstream side of a sync, with JGit's transport: list the upstream's refs, fetch the objects
 * they need (checked and capped on the way in), apply the ref changes as one atomic batch, follow
 * the upstream's HEAD.
 *
 * <p>Only {@code refs/heads/*} and {@code refs/tags/*} are mirrored (never {@code refs/pull/*}
 * and the like). One listing decides a sync ({@link Conversation}): the plan is made from it
 * ({@link RefPlan}), the fetch asks over the same connection for the objects of exactly the refs
 * that are to change, at the ids that listing has, and writes no ref; the changes go in as one
 * {@link BatchRefUpdate},
 * which the files ref database performs atomically (it rewrites {@code packed-refs} with one
 * rename): if any command fails, none is applied. Every command's result is checked.
 */
final class MirrorFetcher {
  /** What the ref listing asks for. */
  private static final List<RefSpec> MIRRORED = List.of(
      new RefSpec("+refs/heads/*:refs/heads/*"), new RefSpec("+refs/tags/*:refs/tags/*"));

  private final Duration timeout;
  private final IngestLimits limits;
  private final FetchDeadline deadline;
  private final BooleanSupplier aborted;

  /**
   * A fetcher for one sync: every upstream connection it opens may stay silent for
   * {@code timeout}, and all of them together must be done {@code maxTime} from now.
   *
   * @param aborted whether the store is aborting its syncs ({@link MirrorStore#abortSyncs})
   */
  MirrorFetcher(Duration timeout, IngestLimits limits, Duration maxTime,
      BooleanSupplier aborted) {
    this.timeout = timeout;
    this.limits = limits;
    this.deadline = FetchDeadline.in(maxTime);
    this.aborted = aborted;
  }

  /** A fetcher with the default time bound that is never aborted (listings). */
  MirrorFetcher(Duration timeout, IngestLimits limits) {
    this(timeout, limits, StoreConfig.DEFAULT_MAX_FETCH_TIME, () -> false);
  }

  /**
   * Fails if the store is aborting its syncs: called before every step that would talk to the
   * upstream or change the mirror.
   */
  void checkNotAborted() throws SyncFailedException {
    if (aborted.getAsBoolean()) {
      throw new SyncFailedException(ABORTED);
    }
  }

  /** What an aborted sync records as its error. */
  static final String ABORTED = "aborted: the gateway is stopping";

  /**
   * The upstream's HEAD and its branches and tags (peeled entries left out), for a listing with
   * no fetch after it.
   *
   * @param local the mirror, or null when there is none (a listing only)
   */
  Map<String, Ref> listRemote(Repository local, Upstream upstream) throws SyncFailedException {
    try (Conversation c = open(local, upstream)) {
      return c.refs();
    }
  }

  /**
   * Opens a conversation with {@code upstream}: its listing now, and later the objects of refs
   * of that same listing ({@link Conversation#fetch}). A sync plans and fetches from one
   * listing, so what it applies is one state the upstream had: a second listing (JGit's fetch
   * by name lists again, and in protocol v2 lists only the names asked for) could carry the
   * heads of a push made in between without that push's new tag.
   *
   * @param local the mirror the objects go into, or null for a listing only
   */
  Conversation open(Repository local, Upstream upstream) throws SyncFailedException {
    checkNotAborted();
    IngestCheck check = new IngestCheck(limits, aborted);
    UpstreamTransport ut = UpstreamTransport.open(local, upstream, timeout, deadline);
    try {
      Transport t = ut.transport();
      t.setTagOpt(TagOpt.NO_TAGS);
      t.setObjectChecker(check);
      FetchConnection c = t.openFetch(MIRRORED, Constants.HEAD);
      Map<String, Ref> refs = new TreeMap<>();
      for (Ref r : c.getRefs()) {
        if (r.getName().equals(Constants.HEAD) || isMirrored(r.getName())) {
          refs.put(r.getName(), r);
        }
      }
      return new Conversation(local, upstream, ut, c, check, refs);
    } catch (TransportException | NotSupportedException e) {
      ut.close();
      throw new SyncFailedException("cannot list refs of " + upstream.url() + ": "
          + SyncFailedException.describe(e), e);
    } catch (RuntimeException e) {
      ut.close();
      throw e;
    }
  }

  /**
   * One listing of an upstream and at most one fetch of objects its refs point at, over the
   * same connection (over HTTP: wants by id from that listing). Closing it closes the
   * connection.
   */
  final class Conversation implements AutoCloseable {
    private final Repository local;
    private final Upstream upstream;
    private final UpstreamTransport transport;
    private final FetchConnection connection;
    private final IngestCheck check;
    private final Map<String, Ref> refs;
    private boolean fetched;

    private Conversation(Repository local, Upstream upstream, UpstreamTransport transport,
        FetchConnection connection, IngestCheck check, Map<String, Ref> refs) {
      this.local = local;
      this.upstream = upstream;
      this.transport = transport;
      this.connection = connection;
      this.check = check;
      this.refs = Collections.unmodifiableMap(refs);
    }

    /** The upstream's HEAD, branches and tags as this conversation's listing has them. */
    Map<String, Ref> refs() {
      return refs;
    }

    /** The branches and tags of {@link #refs()}, by name. */
    Map<String, ObjectId> ids() {
      return MirrorFetcher.ids(refs);
    }

    /**
     * Brings in the objects of the listed refs {@code names} that are not here already,
     * changing no ref. At most once per conversation.
     *
     * @return where the listing has those of {@code names} it has; their objects are here
     * @throws SyncFailedException if the transfer failed, an object was malformed or a limit was
     *     passed; what was received is discarded
     */
    Map<String, ObjectId> fetch(Collection<String> names) throws SyncFailedException {
      if (fetched) {
        throw new IllegalStateException("one fetch per conversation");
      }
      fetched = true;
      Map<String, ObjectId> listed = new TreeMap<>();
      List<Ref> wants = new ArrayList<>();
      try {
        for (String name : names) {
          Ref r = refs.get(name);
          if (r == null || r.getObjectId() == null) {
            continue;
          }
          listed.put(name, r.getObjectId());
          if (!local.getObjectDatabase().has(r.getObjectId())) {
            wants.add(r);
          }
        }
      } catch (IOException e) {
        throw new SyncFailedException("cannot read the mirror's objects: " + e.getMessage(), e);
      }
      if (wants.isEmpty()) {
        return listed;
      }
      checkNotAborted();
      Set<String> packsBefore = packs(local);
      try {
        connection.fetch(check.monitor(), wants, Set.of());
      } catch (OutOfMemoryError e) {
        // JGit sizes its table of a pack's objects by the count in the pack's header before it
        // reads one, so a header announcing 2^31 objects fails that one allocation ("Requested
        // array size exceeds VM limit"); nothing else was allocated, the heap is as it was
        throw new SyncFailedException("refused what " + upstream.url() + " sent: a pack whose"
            + " header announces more objects than the heap can index (" + e.getMessage()
            + ")");
      } catch (TransportException e) {
        // JGit's pack parser asks the monitor between objects and drops its temporary pack
        checkNotAborted();
        if (check.exceeded() != null) {
          throw new SyncFailedException("refused what " + upstream.url() + " sent: "
              + check.exceeded(), e);
        }
        throw new SyncFailedException("cannot fetch from " + upstream.url() + ": "
            + SyncFailedException.describe(e), e);
      } finally {
        // the .keep JGit writes beside a received pack: this thread holds the mirror's writer
        // lock, and a kept pack would stay out of gc's repack
        for (PackLock lock : connection.getPackLocks()) {
          try {
            lock.unlock();
          } catch (IOException e) {
            // a .keep left only keeps that pack out of a repack
          }
        }
      }
      String unsafe = missingObjects(wants);
      if (unsafe == null) {
        try (ObjectReader reader = local.newObjectReader()) {
          unsafe = check.unsafeGitmodules(reader);
        } catch (IOException e) {
          unsafe = "cannot read a .gitmodules it sent: " + e.getMessage();
        }
      }
      if (unsafe != null) {
        dropPacksSince(local, packsBefore);
        throw new SyncFailedException("refused what " + upstream.url() + " sent: " + unsafe);
      }
      return listed;
    }

    /**
     * What is missing for {@code wants} to be whole here (walked down to the mirror's refs), or
     * null: a pack that parses can still lack the commits asked for or objects they need.
     */
    private String missingObjects(List<Ref> wants) {
      try (ObjectWalk walk = new ObjectWalk(local)) {
        for (Ref w : wants) {
          walk.markStart(walk.parseAny(w.getObjectId()));
        }
        for (Ref r : local.getRefDatabase().getRefsByPrefix(Constants.R_HEADS,
            Constants.R_TAGS)) {
          if (r.getObjectId() != null) {
            walk.markUninteresting(walk.parseAny(r.getObjectId()));
          }
        }
        walk.checkConnectivity();
        return null;
      } catch (MissingObjectException e) {
        return "an incomplete object graph (" + e.getObjectId().name() + " missing)";
      } catch (IOException e) {
        return "objects that cannot be read back: " + e.getMessage();
      }
    }

    @Override
    public void close() {
      try {
        connection.close();
      } finally {
        transport.close();
      }
    }
  }

  /** The mirror's branches and tags. */
  static Map<String, ObjectId> localRefs(Repository local) throws IOException {
    Map<String, ObjectId> have = new TreeMap<>();
    for (Ref r : local.getRefDatabase().getRefsByPrefix(Constants.R_HEADS, Constants.R_TAGS)) {
      have.put(r.getName(), r.getObjectId());
    }
    return have;
  }

  /** The refs {@code commands} create or move: those whose objects a fetch must bring. */
  static List<String> toFetch(List<ReceiveCommand> commands) {
    return commands.stream().filter(c -> c.getType() != ReceiveCommand.Type.DELETE)
        .map(ReceiveCommand::getRefName).toList();
  }

  /** Branches and tags of a listing, by name. */
  static Map<String, ObjectId> ids(Map<String, Ref> refs) {
    Map<String, ObjectId> out = new TreeMap<>();
    refs.values().stream().filter(r -> isMirrored(r.getName()) && r.getObjectId() != null)
        .forEach(r -> out.put(r.getName(), r.getObjectId()));
    return out;
  }

  /** The names of the mirror's pack files, such as {@code pack-1a2b….pack}. */
  private static Set<String> packs(Repository local) {
    File[] files = new File(local.getObjectDatabase() instanceof ObjectDirectory od
        ? od.getDirectory() : new File(local.getDirectory(), "objects"), "pack").listFiles();
    Set<String> out = new HashSet<>();
    if (files != null) {
      for (File f : files) {
        out.add(f.getName());
      }
    }
    return out;
  }

  /**
   * Deletes what a refused fetch wrote: the packs that were not there before it (no ref points
   * into them, and this thread holds the mirror's only writer lock), so the mirror's objects
   * stay clean for {@code git fsck}. A file that cannot be deleted is left to the next gc.
   */
  private static void dropPacksSince(Repository local, Set<String> before) {
    File dir = new File(local.getDirectory(), "objects/pack");
    for (String name : packs(local)) {
      if (!before.contains(name)) {
        try {
          Files.deleteIfExists(new File(dir, name).toPath());
        } catch (IOException e) {
          // left for gc
        }
      }
    }
  }

  /**
   * Applies {@code commands} as one atomic batch. The one exception: a ref created where the
   * batch deletes a ref whose name is its folder or below it ({@code qa/x} replaced by
   * {@code qa}), which JGit's files backend cannot do in the same transaction; such creations
   * follow in a second atomic batch, right after the first.
   *
   * @return the refs that changed
   * @throws SyncFailedException if any command was refused (then none of its batch was applied)
   */
  static List<RefChange> apply(Repository local, List<ReceiveCommand> commands)
      throws IOException, SyncFailedException {
    List<String> deleted = commands.stream()
        .filter(c -> c.getType() == ReceiveCommand.Type.DELETE)
        .map(ReceiveCommand::getRefName).toList();
    List<ReceiveCommand> first = new ArrayList<>();
    List<ReceiveCommand> second = new ArrayList<>();
    for (ReceiveCommand c : commands) {
      boolean clash = c.getType() == ReceiveCommand.Type.CREATE && deleted.stream().anyMatch(
          d -> d.startsWith(c.getRefName() + "/") || c.getRefName().startsWith(d + "/"));
      (clash ? second : first).add(c);
    }
    List<RefChange> changes = new ArrayList<>(applyAtomically(local, first));
    changes.addAll(applyAtomically(local, second));
    return changes;
  }

  private static List<RefChange> applyAtomically(Repository local,
      List<ReceiveCommand> commands) throws IOException, SyncFailedException {
    if (commands.isEmpty()) {
      return List.of();
    }
    BatchRefUpdate batch = local.getRefDatabase().newBatchUpdate();
    batch.setAtomic(true);
    batch.setAllowNonFastForwards(true);
    batch.disableRefLog();
    batch.addCommand(commands);
    try (RevWalk walk = new RevWalk(local)) {
      batch.execute(walk, NullProgressMonitor.INSTANCE);
    }
    List<RefChange> changes = new ArrayList<>();
    List<String> refused = new ArrayList<>();
    for (ReceiveCommand c : batch.getCommands()) {
      if (c.getResult() == ReceiveCommand.Result.OK) {
        changes.add(new RefChange(c.getRefName(), c.getOldId().name(), c.getNewId().name()));
      } else {
        refused.add(c.getRefName() + " (" + c.getResult()
            + (c.getMessage() != null ? ": " + c.getMessage() : "") + ")");
      }
    }
    if (!refused.isEmpty()) {
      throw new SyncFailedException("ref updates refused, no ref changed: "
          + String.join(", ", refused.subList(0, Math.min(5, refused.size())))
          + (refused.size() > 5 ? " and " + (refused.size() - 5) + " more" : ""));
    }
    return changes;
  }

  /**
   * Points the mirror's HEAD where the upstream's points: at its symbolic target, or when the
   * upstream does not say, at a branch with the same commit ({@code main}, then {@code master}
   * first). Leaves HEAD alone when the target does not exist here.
   */
  static void followHead(Repository local, Map<String, Ref> remote) throws IOException,
      SyncFailedException {
    Ref head = remote.get(Constants.HEAD);
    if (head == null) {
      return;
    }
    Optional<String> target = Optional.empty();
    if (head.isSymbolic()) {
      target = Optional.of(head.getTarget().getName());
    } else if (head.getObjectId() != null) {
      List<String> candidates = new ArrayList<>(List.of("refs/heads/main", "refs/heads/master"));
      remote.keySet().stream().filter(n -> n.startsWith(Constants.R_HEADS))
          .forEach(candidates::add);
      target = candidates.stream().filter(n -> remote.containsKey(n)
          && head.getObjectId().equals(remote.get(n).getObjectId())).findFirst();
    }
    if (target.isEmpty() || local.exactRef(target.get()) == null) {
      return;
    }
    Ref current = local.exactRef(Constants.HEAD);
    if (current != null && current.isSymbolic()
        && current.getTarget().getName().equals(target.get())) {
      return;
    }
    RefUpdate u = local.updateRef(Constants.HEAD);
    u.disableRefLog();
    RefUpdate.Result r = u.link(target.get());
    if (r != RefUpdate.Result.NEW && r != RefUpdate.Result.FORCED
        && r != RefUpdate.Result.NO_CHANGE) {
      throw new SyncFailedException("cannot point HEAD at " + target.get() + ": " + r);
    }
  }

  static boolean isMirrored(String ref) {
    return (ref.startsWith(Constants.R_HEADS) || ref.startsWith(Constants.R_TAGS))
        && !ref.endsWith("^{}");
  }
}
