package io.gitedge.auth;

import io.gitedge.config.ConfigException;
import io.gitedge.config.ConfigMap;
import io.gitedge.config.ConfigNode;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * How JWT access tokens from an OpenID Connect provider are checked. Immutable.
 *
 * @param issuer the {@code iss} every token must carry; its discovery document is
 *     {@code <issuer>/.well-known/openid-configuration}
 * @param audience an {@code aud} every token must carry
 * @param jwksUri where the signing keys are, instead of asking the discovery document
 * @param algorithms the only signature algorithms accepted (RS256, ES256, EdDSA, ...)
 * @param usernameClaim the claim naming the user; {@code sub} when the token lacks it
 * @param groupsClaim the claim listing the user's groups
 * @param clockSkew tolerance for {@code exp} and {@code nbf}, at most 60 s
 * @param timeout connect and answer time allowed to the provider
 * @param caFile PEM CA certificates to trust for the provider, instead of the JVM's
 */
public record OidcConfig(URI issuer, String audience, Optional<URI> jwksUri,
    List<String> algorithms, String usernameClaim, String groupsClaim, Duration clockSkew,
    Duration timeout, Optional<Path> caFile) {
  private static final Set<String> ACCEPTED_ALGORITHMS = Set.of("RS256", "RS384", "RS512", "PS256",
      "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA");
  private static final List<String> DEFAULT_ALGORITHMS = List.of("RS256");
  private static final String DEFAULT_USERNAME_CLAIM = "preferred_username";
  private static final String DEFAULT_GROUPS_CLAIM = "groups";
  private static final Duration MAX_CLOCK_SKEW = Duration.ofSeconds(60);
  private static final Duration DEFAULT_CLOCK_SKEW = MAX_CLOCK_SKEW;
  private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

  public OidcConfig {
    Objects.requireNonNull(issuer, "issuer");
    Objects.requireNonNull(audience, "audience");
    Objects.requireNonNull(jwksUri, "jwksUri");
    algorithms = List.copyOf(algorithms);
    if (algorithms.isEmpty()) {
      throw new IllegalArgumentException("at least one algorithm is needed");
    }
    Objects.requireNonNull(usernameClaim, "usernameClaim");
    Objects.requireNonNull(groupsClaim, "groupsClaim");
    if (clockSkew.isNegative() || clockSkew.compareTo(MAX_CLOCK_SKEW) > 0) {
      throw new IllegalArgumentException("clock skew must be between 0 and 60s, got "
          + clockSkew);
    }
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(caFile, "caFile");
  }

  /**
   * Reads the {@code identity.oidc:} section: {@code issuer} and {@code audience} are required,
   * the rest has defaults (RS256 only, {@code preferred_username}, {@code groups}, 60 s clock
   * skew, 5 s timeout, the JVM's CAs).
   *
   * @throws ConfigException naming the line and key of a missing or bad value or an unknown key
   */
  public static OidcConfig read(ConfigNode section) throws ConfigException {
    ConfigMap keys = section.asMap();
    URI issuer = ServiceUrl.read(keys.require("issuer"));
    String audience = keys.require("audience").asNonBlankString();
    Optional<URI> jwksUri = keys.get("jwksUri", ServiceUrl::read);
    List<String> algorithms = keys.getOrDefault("algorithms", OidcConfig::readAlgorithms,
        DEFAULT_ALGORITHMS);
    Duration clockSkew = keys.getOrDefault("clockSkew", OidcConfig::readClockSkew,
        DEFAULT_CLOCK_SKEW);
    OidcConfig config = new OidcConfig(issuer, audience, jwksUri, algorithms,
        keys.getOrDefault("usernameClaim", ConfigNode::asNonBlankString, DEFAULT_USERNAME_CLAIM),
        keys.getOrDefault("groupsClaim", ConfigNode::asNonBlankString, DEFAULT_GROUPS_CLAIM),
        clockSkew, keys.getOrDefault("timeout", ConfigNode::asDuration, DEFAULT_TIMEOUT),
        keys.get("caFile", ConfigNode::asExistingFile));
    keys.finish();
    return config;
  }

  private static List<String> readAlgorithms(ConfigNode node) throws ConfigException {
    List<String> algorithms = node.asStringList();
    if (algorithms.isEmpty()) {
      throw node.error("name at least one accepted signature algorithm, e.g. [RS256]");
    }
    for (ConfigNode algorithm : node.asList()) {
      if (!ACCEPTED_ALGORITHMS.contains(algorithm.asString())) {
        throw algorithm.error("not an accepted signature algorithm; use some of "
            + ACCEPTED_ALGORITHMS.stream().sorted().toList());
      }
    }
    return algorithms;
  }

  private static Duration readClockSkew(ConfigNode node) throws ConfigException {
    Duration clockSkew = node.asDuration();
    if (clockSkew.compareTo(MAX_CLOCK_SKEW) > 0) {
      throw node.error("at most 60s");
    }
    return clockSkew;
  }
}
