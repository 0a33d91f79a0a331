package io.gitedge.store;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.errors.TransportException;
import org.eclipse.jgit.internal.storage.file.ObjectDirectory;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.ObjectWalk;
import org.eclipse.jgit.transport.FetchConnection;
import org.eclipse.jgit.transport.PackLock;

/**
 * One listing of an upstream and at most one fetch of objects its refs point at, over the
 * same connection (over HTTP: wants by id from that listing). Closing it closes the
 * connection.
 */
final class UpstreamConversation implements AutoCloseable {
  private final MirrorFetcher fetcher;
  private final Repository local;
  private final Upstream upstream;
  private final UpstreamTransport transport;
  private final FetchConnection connection;
  private final IngestCheck check;
  private final Map<String, Ref> refs;
  private boolean fetched;

  UpstreamConversation(MirrorFetcher fetcher, Repository local, Upstream upstream,
      UpstreamTransport transport, FetchConnection connection, IngestCheck check,
      Map<String, Ref> refs) {
    this.fetcher = fetcher;
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
    fetcher.checkNotAborted();
    Set<String> packsBefore = packs(local);
    SyncTracker progress = fetcher.progress();
    progress.phase(SyncProgress.Phase.FETCHING);
    try {
      connection.fetch(check.monitor(progress), wants, Set.of());
    } catch (OutOfMemoryError e) {
      // JGit sizes its table of a pack's objects by the count in the pack's header before it
      // reads one, so a header announcing 2^31 objects fails that one allocation ("Requested
      // array size exceeds VM limit"); nothing else was allocated, the heap is as it was
      throw new SyncFailedException("refused what " + upstream.url() + " sent: a pack whose"
          + " header announces more objects than the heap can index (" + e.getMessage()
          + ")");
    } catch (TransportException e) {
      // JGit's pack parser asks the monitor between objects and drops its temporary pack
      fetcher.checkNotAborted();
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
    progress.phase(SyncProgress.Phase.CHECKING);
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
}
