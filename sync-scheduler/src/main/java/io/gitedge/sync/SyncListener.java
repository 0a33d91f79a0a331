package io.gitedge.sync;

import io.gitedge.store.SyncResult;
import java.util.List;
import java.util.Set;
import org.slf4j.LoggerFactory;

/** Told about every finished sync, on the syncing thread; must be quick and must not throw. */
@FunctionalInterface
public interface SyncListener {
  /** Ignores every result. */
  SyncListener NONE = (result, triggers) -> { };

  /**
   * @param triggers the reasons of every request this sync answered
   */
  void onSync(SyncResult result, Set<Trigger> triggers);

  /**
   * Tells {@code listeners} in this order; one that throws is logged and does not keep the
   * others from hearing.
   */
  static SyncListener inOrder(List<SyncListener> listeners) {
    List<SyncListener> all = List.copyOf(listeners);
    return (result, triggers) -> {
      for (SyncListener l : all) {
        try {
          l.onSync(result, triggers);
        } catch (RuntimeException e) {
          LoggerFactory.getLogger(SyncListener.class).warn("a sync listener failed for {}",
              result.name(), e);
        }
      }
    };
  }
}
