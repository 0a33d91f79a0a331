package io.gitedge.store;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
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
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.transport.FetchConnection;
import org.eclipse.jgit.transport.FetchResult;
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
 * and the like). The fetch itself writes no ref: it asks for exactly the refs that are to change,
 * by name and without destination, so which refs change is decided here ({@link RefPlan}), and
 * the changes go in as one {@link BatchRefUpdate},
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
   * The upstream's HEAD and its branches and tags (peeled entries left out).
   *
   * @param local the mirror, or null when there is none (a listing only)
   */
  Map<String, Ref> listRemote(Repository local, Upstream upstream) throws SyncFailedException {
    checkNotAborted();
    try (UpstreamTransport t = UpstreamTransport.open(local, upstream, timeout, deadline);
        FetchConnection c = t.transport().openFetch(MIRRORED, Constants.HEAD)) {
      Map<String, Ref> out = new TreeMap<>();
      for (Ref r : c.getRefs()) {
        if (r.getName().equals(Constants.HEAD) || isMirrored(r.getName())) {
          out.put(r.getName(), r);
        }
      }
      return out;
    } catch (TransportException | NotSupportedException e) {
      throw new SyncFailedException("cannot list refs of " + upstream.url() + ": "
          + SyncFailedException.describe(e), e);
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

  /**
   * {@code listed} updated with what a fetch of {@code fetchedNames} saw: their newer ids, and
   * without those the upstream deleted in between.
   */
  static Map<String, ObjectId> merge(Map<String, ObjectId> listed,
      Collection<String> fetchedNames, Map<String, ObjectId> fetched) {
    Map<String, ObjectId> out = new TreeMap<>(listed);
    for (String n : fetchedNames) {
      ObjectId id = fetched.get(n);
      if (id == null) {
        out.remove(n);
      } else {
        out.put(n, id);
      }
    }
    return out;
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

  /**
   * Brings in the objects of the upstream's refs {@code names}, changing no ref: the refspecs
   * name a source and no destination.
   *
   * @return where those of {@code names} the upstream still has point now (their objects are
   *     here); a name missing from the answer was deleted upstream since it was listed
   * @throws SyncFailedException if the transfer failed, an object was malformed or a limit was
   *     passed; what was received is discarded
   */
  Map<String, ObjectId> fetchObjects(Repository local, Upstream upstream,
      Collection<String> names) throws SyncFailedException {
    if (names.isEmpty()) {
      return Map.of();
    }
    checkNotAborted();
    List<RefSpec> specs = names.stream().map(RefSpec::new).toList();
    IngestCheck check = new IngestCheck(limits, aborted);
    FetchResult result;
    Set<String> packsBefore = packs(local);
    try (UpstreamTransport ut = UpstreamTransport.open(local, upstream, timeout, deadline)) {
      Transport t = ut.transport();
      t.setTagOpt(TagOpt.NO_TAGS);
      t.setObjectChecker(check);
      result = t.fetch(check.monitor(), specs);
    } catch (OutOfMemoryError e) {
      // JGit sizes its table of a pack's objects by the count in the pack's header before it
      // reads one, so a header announcing 2^31 objects fails that one allocation ("Requested
      // array size exceeds VM limit"); nothing else was allocated, the heap is as it was
      throw new SyncFailedException("refused what " + upstream.url() + " sent: a pack whose"
          + " header announces more objects than the heap can index (" + e.getMessage() + ")");
    } catch (TransportException | NotSupportedException e) {
      // JGit's pack parser asks the monitor between objects and drops its temporary pack
      checkNotAborted();
      if (check.exceeded() != null) {
        throw new SyncFailedException("refused what " + upstream.url() + " sent: "
            + check.exceeded(), e);
      }
      throw new SyncFailedException("cannot fetch from " + upstream.url() + ": "
          + SyncFailedException.describe(e), e);
    }
    String unsafe;
    try (ObjectReader reader = local.newObjectReader()) {
      unsafe = check.unsafeGitmodules(reader);
    } catch (IOException e) {
      unsafe = "cannot read a .gitmodules it sent: " + e.getMessage();
    }
    if (unsafe != null) {
      dropPacksSince(local, packsBefore);
      throw new SyncFailedException("refused what " + upstream.url() + " sent: " + unsafe);
    }
    Map<String, ObjectId> advertised = new TreeMap<>();
    for (String name : names) {
      Ref r = result.getAdvertisedRef(name);
      if (r != null && r.getObjectId() != null) {
        advertised.put(name, r.getObjectId());
      }
    }
    return advertised;
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
