package io.gitedge.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.gitedge.config.ConfigException;
import io.gitedge.config.ConfigMap;
import io.gitedge.config.ConfigNode;
import java.io.StringReader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The identity sources' sections of the config file, as an operator writes them. */
class IdentityConfigSectionsTest {
  @TempDir Path dir;

  private ConfigMap identity(String yaml) throws ConfigException {
    return ConfigNode.parse("gitedge.yaml", dir, new StringReader(yaml)).asMap()
        .require("identity").asMap();
  }

  @Test
  void oidc_takesDefaultsForAllButIssuerAndAudience() throws Exception {
    OidcConfig c = OidcConfig.read(identity("""
        identity:
          oidc:
            issuer: https://idp.example.com/realms/eng
            audience: gitedge
        """).require("oidc"));
    assertEquals(new OidcConfig(URI.create("https://idp.example.com/realms/eng"), "gitedge",
        Optional.empty(), List.of("RS256"), "preferred_username", "groups",
        Duration.ofSeconds(60), Duration.ofSeconds(5), Optional.empty()), c);
  }

  @Test
  void oidc_badValues_areNamedWithTheirLine() throws Exception {
    ConfigMap skew = identity("""
        identity:
          oidc:
            issuer: https://idp.example.com
            audience: gitedge
            clockSkew: 2m
        """);
    ConfigException e = assertThrows(ConfigException.class,
        () -> OidcConfig.read(skew.require("oidc")));
    assertEquals("gitedge.yaml:5: identity.oidc.clockSkew: at most 60s", e.getMessage());
    ConfigMap algorithm = identity("""
        identity:
          oidc:
            issuer: https://idp.example.com
            audience: gitedge
            algorithms: [RS256, HS256]
        """);
    e = assertThrows(ConfigException.class, () -> OidcConfig.read(algorithm.require("oidc")));
    assertEquals("identity.oidc.algorithms[1]", e.key());
    ConfigMap none = identity("""
        identity:
          oidc:
            issuer: https://idp.example.com
            audience: gitedge
            algorithms: []
        """);
    e = assertThrows(ConfigException.class, () -> OidcConfig.read(none.require("oidc")));
    assertEquals("gitedge.yaml:5: identity.oidc.algorithms: name at least one accepted signature"
        + " algorithm, e.g. [RS256]", e.getMessage());
    ConfigMap credentials = identity("""
        identity:
          oidc:
            issuer: https://user:pw@idp.example.com
        """);
    e = assertThrows(ConfigException.class, () -> OidcConfig.read(credentials.require("oidc")));
    assertEquals("gitedge.yaml:3: identity.oidc.issuer: credentials do not belong in the URL",
        e.getMessage());
  }

  @Test
  void introspection_needsItsSecretFile() throws Exception {
    ConfigMap m = identity("""
        identity:
          introspection:
            url: https://idp.example.com/introspect
            clientId: gitedge
            audience: gitedge
            clientSecretFile: idp.secret
        """);
    ConfigException e = assertThrows(ConfigException.class,
        () -> IntrospectionConfig.read(m.require("introspection")));
    assertEquals("gitedge.yaml:6: identity.introspection.clientSecretFile: file not found: "
        + dir.resolve("idp.secret"), e.getMessage());
    Files.writeString(dir.resolve("idp.secret"), "s\n");
    IntrospectionConfig c = IntrospectionConfig.read(m.require("introspection"));
    assertEquals("username", c.usernameClaim());
    assertEquals(Duration.ofSeconds(5), c.timeout());
  }

  @Test
  void httpKeys_refusesUnknownKeys() throws Exception {
    ConfigMap m = identity("""
        identity:
          httpKeys:
            url: https://keys.example.com
            tokenFle: keys.token
        """);
    ConfigException e = assertThrows(ConfigException.class,
        () -> HttpKeysConfig.read(m.require("httpKeys")));
    assertEquals(4, e.line());
    assertEquals("unknown key (did you mean tokenFile?); known keys here: caFile, timeout,"
        + " tokenFile, url", e.problem());
  }

  @Test
  void cacheTimes_defaultAndStayUnderAYear() throws Exception {
    assertEquals(IdentityCacheConfig.defaults(), IdentityCacheConfig.read(identity("""
        identity:
          file: identity.yaml
        """)));
    ConfigMap m = identity("""
        identity:
          cacheTtl: 2m
          staleIfError: 400d
        """);
    ConfigException e = assertThrows(ConfigException.class, () -> IdentityCacheConfig.read(m));
    assertEquals("gitedge.yaml:3: identity.staleIfError: at most 365d", e.getMessage());
  }
}
