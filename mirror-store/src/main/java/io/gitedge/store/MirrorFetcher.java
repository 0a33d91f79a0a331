package io.gitedge.store;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.eclipse.jgit.errors.NotSupportedException;
import org.eclipse.jgit.errors.TransportException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.NullProgressMonitor;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.FetchConnection;
import org.eclipse.jgit.transport.FetchResult;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.TagOpt;
import org.eclipse.jgit.transport.TrackingRefUpdate;
import org.eclipse.jgit.transport.Transport;

/**
 * The upstream side of a sync, with JGit's transport: list the upstream's refs, fetch the
 * changes, check every ref update, follow the upstream's HEAD.
 *
 * <p>Only {@code refs/heads/*} and {@code refs/tags/*} are mirrored (never {@code refs/pull/*}
 * and the like), force updates included, deletions pruned. JGit applies all ref changes of one
 * fetch as one {@code BatchRefUpdate}, which the files ref database performs atomically (it
 * rewrites {@code packed-refs} with one rename); if any command fails, all are rejected. JGit
 * still returns normally in that case, so every {@link TrackingRefUpdate} is checked here.
 */
final class MirrorFetcher {
  static final List<RefSpec> REFSPECS = List.of(
      new RefSpec("+refs/heads/*:refs/heads/*"),
      new RefSpec("+refs/tags/*:refs/tags/*"));

  private final Duration timeout;

  MirrorFetcher(Duration timeout) {
    this.timeout = timeout;
  }

  /** The upstream's HEAD and its branches and tags (peeled entries left out). */
  Map<String, Ref> listRemote(Repository local, Upstream upstream) throws SyncFailedException {
    try (UpstreamTransport t = UpstreamTransport.open(local, upstream, timeout);
        FetchConnection c = t.transport().openFetch(REFSPECS, Constants.HEAD)) {
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

  /** Whether local branches and tags equal {@code remote}'s, name for name and id for id. */
  static boolean upToDate(Repository local, Map<String, Ref> remote) throws IOException {
    Map<String, ObjectId> have = new TreeMap<>();
    for (Ref r : local.getRefDatabase().getRefsByPrefix(Constants.R_HEADS, Constants.R_TAGS)) {
      have.put(r.getName(), r.getObjectId());
    }
    Map<String, ObjectId> want = new TreeMap<>();
    remote.values().stream().filter(r -> isMirrored(r.getName()))
        .forEach(r -> want.put(r.getName(), r.getObjectId()));
    return have.equals(want);
  }

  /**
   * Fetches branches and tags, pruning what the upstream deleted, and checks each ref update.
   *
   * @return the refs that changed
   * @throws SyncFailedException if the transfer failed or any ref update was refused (in which
   *     case the atomic batch changed no ref)
   */
  List<RefChange> fetch(Repository local, Upstream upstream) throws SyncFailedException {
    FetchResult result;
    try (UpstreamTransport ut = UpstreamTransport.open(local, upstream, timeout)) {
      Transport t = ut.transport();
      t.setRemoveDeletedRefs(true);
      t.setTagOpt(TagOpt.NO_TAGS);
      result = t.fetch(NullProgressMonitor.INSTANCE, REFSPECS);
    } catch (TransportException | NotSupportedException e) {
      throw new SyncFailedException("cannot fetch from " + upstream.url() + ": "
          + SyncFailedException.describe(e), e);
    }
    List<RefChange> changes = new ArrayList<>();
    List<String> refused = new ArrayList<>();
    for (TrackingRefUpdate u : result.getTrackingRefUpdates()) {
      switch (u.getResult()) {
        case NO_CHANGE -> { }
        case NEW, FAST_FORWARD, FORCED -> changes.add(new RefChange(u.getLocalName(),
            u.getOldObjectId().name(), u.getNewObjectId().name()));
        default -> refused.add(u.getLocalName() + " (" + u.getResult() + ")");
      }
    }
    if (!refused.isEmpty()) {
      throw new SyncFailedException("ref updates refused, no ref changed: "
          + String.join(", ", refused));
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
