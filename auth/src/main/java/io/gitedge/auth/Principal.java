package io.gitedge.auth;

import java.util.Objects;
import java.util.Set;

/**
 * Who is asking: a user name and the groups it belongs to, as the identity source said.
 * {@link #ANONYMOUS} stands for a caller that presented no credentials. Immutable.
 */
public record Principal(String name, Set<String> groups, boolean anonymous) {
  /** A caller without credentials. */
  public static final Principal ANONYMOUS = new Principal("anonymous", Set.of(), true);

  public Principal {
    Objects.requireNonNull(name, "name");
    groups = Set.copyOf(groups);
  }

  /** An authenticated user. */
  public static Principal user(String name, Set<String> groups) {
    return new Principal(name, groups, false);
  }
}
