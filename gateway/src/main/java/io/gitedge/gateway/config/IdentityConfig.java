package io.gitedge.gateway.config;

import io.gitedge.auth.HttpKeysConfig;
import io.gitedge.auth.IdentityCacheConfig;
import io.gitedge.auth.IntrospectionConfig;
import io.gitedge.auth.OidcConfig;
import io.gitedge.auth.SshKey;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Where callers' identities come from, asked in this order: the identity file, the OIDC
 * provider (JWTs), the introspection endpoint (opaque tokens), the central SSH key service, the
 * SSH certificate authorities. Immutable.
 *
 * @param file the identity file (users, groups, token hashes, SSH keys), reloaded when it changes
 * @param oidc JWT access tokens checked against a provider's keys
 * @param introspection opaque tokens checked with RFC 7662
 * @param httpKeys SSH keys looked up centrally
 * @param sshCertificateAuthorities CA keys whose OpenSSH user certificates log users in
 * @param sshRevokedKeys keys that never log in: users' keys, certified keys or CA keys
 * @param cache how long the remote sources' answers are kept
 */
public record IdentityConfig(Path file, Optional<OidcConfig> oidc,
    Optional<IntrospectionConfig> introspection, Optional<HttpKeysConfig> httpKeys,
    List<SshKey> sshCertificateAuthorities, List<SshKey> sshRevokedKeys,
    IdentityCacheConfig cache) {
  public IdentityConfig {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(oidc, "oidc");
    Objects.requireNonNull(introspection, "introspection");
    Objects.requireNonNull(httpKeys, "httpKeys");
    sshCertificateAuthorities = List.copyOf(sshCertificateAuthorities);
    sshRevokedKeys = List.copyOf(sshRevokedKeys);
    Objects.requireNonNull(cache, "cache");
  }
}
