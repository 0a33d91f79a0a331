package io.gitedge.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitedge.gateway.config.GatewayConfig;
import io.gitedge.testing.ClientProcess;
import io.gitedge.testing.ProcessResult;
import io.gitedge.testing.Requires;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code deploy/systemd}: the unit is what systemd itself accepts, without a warning, and as
 * hardened as its own security review can tell; the example config it starts loads; the unit,
 * the config and the user agree on paths, user and stop time.
 */
class SystemdUnitTest {
  private static final Path UNIT = Shipped.deploy().resolve("systemd/gitedge.service");
  private static final Path CONFIG = Shipped.deploy().resolve("systemd/gitedge.yaml");
  private static final Path SYSUSERS = Shipped.deploy().resolve("systemd/gitedge.sysusers");

  @TempDir static Path root;

  /**
   * A file system root for systemd-analyze: the host's own units (the targets the unit names),
   * the launcher installed where {@code ExecStart} runs it, and the unit where an operator puts
   * it. The unit is the shipped file, unchanged.
   */
  @BeforeAll
  static void installIntoRoot() throws IOException {
    Requires.tools("systemd-analyze");
    Path units = Stream.of(Path.of("/usr/lib/systemd/system"), Path.of("/lib/systemd/system"))
        .filter(Files::isDirectory).findFirst().orElseThrow();
    copyTree(units, root.resolve("usr/lib/systemd/system"));
    Path launcher = root.resolve("opt/gitedge/gitedge");
    Files.createDirectories(launcher.getParent());
    Files.copy(Shipped.repository().resolve("gitedge"), launcher,
        StandardCopyOption.COPY_ATTRIBUTES);
    Path installed = root.resolve("etc/systemd/system/gitedge.service");
    Files.createDirectories(installed.getParent());
    Files.copy(UNIT, installed);
  }

  @Test
  void systemdAnalyzeVerifiesTheUnitWithoutAWord() {
    ProcessResult r = analyze("verify", "--root=" + root, "gitedge.service");
    // systemd-analyze exits 0 on an unknown key or a bad value too, warning on stderr: clean
    // means it said nothing at all
    assertEquals("", r.stdout() + r.stderr(), r.describe());
    assertEquals(0, r.exitCode(), r.describe());
  }

  @Test
  void systemdsSecurityReviewRatesTheUnitOk() {
    ProcessResult r = analyze("security", "--offline=yes", "--root=" + root,
        "--threshold=25", "gitedge.service");
    Matcher m = Pattern.compile("Overall exposure level for gitedge.service: ([0-9.]+) (\\w+)")
        .matcher(r.stdout());
    assertTrue(m.find(), r.describe());
    // the scale runs from 0 (locked down) to 10 (unprotected); "OK" is below 2.0
    assertEquals("OK", m.group(2), r.describe());
    assertEquals(0, r.exitCode(), "exposure above 2.5:\n" + r.describe());
  }

  @Test
  void theExampleConfigLoadsAndAgreesWithTheUnit(@TempDir Path etc) throws Exception {
    Map<String, String> unit = directives(Files.readString(UNIT));
    String yaml = Files.readString(CONFIG);
    GatewayConfig config = Shipped.load(yaml, etc.resolve("gitedge"), "gitedge.yaml",
        List.of("tls.crt", "tls.key", "identity.yaml", "acme.token", "acme-webhook.secret"));

    assertEquals("/opt/gitedge/gitedge serve --config /etc/gitedge/gitedge.yaml",
        unit.get("ExecStart"));
    assertEquals("gitedge", unit.get("ConfigurationDirectory"));
    // the only place the gateway writes is the one the unit makes writable
    assertEquals(Path.of("/var/lib").resolve(unit.get("StateDirectory")), config.dataDir());
    assertEquals("GITEDGE_CACHE_DIR=/var/cache/" + unit.get("CacheDirectory"),
        unit.get("Environment"));
    // ports below 1024 need the one capability the unit grants
    assertTrue(config.http().listenPort() < 1024
        && unit.get("AmbientCapabilities").equals("CAP_NET_BIND_SERVICE"));
    Duration stop = Duration.ofSeconds(
        Long.parseLong(unit.get("TimeoutStopSec").replace("s", "")));
    assertTrue(stop.compareTo(config.shutdown().drainTimeout().plusSeconds(10)) >= 0,
        "TimeoutStopSec=" + stop + " leaves the drain (" + config.shutdown().drainTimeout()
            + ") no time to end before SIGKILL");
    // a config error exits 2: systemd must not restart it in a loop
    assertEquals("2", unit.get("RestartPreventExitStatus"));
    // the user the unit runs as is the one sysusers makes, at home in the state directory
    String[] user = Files.readAllLines(SYSUSERS).stream()
        .filter(l -> l.startsWith("u ")).findFirst().orElseThrow().split("\\s+");
    assertEquals(unit.get("User"), user[1]);
    assertEquals(config.dataDir().toString(), user[user.length - 2]);
  }

  private static ProcessResult analyze(String... args) {
    List<String> command = new ArrayList<>(List.of("systemd-analyze"));
    command.addAll(List.of(args));
    return ClientProcess.run(root, ClientProcess.baseEnvironment(), command, null);
  }

  /** The unit's directives, the last one of a name winning (enough for the names read here). */
  private static Map<String, String> directives(String unit) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String line : unit.split("\n")) {
      int eq = line.indexOf('=');
      if (!line.startsWith("#") && !line.startsWith("[") && eq > 0) {
        out.put(line.substring(0, eq), line.substring(eq + 1));
      }
    }
    return out;
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isSymbolicLink(p)) {
          Files.createDirectories(target.getParent());
          Files.createSymbolicLink(target, Files.readSymbolicLink(p));
        } else if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }
}
