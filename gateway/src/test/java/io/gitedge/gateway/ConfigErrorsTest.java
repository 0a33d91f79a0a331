package io.gitedge.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitedge.auth.AccessToken;
import io.gitedge.auth.IdentityFile;
import io.gitedge.testing.ClientProcess;
import io.gitedge.testing.ProcessResult;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code gitedge serve} with a broken config, as a real process: it must exit non-zero with one
 * {@code gitedge: <file>:<line>: <key>: <problem>} message.
 */
class ConfigErrorsTest {
  @TempDir Path dir;
  Path config;

  @BeforeEach
  void setUp() throws Exception {
    IdentityFile.addToken(dir.resolve("identity.yaml"), "alice", Set.of("eng"),
        AccessToken.generate().hash());
    config = dir.resolve("gitedge.yaml");
  }

  private static final String VALID = """
      region: eu-west
      dataDir: ./data
      http:
        listen: %s
      identity:
        file: identity.yaml
      upstreams:
        - prefix: github.com/acme
          url: http://127.0.0.1:9/acme
          repos: [lib]
          syncInterval: %s
      """;

  /** {@code gitedge serve --config file} as its own JVM, with this test's classpath. */
  private ProcessResult gitedgeServe(Path file) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return ClientProcess.run(dir, ClientProcess.baseEnvironment(), List.of(java, "-cp",
        System.getProperty("java.class.path"), "io.gitedge.gateway.app.Main", "serve",
        "--config", file.toString()), null);
  }

  private ProcessResult serve(String yaml) throws Exception {
    Files.writeString(config, yaml);
    ProcessResult r = gitedgeServe(config);
    assertNotEquals(0, r.exitCode(), r.describe());
    List<String> messages = r.stderr().lines().filter(l -> l.startsWith("gitedge: ")).toList();
    assertEquals(1, messages.size(), r.describe());
    return r;
  }

  private String message(ProcessResult r) {
    return r.stderr().lines().filter(l -> l.startsWith("gitedge: ")).findFirst().orElseThrow();
  }

  @Test
  void unknownKey_namesFileLineAndKey() throws Exception {
    ProcessResult r = serve(VALID.formatted("127.0.0.1:0", "5m")
        .replace("  listen:", "  lisen: 127.0.0.1:1\n  listen:"));
    assertTrue(message(r).startsWith("gitedge: " + config + ":4: http.lisen: unknown key (did you"
        + " mean listen?)"), r.describe());
  }

  @Test
  void badDuration_namesFileLineAndKey() throws Exception {
    ProcessResult r = serve(VALID.formatted("127.0.0.1:0", "5 minutes"));
    assertEquals("gitedge: " + config + ":11: upstreams[0].syncInterval: not a duration:"
        + " \"5 minutes\" (write e.g. 30s, 5m, 1h30m, 250ms, 2d)", message(r));
  }

  @Test
  void missingIdentityFile_namesFileLineAndKey() throws Exception {
    ProcessResult r = serve(VALID.formatted("127.0.0.1:0", "5m")
        .replace("file: identity.yaml", "file: nobody.yaml"));
    assertEquals("gitedge: " + config + ":6: identity.file: file not found: "
        + dir.resolve("nobody.yaml"), message(r));
  }

  @Test
  void missingConfigFile_isNamed() throws Exception {
    ProcessResult r = gitedgeServe(dir.resolve("none.yaml"));
    assertEquals(2, r.exitCode());
    assertEquals("gitedge: " + dir.resolve("none.yaml") + ": file not found", r.stderr().trim());
  }

  @Test
  void listenAddressInUse_namesFileLineAndKey() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      int port = taken.getLocalPort();
      ProcessResult r = serve(VALID.formatted("127.0.0.1:" + port, "5m"));
      assertTrue(message(r).startsWith("gitedge: " + config + ":4: http.listen: cannot listen on"
          + " 127.0.0.1:" + port + ": "), r.describe());
      assertTrue(message(r).toLowerCase().contains("address already in use"), r.describe());
    }
  }

  @Test
  void listenAddressNotOnThisHost_namesFileLineAndKey() throws Exception {
    ProcessResult r = serve(VALID.formatted("192.0.2.1:8443", "5m"));
    assertTrue(message(r).startsWith("gitedge: " + config + ":4: http.listen: cannot listen on"
        + " 192.0.2.1:8443: "), r.describe());
  }

  @Test
  void malformedListenAddress_namesFileLineAndKey() throws Exception {
    ProcessResult r = serve(VALID.formatted("localhost", "5m"));
    assertEquals("gitedge: " + config + ":4: http.listen: expected host:port, e.g."
        + " 127.0.0.1:8443 or 0.0.0.0:443, got \"localhost\"", message(r));
  }

  @Test
  void kafkaSettingsThatConflict_stopTheStartAtTheirLine()
      throws Exception {
    Files.writeString(dir.resolve("fleet.secret"), "s\n");
    String kafka = """
        events:
          kafka:
            bootstrapServers: 127.0.0.1:9
            secretFile: fleet.secret
            properties:
              acks: 1
              enable.idempotence: true
        """;
    ProcessResult r = serve(VALID.formatted("127.0.0.1:0", "5m") + kafka);
    assertTrue(message(r).startsWith("gitedge: " + config + ":17: events.kafka.properties: "),
        r.describe());
    assertTrue(message(r).contains("acks"), r.describe());
  }
}
