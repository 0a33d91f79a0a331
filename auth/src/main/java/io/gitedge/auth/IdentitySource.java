package io.gitedge.auth;

import java.util.List;
import java.util.Optional;

/**
 * Decides who presented a credential. Implementations are thread-safe and synchronous, have no
 * side effects on the caller's session, and never throw for a merely wrong credential: they
 * answer with a {@link Decision} whose reason code goes to logs and metrics.
 */
@FunctionalInterface
public interface IdentitySource {
  /** Recognises nothing. */
  IdentitySource NONE = credential -> new Decision.Pass("no-source");

  Decision decide(Credential credential);

  /** The principal {@code credential} belongs to, if it is accepted. */
  default Optional<Principal> authenticate(Credential credential) {
    return decide(credential).acceptedPrincipal();
  }

  /**
   * Asks {@code sources} in order; the first that recognises a credential (accepts, rejects or
   * cannot answer) decides. A credential no source recognises is refused as
   * {@code unknown-credential}.
   */
  static IdentitySource firstOf(List<IdentitySource> sources) {
    List<IdentitySource> chain = List.copyOf(sources);
    return credential -> {
      for (IdentitySource s : chain) {
        Decision d = s.decide(credential);
        if (!(d instanceof Decision.Pass)) {
          return d;
        }
      }
      return new Decision.Reject("unknown-credential");
    };
  }
}
