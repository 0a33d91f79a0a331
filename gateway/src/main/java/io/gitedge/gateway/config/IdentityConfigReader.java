package io.gitedge.gateway.config;

import io.gitedge.auth.HttpKeysConfig;
import io.gitedge.auth.IdentityCacheConfig;
import io.gitedge.auth.IntrospectionConfig;
import io.gitedge.auth.OidcConfig;
import io.gitedge.auth.SshKey;
import io.gitedge.config.ConfigException;
import io.gitedge.config.ConfigMap;
import io.gitedge.config.ConfigNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads the {@code identity:} section into an {@link IdentityConfig}; the remote sources'
 * subsections are read by their records in auth ({@link OidcConfig#read} and the like).
 */
final class IdentityConfigReader {
  private IdentityConfigReader() {}

  static IdentityConfig read(ConfigNode section) throws ConfigException {
    ConfigMap keys = section.asMap();
    Path file = keys.require("file").asExistingFile();
    List<SshKey> certificateAuthorities = readSshKeys(keys.list("sshCertificateAuthorities"));
    List<SshKey> revokedKeys = readSshKeys(keys.list("sshRevokedKeys"));
    Optional<OidcConfig> oidc = keys.get("oidc", OidcConfig::read);
    Optional<IntrospectionConfig> introspection =
        keys.get("introspection", IntrospectionConfig::read);
    Optional<HttpKeysConfig> httpKeys = keys.get("httpKeys", HttpKeysConfig::read);
    IdentityCacheConfig cache = IdentityCacheConfig.read(keys);
    keys.finish();
    return new IdentityConfig(file, oidc, introspection, httpKeys, certificateAuthorities,
        revokedKeys, cache);
  }

  /** OpenSSH public key lines ({@code ssh-ed25519 AAAA... comment}). */
  private static List<SshKey> readSshKeys(List<ConfigNode> lines) throws ConfigException {
    List<SshKey> keys = new ArrayList<>();
    for (ConfigNode line : lines) {
      try {
        keys.add(SshKey.fromOpenSshLine(line.asNonBlankString()));
      } catch (IllegalArgumentException e) {
        throw line.error(e.getMessage());
      }
    }
    return keys;
  }
}
