package io.gitedge.auth;

import java.util.Optional;

/**
 * Decides who presented a credential. Implementations are thread-safe; they return empty for a
 * credential they do not recognise and never throw for a merely wrong one.
 */
@FunctionalInterface
public interface IdentitySource {
  /** Recognises nothing: every caller stays anonymous. */
  IdentitySource NONE = token -> Optional.empty();

  /** The principal {@code token} belongs to, or empty when it is unknown, revoked or malformed. */
  Optional<Principal> authenticate(AccessToken token);
}
