package io.gitedge.store;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Where one mirror is fetched from: the repository URL (https, http, ssh or file) and, when the
 * upstream needs them, credentials. Immutable.
 *
 * @param url the upstream repository URL, never containing credentials
 * @param credentials how to authenticate to it, if at all
 */
public record Upstream(String url, Optional<Credentials> credentials) {
  public Upstream {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(credentials, "credentials");
  }

  /** How the gateway authenticates to an upstream. Files are read at every sync. */
  public sealed interface Credentials permits Token, SshKey {}

  /**
   * HTTP Basic with a user name and a token read from a file as the password, so a rotated token
   * takes effect without a restart.
   */
  public record Token(String username, Path tokenFile) implements Credentials {
    public Token {
      Objects.requireNonNull(username, "username");
      Objects.requireNonNull(tokenFile, "tokenFile");
    }
  }

  /**
   * SSH public key authentication with an unencrypted OpenSSH or PEM private key, against a
   * server whose host key must be listed in {@code knownHostsFile} (unknown or changed host keys
   * fail the sync; nothing is ever added to the file).
   */
  public record SshKey(Path privateKeyFile, Path knownHostsFile) implements Credentials {
    public SshKey {
      Objects.requireNonNull(privateKeyFile, "privateKeyFile");
      Objects.requireNonNull(knownHostsFile, "knownHostsFile");
    }
  }

  @Override
  public String toString() {
    return url;
  }
}
