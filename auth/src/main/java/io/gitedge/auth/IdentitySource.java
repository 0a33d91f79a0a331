package io.gitedge.auth;

import java.util.List;
import java.util.Optional;

/**
 * Decides who presented a credential. Implementations are thread-safe and synchronous, have no
 * side effects, return empty for a credential they do not recognise (logging why under a stable
 * reason code), and never throw for a merely wrong one.
 */
@FunctionalInterface
public interface IdentitySource {
  /** Recognises nothing. */
  IdentitySource NONE = credential -> Optional.empty();

  /** The principal {@code credential} belongs to, or empty when it is unknown or invalid. */
  Optional<Principal> authenticate(Credential credential);

  /** Asks {@code sources} in order; the first that recognises a credential decides. */
  static IdentitySource firstOf(List<IdentitySource> sources) {
    List<IdentitySource> chain = List.copyOf(sources);
    return credential -> {
      for (IdentitySource s : chain) {
        Optional<Principal> p = s.authenticate(credential);
        if (p.isPresent()) {
          return p;
        }
      }
      return Optional.empty();
    };
  }
}
