package io.gitedge.auth;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A central SSH key service: {@code GET <url>?fingerprint=SHA256:...} answers
 * {@code {"user": "...", "groups": [...]}} for a known key and 404 for an unknown one. Immutable.
 *
 * @param url the service
 * @param tokenFile a bearer token for the service, if it wants one (read at every call)
 * @param timeout connect and answer time allowed
 * @param caFile PEM CA certificates to trust, instead of the JVM's
 */
public record HttpKeysConfig(URI url, Optional<Path> tokenFile, Duration timeout,
    Optional<Path> caFile) {
  public HttpKeysConfig {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(tokenFile, "tokenFile");
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(caFile, "caFile");
  }
}
