package io.gitedge.auth;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Recognises the tokens listed (as hashes) in an identity file. Every lookup compares the
 * presented token's hash with every stored hash in constant time and without stopping at a match,
 * so response time says nothing about which hashes exist. Immutable and thread-safe.
 */
public final class FileIdentitySource implements IdentitySource {
  private record Entry(TokenHash hash, Principal principal) {}

  private final List<Entry> entries;

  public FileIdentitySource(Identities identities) {
    List<Entry> e = new ArrayList<>();
    for (Identities.User u : identities.users().values()) {
      Principal p = Principal.user(u.name(), u.groups());
      for (TokenHash h : u.tokens()) {
        e.add(new Entry(h, p));
      }
    }
    this.entries = List.copyOf(e);
  }

  @Override
  public Optional<Principal> authenticate(AccessToken token) {
    TokenHash presented = token.hash();
    Principal found = null;
    for (Entry e : entries) {
      if (e.hash().matches(presented)) {
        found = e.principal();
      }
    }
    return Optional.ofNullable(found);
  }
}
