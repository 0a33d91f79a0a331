package io.gitedge.gateway.git;

import io.gitedge.store.Mirror;
import io.gitedge.sync.MirrorAge;
import io.gitedge.sync.SyncPlan;

/**
 * A mirror the caller may read, with the plan that says where it comes from and how old it was
 * when resolved. Immutable.
 */
public record ResolvedMirror(Mirror mirror, SyncPlan plan, MirrorAge age) {
  public String upstreamUrl() {
    return plan.upstream().url();
  }
}
