package io.gitedge.auth;

import io.gitedge.config.ConfigException;
import io.gitedge.config.ConfigMap;
import io.gitedge.config.ConfigNode;
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
  private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

  public HttpKeysConfig {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(tokenFile, "tokenFile");
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(caFile, "caFile");
  }

  /**
   * Reads the {@code identity.httpKeys:} section: {@code url} is required, the timeout defaults
   * to 5 s.
   *
   * @throws ConfigException naming the line and key of a missing or bad value or an unknown key
   */
  public static HttpKeysConfig read(ConfigNode section) throws ConfigException {
    ConfigMap keys = section.asMap();
    URI url = ServiceUrl.read(keys.require("url"));
    HttpKeysConfig config = new HttpKeysConfig(url,
        keys.get("tokenFile", ConfigNode::asExistingFile),
        keys.getOrDefault("timeout", ConfigNode::asDuration, DEFAULT_TIMEOUT),
        keys.get("caFile", ConfigNode::asExistingFile));
    keys.finish();
    return config;
  }
}
