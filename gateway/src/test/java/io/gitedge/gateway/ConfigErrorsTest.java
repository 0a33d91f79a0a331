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
  private ProcessResult gitedgeServe(Path file, String... jvmOptions) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new java.util.ArrayList<>(List.of(java));
    cmd.addAll(List.of(jvmOptions));
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"),
        "io.gitedge.gateway.app.Main", "serve", "--config", file.toString()));
    return ClientProcess.run(dir, ClientProcess.baseEnvironment(), cmd, null);
  }

  private ProcessResult serve(String yaml, String... jvmOptions) throws Exception {
    Files.writeString(config, yaml);
    ProcessResult r = gitedgeServe(config, jvmOptions);
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

  // ------------------------------------------------------------------------- TLS provider

  /**
   * A JVM that takes itself for Linux on ARM: the jar carries Conscrypt's library for x86-64
   * only (and macOS, Windows), so Conscrypt finds none for this platform and cannot load, as on
   * a real ARM host.
   */
  private static final String NO_CONSCRYPT_LIBRARY = "-Dos.arch=aarch64";

  @Test
  void unknownTlsProvider_namesFileLineAndKey() throws Exception {
    ProcessResult r = serve(VALID.formatted("127.0.0.1:0", "5m")
        .replace("  listen:", "  tlsProvider: openssl\n  listen:"));
    assertEquals("gitedge: " + config + ":4: http.tlsProvider: expected auto, jdk or conscrypt,"
        + " got \"openssl\"", message(r));
  }

  /**
   * Where Conscrypt's native library cannot load (here: a platform the jar has none for),
   * asking for it by name stops the start instead of quietly serving with the JDK's TLS.
   */
  @Test
  void conscryptAskedForWhereItCannotLoad_stopsTheStartAtItsLine() throws Exception {
    // the listen address is taken, so that a gateway that carried on regardless ends at once
    // (with the wrong message) instead of serving
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      ProcessResult r = serve(VALID.formatted("127.0.0.1:" + taken.getLocalPort(), "5m")
          .replace("  listen:", "  tlsProvider: conscrypt\n  listen:"), NO_CONSCRYPT_LIBRARY);
      assertTrue(message(r).startsWith("gitedge: " + config + ":4: http.tlsProvider:"
          + " Conscrypt's native library does not load here (Linux aarch64): "), r.describe());
      assertTrue(message(r).endsWith("; use auto or jdk"), r.describe());
    }
  }

  /**
   * The default, auto, takes the JDK's TLS where Conscrypt cannot load and says so in one line.
   * The start is then stopped by a listen address in use, only so that the process ends: the
   * choice and its line come before the listener binds.
   */
  @Test
  void autoWhereConscryptCannotLoad_fallsBackToTheJdk_andSaysWhy() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      ProcessResult r = serve(VALID.formatted("127.0.0.1:" + taken.getLocalPort(), "5m"),
          NO_CONSCRYPT_LIBRARY);
      assertTrue(message(r).contains("http.listen: cannot listen on"), r.describe());
      String all = r.stdout() + r.stderr();
      assertEquals(1, all.lines().filter(l -> l.contains("HTTPS uses the JDK's TLS: Conscrypt's"
          + " native library does not load here")).count(), r.describe());
      assertTrue(all.contains("HTTPS TLS provider: the JDK's"), r.describe());
    }
  }
}
