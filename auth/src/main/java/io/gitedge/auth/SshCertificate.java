package io.gitedge.auth;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * An OpenSSH certificate a caller logged in with, as the SSH layer read it after verifying the
 * CA's signature over it and the caller's signature with the certified key. Immutable.
 *
 * @param keyId the certificate's key id, for logs
 * @param key the certified key, the one the client signs with
 * @param userCertificate true for a user certificate, false for a host certificate
 * @param authority the CA key that signed it
 * @param principals the names it is valid for
 * @param validAfter start of the validity window
 * @param validBefore end of the validity window (exclusive)
 * @param criticalOptions names of its critical options ({@code force-command}, ...)
 * @param login the user name the client logged in as
 */
public record SshCertificate(String keyId, SshKey key, boolean userCertificate, SshKey authority,
    List<String> principals, Instant validAfter, Instant validBefore,
    Set<String> criticalOptions, String login) implements Credential {
  public SshCertificate {
    Objects.requireNonNull(keyId, "keyId");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(authority, "authority");
    principals = List.copyOf(principals);
    Objects.requireNonNull(validAfter, "validAfter");
    Objects.requireNonNull(validBefore, "validBefore");
    criticalOptions = Set.copyOf(criticalOptions);
    Objects.requireNonNull(login, "login");
  }
}
