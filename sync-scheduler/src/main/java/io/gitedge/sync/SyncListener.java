package io.gitedge.sync;

import io.gitedge.store.SyncResult;

/** Told about every finished sync, on the syncing thread; must be quick and must not throw. */
@FunctionalInterface
public interface SyncListener {
  /** Ignores every result. */
  SyncListener NONE = result -> { };

  void onSync(SyncResult result);
}
