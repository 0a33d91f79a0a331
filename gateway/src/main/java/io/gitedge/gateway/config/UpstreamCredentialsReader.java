package io.gitedge.gateway.config;

import io.gitedge.config.ConfigException;
import io.gitedge.config.ConfigMap;
import io.gitedge.config.ConfigNode;
import io.gitedge.store.Upstream;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Reads an upstream's {@code credentials:}: {@code { tokenFile, username }} for HTTP upstreams
 * (optional), {@code { sshKeyFile, knownHostsFile }} for SSH ones (required).
 */
final class UpstreamCredentialsReader {
  private static final String DEFAULT_USERNAME = "x-access-token";

  private UpstreamCredentialsReader() {}

  /**
   * @param section the {@code credentials:} value, if given
   * @param urlNode the upstream's {@code url:}, blamed when an SSH upstream has no credentials
   * @param ssh whether the upstream is reached over SSH
   */
  static Optional<Upstream.Credentials> read(Optional<ConfigNode> section, ConfigNode urlNode,
      boolean ssh) throws ConfigException {
    if (section.isEmpty()) {
      if (ssh) {
        throw urlNode.error("an SSH upstream needs credentials: { sshKeyFile: ...,"
            + " knownHostsFile: ... }");
      }
      return Optional.empty();
    }
    ConfigMap keys = section.get().asMap();
    return Optional.of(ssh ? readSshKey(keys) : readToken(keys));
  }

  private static Upstream.SshKey readSshKey(ConfigMap keys) throws ConfigException {
    ConfigNode keyFile = keys.require("sshKeyFile");
    ConfigNode knownHostsFile = keys.require("knownHostsFile");
    Upstream.SshKey sshKey = new Upstream.SshKey(keyFile.asExistingFile(),
        knownHostsFile.asExistingFile());
    keys.finish();
    return sshKey;
  }

  private static Upstream.Token readToken(ConfigMap keys) throws ConfigException {
    Path tokenFile = keys.require("tokenFile").asExistingFile();
    Optional<ConfigNode> username = keys.get("username");
    keys.finish();
    return new Upstream.Token(
        username.isPresent() ? username.get().asNonBlankString() : DEFAULT_USERNAME, tokenFile);
  }
}
