package io.gitedge.gateway.config;

import io.gitedge.auth.SshKey;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Where callers' identities come from. Immutable.
 *
 * @param file the identity file (users, groups, token hashes, SSH keys)
 * @param sshCertificateAuthorities CA keys whose OpenSSH user certificates log users in
 */
public record IdentityConfig(Path file, List<SshKey> sshCertificateAuthorities) {
  public IdentityConfig {
    Objects.requireNonNull(file, "file");
    sshCertificateAuthorities = List.copyOf(sshCertificateAuthorities);
  }
}
