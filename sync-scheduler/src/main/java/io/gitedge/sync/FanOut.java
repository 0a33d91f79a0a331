package io.gitedge.sync;

/**
 * Carries {@link SyncEvent}s to the other gateways of the fleet: HTTP peers (the embedded
 * default) or a message bus. Implementations must return quickly (queue, then send in the
 * background), must not throw, and say in logs and metrics what they could not deliver.
 */
@FunctionalInterface
public interface FanOut {
  /** Tells nobody: a gateway without peers. */
  FanOut NONE = event -> { };

  void publish(SyncEvent event);
}
