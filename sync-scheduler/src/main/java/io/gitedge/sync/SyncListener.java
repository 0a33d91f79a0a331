package io.gitedge.sync;

import io.gitedge.store.SyncResult;
import java.util.Set;

/** Told about every finished sync, on the syncing thread; must be quick and must not throw. */
@FunctionalInterface
public interface SyncListener {
  /** Ignores every result. */
  SyncListener NONE = (result, triggers) -> { };

  /**
   * @param triggers the reasons of every request this sync answered
   */
  void onSync(SyncResult result, Set<Trigger> triggers);
}
