/**
 * Bare mirror repositories on disk, with JGit: {@link io.gitedge.store.MirrorStore} creates and
 * syncs them from an {@link io.gitedge.store.Upstream} (all ref changes of one sync in one atomic
 * batch, tag policy, ingest limits, repacks), {@link io.gitedge.store.Mirror} is an open one,
 * {@link io.gitedge.store.MirrorName} a validated name. Knows nothing of identities, schedules or
 * transports.
 */
package io.gitedge.store;
