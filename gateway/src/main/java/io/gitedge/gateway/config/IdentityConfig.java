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
 * @param sshRevokedKeys keys that never log in: users' keys, certified keys or CA keys
 */
public record IdentityConfig(Path file, List<SshKey> sshCertificateAuthorities,
    List<SshKey> sshRevokedKeys) {
  public IdentityConfig {
    Objects.requireNonNull(file, "file");
    sshCertificateAuthorities = List.copyOf(sshCertificateAuthorities);
    sshRevokedKeys = List.copyOf(sshRevokedKeys);
  }
}
