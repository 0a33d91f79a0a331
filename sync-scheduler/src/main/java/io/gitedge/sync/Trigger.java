package io.gitedge.sync;

/** Why a sync was asked for; a sync that several requests share carries all their reasons. */
public enum Trigger {
  /** The first sync after start. */
  START,
  /** The mirror's interval passed (or its backoff after a failure). */
  SCHEDULE,
  /** The upstream said it changed. */
  WEBHOOK,
  /** Another region's gateway said the upstream changed. */
  PEER,
  /** A client read a mirror older than its freshness bound, or wanted an object it lacks. */
  READ,
  /** A client asked for a repository that is mirrored on demand and not there yet. */
  ON_DEMAND,
  /** An operator asked. */
  ADMIN
}
