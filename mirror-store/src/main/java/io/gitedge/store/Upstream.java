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

  /**
   * HTTP credentials: a user name and a file holding the token used as password. The file is
   * read at every sync, so a rotated token takes effect without a restart.
   */
  public record Credentials(String username, Path tokenFile) {
    public Credentials {
      Objects.requireNonNull(username, "username");
      Objects.requireNonNull(tokenFile, "tokenFile");
    }
  }

  @Override
  public String toString() {
    return url;
  }
}
