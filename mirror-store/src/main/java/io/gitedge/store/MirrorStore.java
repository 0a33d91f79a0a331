package io.gitedge.store;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * The bare mirrors on disk: finds them for serving, and creates or updates them from their
 * upstreams.
 *
 * <p>Guarantees: a mirror appears only once its first sync completed (it is built in a scratch
 * folder and renamed into place); all ref changes of one sync are applied as one atomic batch, so
 * readers see the old set of refs or the new one, never a mix; a failed sync changes no ref; at
 * most one sync per mirror runs at a time. Implementations are thread-safe.
 */
public interface MirrorStore extends AutoCloseable {
  /**
   * Opens the store rooted at {@code config.root()}, creating the folder, taking an exclusive
   * lock on it (two processes must never write the same mirrors) and removing what an
   * interrupted creation left behind.
   *
   * @throws IOException if the folder cannot be created or another process holds it
   */
  static MirrorStore open(StoreConfig config) throws IOException {
    return FileMirrorStore.open(config, TagPins.NONE);
  }

  /**
   * {@link #open(StoreConfig)} for a gateway in a fleet: a sync that would create a tag takes
   * the commit {@code pins} says the fleet serves for it, when the upstream has moved it since.
   */
  static MirrorStore open(StoreConfig config, TagPins pins) throws IOException {
    return FileMirrorStore.open(config, pins);
  }

  /** The mirror named {@code name}, if it exists. The handle stays valid until {@link #close}. */
  Optional<Mirror> find(MirrorName name) throws IOException;

  /**
   * Creates the mirror from {@code upstream}, or brings it up to date under {@code policy}.
   * Blocks while another sync of the same mirror runs. Never throws for upstream or disk
   * trouble: the result says {@link SyncResult.Outcome#FAILED} (or
   * {@link SyncResult.Outcome#HELD} for a sync that would delete more than half the refs) and
   * the mirror's state records why. A failed sync also clears lock files left in the mirror, so
   * the next one is not blocked by them.
   */
  SyncResult sync(MirrorName name, Upstream upstream, MirrorPolicy policy);

  /** {@link #sync(MirrorName, Upstream, MirrorPolicy)} with immutable tags. */
  default SyncResult sync(MirrorName name, Upstream upstream) {
    return sync(name, upstream, MirrorPolicy.DEFAULT);
  }

  /**
   * Lets the next sync of {@code name} apply deletions of more than half its refs, which it
   * would otherwise hold for an operator (an approval lasts for one sync).
   */
  void approveMassDelete(MirrorName name);

  /**
   * Aborts the running syncs at their next safe point and fails every sync from now on, for a
   * gateway that is stopping; returns at once. An aborted sync changes no ref (its ref batch,
   * if it got that far, applied whole before the abort was seen), removes what it was writing
   * (its temporary pack, a new mirror's scratch folder) and records the abort as its error, so
   * the next start syncs the mirror again. The safe points: before each upstream round trip,
   * between the objects of the pack being received, before the ref batch and before a repack.
   * A sync blocked on a silent upstream sees the abort when its data arrives or its
   * {@code fetchTimeout} passes.
   */
  void abortSyncs();

  /** The mirrors on disk, by name. */
  List<MirrorName> mirrors() throws IOException;

  /** The recorded freshness of {@code name}, if it was ever synced. */
  Optional<MirrorState> state(MirrorName name);

  /**
   * How far the sync of {@code name} running now has got (phase, objects and bytes received,
   * rate), for the operator's views; empty when none runs. Cheap: a snapshot of counters the
   * sync keeps anyway, safe to call from any thread as often as a page is drawn. A sync still
   * running after a few seconds also logs this periodically ({@link
   * StoreConfig#progressInterval()}). A store that does not track its syncs says empty.
   */
  default Optional<SyncProgress> progress(MirrorName name) {
    return Optional.empty();
  }

  /** Releases repositories and the lock on the root. */
  @Override
  void close();
}
