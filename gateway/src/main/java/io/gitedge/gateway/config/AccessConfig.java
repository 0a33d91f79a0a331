package io.gitedge.gateway.config;

import io.gitedge.auth.AccessPolicy;
import java.util.List;

/**
 * Who may read what. Immutable.
 *
 * @param anonymousRead whether callers without credentials may read every mirror
 * @param rules repository globs and the users and groups that may read them
 */
public record AccessConfig(boolean anonymousRead, List<AccessPolicy.Rule> rules) {
  public AccessConfig {
    rules = List.copyOf(rules);
  }

  public AccessPolicy toPolicy() {
    return new AccessPolicy(anonymousRead, rules);
  }
}
