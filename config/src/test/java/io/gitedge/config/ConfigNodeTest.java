package io.gitedge.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigNodeTest {
  private static ConfigMap root(String yaml) throws ConfigException {
    return ConfigNode.parse("test.yaml", Path.of("/etc/gitedge"), new StringReader(yaml)).asMap();
  }

  @Test
  void unknownKey_isReportedWithLineAndNearestKnownKey() throws Exception {
    ConfigMap m = root("""
        region: eu
        http:
          listen: 127.0.0.1:1
          lisen: x
        """);
    m.get("region");
    ConfigMap http = m.require("http").asMap();
    http.get("listen");
    ConfigException e = assertThrows(ConfigException.class, http::finish);
    assertEquals(4, e.line());
    assertEquals("http.lisen", e.key());
    assertTrue(e.getMessage().startsWith("test.yaml:4: http.lisen: unknown key (did you mean listen?)"),
        e.getMessage());
  }

  @Test
  void badDuration_namesFileLineAndKey() throws Exception {
    ConfigMap m = root("""
        upstreams:
          - prefix: a
            syncInterval: 5 minutes
        """);
    ConfigMap u = m.require("upstreams").asList().get(0).asMap();
    ConfigException e = assertThrows(ConfigException.class,
        () -> u.require("syncInterval").asDuration());
    assertEquals("test.yaml:3: upstreams[0].syncInterval: not a duration: \"5 minutes\""
        + " (write e.g. 30s, 5m, 1h30m, 250ms, 2d)", e.getMessage());
  }

  @Test
  void durations_parseOperatorForms() {
    assertEquals(Duration.ofMinutes(5), Durations.parse("5m"));
    assertEquals(Duration.ofMinutes(90), Durations.parse("1h30m"));
    assertEquals(Duration.ofMillis(250), Durations.parse("250ms"));
    assertEquals("3m12s", Durations.format(Duration.ofSeconds(192)));
    assertThrows(IllegalArgumentException.class, () -> Durations.parse("-5m"));
    assertThrows(IllegalArgumentException.class, () -> Durations.parse("5"));
  }

  @Test
  void sizes_takeBinaryUnits_andRefuseTheRest() throws Exception {
    ConfigMap m = root("a: 512MiB\nb: 32GiB\nc: 1024\nd: 12MB\ne: 0\n");
    assertEquals(512L << 20, m.require("a").asByteSize());
    assertEquals(32L << 30, m.require("b").asByteSize());
    assertEquals(1024, m.require("c").asByteSize());
    ConfigException e = assertThrows(ConfigException.class, () -> m.require("d").asByteSize());
    assertTrue(e.getMessage().contains("expected a size such as 512MiB"), e.getMessage());
    assertThrows(ConfigException.class, () -> m.require("e").asByteSize());
  }

  @Test
  void duplicateKey_isRejected() {
    ConfigException e = assertThrows(ConfigException.class, () -> root("""
        region: a
        region: b
        """));
    assertEquals(2, e.line(), e.getMessage());
  }

  @Test
  void malformedYaml_reportsTheLine() {
    ConfigException e = assertThrows(ConfigException.class, () -> root("""
        region: eu
        http:
          listen: [unclosed
        """));
    assertTrue(e.line() >= 3, e.getMessage());
    assertTrue(e.getMessage().contains("not valid YAML"), e.getMessage());
  }

  @Test
  void missingRequiredKey_pointsAtTheMapping() throws Exception {
    ConfigMap m = root("""
        http:
          publicUrl: https://x
        """);
    ConfigException e = assertThrows(ConfigException.class,
        () -> m.require("http").asMap().require("listen"));
    assertEquals("test.yaml:2: http.listen: missing (required)", e.getMessage());
  }

  @Test
  void relativePaths_resolveAgainstTheConfigFolder() throws Exception {
    ConfigMap m = root("dataDir: ./data\nabs: /var/x\n");
    assertEquals(Path.of("/etc/gitedge/data"), m.require("dataDir").asPath());
    assertEquals(Path.of("/var/x"), m.require("abs").asPath());
  }

  @Test
  void flowMappingsAndLists_readLikeBlockOnes() throws Exception {
    ConfigMap m = root("credentials: { tokenFile: t, username: u }\nrepos: [lib, app]\n");
    ConfigMap c = m.require("credentials").asMap();
    assertEquals("u", c.require("username").asString());
    assertEquals(List.of("lib", "app"), m.require("repos").asStringList());
  }

  @Test
  void wrongShape_isNamed() throws Exception {
    ConfigMap m = root("repos: lib\n");
    ConfigException e = assertThrows(ConfigException.class, () -> m.require("repos").asList());
    assertEquals("test.yaml:1: repos: expected a list, found a single value", e.getMessage());
  }

  @Test
  void optionalValues_convertWhenPresent_andFallBackWhenAbsentOrNull() throws Exception {
    ConfigMap m = root("timeout: 3s\nempty:\nbad: soon\n");
    assertEquals(Duration.ofSeconds(3),
        m.getOrDefault("timeout", ConfigNode::asDuration, Duration.ZERO));
    assertEquals(Duration.ZERO, m.getOrDefault("empty", ConfigNode::asDuration, Duration.ZERO));
    assertEquals(Optional.empty(), m.get("absent", ConfigNode::asDuration));
    ConfigException e = assertThrows(ConfigException.class,
        () -> m.getOrDefault("bad", ConfigNode::asDuration, Duration.ZERO));
    assertTrue(e.getMessage().startsWith("test.yaml:3: bad: not a duration"), e.getMessage());
    m.finish();
  }

  @Test
  void existingFile_isFoundOrNamedWithItsLine(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("secret"), "s\n");
    ConfigMap m = ConfigNode.parse("test.yaml", dir, new StringReader("a: secret\nb: gone\n"))
        .asMap();
    assertEquals(dir.resolve("secret"), m.require("a").asExistingFile());
    ConfigException e = assertThrows(ConfigException.class, () -> m.require("b").asExistingFile());
    assertEquals("test.yaml:2: b: file not found: " + dir.resolve("gone"), e.getMessage());
  }

  @Test
  void lines_nameEveryValueByItsKeyPath() throws Exception {
    ConfigNode root = ConfigNode.parse("test.yaml", null, new StringReader("""
        http:
          listen: 127.0.0.1:1
          tls:
        upstreams:
          - url: https://x
        """));
    assertEquals(Map.of("http", 2, "http.listen", 2, "upstreams", 5, "upstreams[0]", 5,
        "upstreams[0].url", 5), root.lines());
  }

  @Test
  void missingFile_isNamed(@TempDir Path dir) {
    Path f = dir.resolve("nope.yaml");
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigNode.read(f));
    assertEquals(f + ": file not found", e.getMessage());
  }

  @Test
  void emptyFile_readsAsEmptyMap(@TempDir Path dir) throws Exception {
    Path f = Files.writeString(dir.resolve("e.yaml"), "");
    assertEquals(List.of(), ConfigNode.read(f).asMap().keys());
  }
}
