package io.gitedge.store;

import java.io.IOException;
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
    return FileMirrorStore.open(config);
  }

  /** The mirror named {@code name}, if it exists. The handle stays valid until {@link #close}. */
  Optional<Mirror> find(MirrorName name) throws IOException;

  /**
   * Creates the mirror from {@code upstream}, or brings it up to date. Blocks while another sync
   * of the same mirror runs. Never throws for upstream or disk trouble: the result says
   * {@link SyncResult.Outcome#FAILED} and the mirror's state records the error.
   */
  SyncResult sync(MirrorName name, Upstream upstream);

  /** The recorded freshness of {@code name}, if it was ever synced. */
  Optional<MirrorState> state(MirrorName name);

  /** Releases repositories and the lock on the root. */
  @Override
  void close();
}
