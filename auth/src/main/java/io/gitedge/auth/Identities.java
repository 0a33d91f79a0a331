package io.gitedge.auth;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The users of an identity file: for each, its groups and the hashes of its tokens. Immutable.
 *
 * @param users users by name, in file order
 */
record Identities(Map<String, User> users) {
  public Identities {
    users = Map.copyOf(users);
  }

  /** One user of the identity file. */
  public record User(String name, Set<String> groups, List<TokenHash> tokens,
      List<SshKey> sshKeys) {
    public User {
      Objects.requireNonNull(name, "name");
      groups = Set.copyOf(groups);
      tokens = List.copyOf(tokens);
      sshKeys = List.copyOf(sshKeys);
    }
  }
}
