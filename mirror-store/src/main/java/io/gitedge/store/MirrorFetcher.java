package io.gitedge.store;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import org.eclipse.jgit.errors.NotSupportedException;
import org.eclipse.jgit.errors.TransportException;
import org.eclipse.jgit.lib.BatchRefUpdate;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.NullProgressMonitor;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.transport.FetchConnection;
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
 * and the like). One listing decides a sync ({@link UpstreamConversation}): the plan is made from it
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
  private final SyncTracker progress;

  /**
   * A fetcher for one sync: every upstream connection it opens may stay silent for
   * {@code timeout}, and all of them together must be done {@code maxTime} from now.
   *
   * @param aborted whether the store is aborting its syncs ({@link MirrorStore#abortSyncs})
   * @param progress counts what the sync's conversations bring, for {@link SyncProgress}
   */
  MirrorFetcher(Duration timeout, IngestLimits limits, Duration maxTime,
      BooleanSupplier aborted, SyncTracker progress) {
    this.timeout = timeout;
    this.limits = limits;
    this.deadline = FetchDeadline.in(maxTime);
    this.aborted = aborted;
    this.progress = progress;
  }

  /** A fetcher with the default time bound that is never aborted nor watched (listings). */
  MirrorFetcher(Duration timeout, IngestLimits limits) {
    this(timeout, limits, StoreConfig.DEFAULT_MAX_FETCH_TIME, () -> false,
        SyncTracker.untracked());
  }

  /** The sync's progress, which its conversations update. */
  SyncTracker progress() {
    return progress;
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
    try (UpstreamConversation c = open(local, upstream)) {
      return c.refs();
    }
  }

  /**
   * Opens a conversation with {@code upstream}: its listing now, and later the objects of refs
   * of that same listing ({@link UpstreamConversation#fetch}). A sync plans and fetches from one
   * listing, so what it applies is one state the upstream had: a second listing (JGit's fetch
   * by name lists again, and in protocol v2 lists only the names asked for) could carry the
   * heads of a push made in between without that push's new tag.
   *
   * @param local the mirror the objects go into, or null for a listing only
   */
  UpstreamConversation open(Repository local, Upstream upstream) throws SyncFailedException {
    checkNotAborted();
    progress.phase(SyncProgress.Phase.LISTING);
    IngestCheck check = new IngestCheck(limits, aborted);
    UpstreamTransport ut = UpstreamTransport.open(local, upstream, timeout, deadline, progress);
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
      return new UpstreamConversation(this, local, upstream, ut, c, check, refs);
    } catch (TransportException | NotSupportedException e) {
      ut.close();
      throw new SyncFailedException("cannot list refs of " + upstream.url() + ": "
          + SyncFailedException.describe(e), e);
    } catch (RuntimeException e) {
      ut.close();
      throw e;
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
