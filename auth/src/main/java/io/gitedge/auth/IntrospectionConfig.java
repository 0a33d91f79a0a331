package io.gitedge.auth;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How opaque tokens are checked with an RFC 7662 introspection endpoint. Immutable.
 *
 * @param url the introspection endpoint
 * @param clientId this gateway's client id at the provider
 * @param audience what an accepted token's {@code aud} must contain: tokens the provider issued
 *     for other services are refused
 * @param clientSecretFile the file holding the client secret (read at every call)
 * @param usernameClaim the field naming the user; {@code sub} when absent
 * @param groupsClaim the field listing the user's groups
 * @param timeout connect and answer time allowed
 * @param caFile PEM CA certificates to trust, instead of the JVM's
 */
public record IntrospectionConfig(URI url, String clientId, String audience,
    Path clientSecretFile,
    String usernameClaim, String groupsClaim, Duration timeout, Optional<Path> caFile) {
  public IntrospectionConfig {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(clientId, "clientId");
    Objects.requireNonNull(audience, "audience");
    Objects.requireNonNull(clientSecretFile, "clientSecretFile");
    Objects.requireNonNull(usernameClaim, "usernameClaim");
    Objects.requireNonNull(groupsClaim, "groupsClaim");
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(caFile, "caFile");
  }
}
