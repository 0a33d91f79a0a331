package io.gitedge.auth;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What an {@link IdentitySource} says of a credential: it belongs to a principal, it is
 * recognised but not valid, it is not this source's to judge, or the source could not be asked.
 * Reasons are stable codes for logs and metrics ({@code unknown-token}, {@code expired},
 * {@code bad-audience}, {@code revoked}, {@code source-unavailable}, ...), never for clients.
 */
public sealed interface Decision {
  /** The credential is valid and belongs to {@code principal}, until {@code validUntil}. */
  record Accept(Principal principal, Optional<Instant> validUntil) implements Decision {
    public Accept {
      Objects.requireNonNull(principal, "principal");
      Objects.requireNonNull(validUntil, "validUntil");
    }
  }

  /**
   * The credential is this source's, and it is not valid. A refusal that may turn around soon
   * (a key the provider may publish any moment) is not {@code cacheable}.
   */
  record Reject(String reason, boolean cacheable) implements Decision {
    public Reject {
      Objects.requireNonNull(reason, "reason");
    }

    public Reject(String reason) {
      this(reason, true);
    }
  }

  /** Not this source's credential: ask the next one. */
  record Pass(String reason) implements Decision {
    public Pass {
      Objects.requireNonNull(reason, "reason");
    }
  }

  /** The source could not give an answer (down, slow, erroring). */
  record Unavailable(String reason) implements Decision {
    public Unavailable {
      Objects.requireNonNull(reason, "reason");
    }
  }

  static Decision accept(Principal p) {
    return new Accept(p, Optional.empty());
  }

  /** The principal, if this is an {@link Accept}. */
  default Optional<Principal> acceptedPrincipal() {
    return this instanceof Accept a ? Optional.of(a.principal()) : Optional.empty();
  }

  /** The outcome as a metric label: accept, reject, pass or unavailable. */
  default String outcome() {
    if (this instanceof Accept) {
      return "accept";
    }
    if (this instanceof Reject) {
      return "reject";
    }
    return this instanceof Pass ? "pass" : "unavailable";
  }
}
