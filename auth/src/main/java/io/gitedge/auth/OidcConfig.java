package io.gitedge.auth;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

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
    if (clockSkew.isNegative() || clockSkew.compareTo(Duration.ofSeconds(60)) > 0) {
      throw new IllegalArgumentException("clock skew must be between 0 and 60s, got "
          + clockSkew);
    }
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(caFile, "caFile");
  }
}
