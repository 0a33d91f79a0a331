package io.gitedge.gateway.config;

import io.gitedge.auth.AccessPolicy;
import io.gitedge.config.ConfigException;
import io.gitedge.config.ConfigMap;
import io.gitedge.config.ConfigNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Reads the {@code access:} section into an {@link AccessConfig}. */
final class AccessConfigReader {
  private static final boolean DEFAULT_ANONYMOUS_READ = false;

  /** Without an {@code access:} section: no anonymous reads and no rules. */
  static final AccessConfig DEFAULT = new AccessConfig(DEFAULT_ANONYMOUS_READ, List.of());

  private AccessConfigReader() {}

  static AccessConfig read(ConfigNode section) throws ConfigException {
    ConfigMap keys = section.asMap();
    boolean anonymousRead = keys.getOrDefault("anonymousRead", ConfigNode::asBoolean,
        DEFAULT_ANONYMOUS_READ);
    List<AccessPolicy.Rule> rules = new ArrayList<>();
    for (ConfigNode rule : keys.list("rules")) {
      rules.add(readRule(rule));
    }
    keys.finish();
    return new AccessConfig(anonymousRead, rules);
  }

  /** {@code repos} (a glob) and the {@code users} and {@code groups} that may read them. */
  private static AccessPolicy.Rule readRule(ConfigNode rule) throws ConfigException {
    ConfigMap keys = rule.asMap();
    ConfigNode repos = keys.require("repos");
    Set<String> users = new LinkedHashSet<>(
        keys.getOrDefault("users", ConfigNode::asStringList, List.of()));
    Set<String> groups = new LinkedHashSet<>(
        keys.getOrDefault("groups", ConfigNode::asStringList, List.of()));
    keys.finish();
    try {
      return new AccessPolicy.Rule(repos.asNonBlankString(), users, groups);
    } catch (IllegalArgumentException e) {
      throw rule.error(e.getMessage());
    }
  }
}
