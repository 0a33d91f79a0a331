package io.gitedge.gateway.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where callers' identities come from. Immutable.
 *
 * @param file the identity file (users, groups, token hashes)
 */
public record IdentityConfig(Path file) {
  public IdentityConfig {
    Objects.requireNonNull(file, "file");
  }
}
