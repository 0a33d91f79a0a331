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
  private static final String DEFAULT_USERNAME_CLAIM = "username";
  private static final String DEFAULT_GROUPS_CLAIM = "groups";
  private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

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

  /**
   * Reads the {@code identity.introspection:} section: {@code url}, {@code clientId},
   * {@code audience} and {@code clientSecretFile} are required; the claims default to
   * {@code username} and {@code groups}, the timeout to 5 s.
   *
   * @throws ConfigException naming the line and key of a missing or bad value or an unknown key
   */
  public static IntrospectionConfig read(ConfigNode section) throws ConfigException {
    ConfigMap keys = section.asMap();
    IntrospectionConfig config = new IntrospectionConfig(ServiceUrl.read(keys.require("url")),
        keys.require("clientId").asNonBlankString(), keys.require("audience").asNonBlankString(),
        keys.require("clientSecretFile").asExistingFile(),
        keys.getOrDefault("usernameClaim", ConfigNode::asNonBlankString, DEFAULT_USERNAME_CLAIM),
        keys.getOrDefault("groupsClaim", ConfigNode::asNonBlankString, DEFAULT_GROUPS_CLAIM),
        keys.getOrDefault("timeout", ConfigNode::asDuration, DEFAULT_TIMEOUT),
        keys.get("caFile", ConfigNode::asExistingFile));
    keys.finish();
    return config;
  }
}
