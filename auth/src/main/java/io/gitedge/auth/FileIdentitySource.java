package io.gitedge.auth;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Recognises the tokens (stored as hashes) and SSH keys (by fingerprint) listed in an identity
 * file, and knows its users by name. Every token lookup compares the presented token's hash with
 * every stored hash in constant time and without stopping at a match, so response time says
 * nothing about which hashes exist. Immutable and thread-safe.
 */
final class FileIdentitySource implements IdentitySource {
  private record Entry(TokenHash hash, Principal principal) {}

  private final List<Entry> tokens;
  private final Map<SshKey, Principal> keys = new HashMap<>();
  private final Map<String, Principal> users = new HashMap<>();

  public FileIdentitySource(Identities identities) {
    List<Entry> e = new ArrayList<>();
    for (Identities.User u : identities.users().values()) {
      Principal p = Principal.user(u.name(), u.groups());
      users.put(u.name(), p);
      for (TokenHash h : u.tokens()) {
        e.add(new Entry(h, p));
      }
      for (SshKey k : u.sshKeys()) {
        keys.put(k, p);
      }
    }
    this.tokens = List.copyOf(e);
  }

  @Override
  public Decision decide(Credential credential) {
    if (credential instanceof AccessToken token) {
      return byToken(token).map(Decision::accept).orElse(new Decision.Pass("unknown-token"));
    }
    if (credential instanceof SshKey key) {
      Principal p = keys.get(key);
      return p != null ? Decision.accept(p) : new Decision.Pass("unknown-key");
    }
    return new Decision.Pass("not-a-file-credential");
  }

  private Optional<Principal> byToken(AccessToken token) {
    TokenHash presented = token.hash();
    Principal found = null;
    for (Entry e : tokens) {
      if (e.hash().matches(presented)) {
        found = e.principal();
      }
    }
    return Optional.ofNullable(found);
  }

  /** The user called {@code name}, if the file lists one. */
  public Optional<Principal> user(String name) {
    return Optional.ofNullable(users.get(name));
  }
}
