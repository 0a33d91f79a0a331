package io.gitedge.bench;

import io.gitedge.auth.AccessToken;
import io.gitedge.testing.TrustingHttp;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The gateway as it is deployed: its own JVM, started by the {@code gitedge serve} launcher (with
 * its class-data-sharing archive), so the benchmark can charge it its CPU and memory from
 * {@code /proc} and restart it cold. It
 * mirrors every repository of the C git side's project root through {@code file://}, with the
 * HTTPS and SSH doors on fixed loopback ports.
 */
final class GatewayProcess implements AutoCloseable {
  private final Path dir;
  private final Path launcher;
  private final List<String> jvmOptions;
  private final int httpsPort;
  private final int sshPort;
  private final String token;
  /** Mirror names are {@code <prefix>/<repo>}. */
  private final String prefix;
  private Process process;
  /** The JDK the launcher runs under ({@code JAVA_HOME}, first on {@code PATH}); null: as found. */
  private Path jdk;
  private HttpClient http;
  private double readySeconds;
  /** How many {@code ready in} lines the log had before the last launch. */
  private int readyLinesBefore;

  private GatewayProcess(Path dir, Path launcher, List<String> jvmOptions, int httpsPort, int sshPort,
      String token, String prefix) {
    this.dir = dir;
    this.launcher = launcher;
    this.jvmOptions = jvmOptions;
    this.httpsPort = httpsPort;
    this.sshPort = sshPort;
    this.token = token;
    this.prefix = prefix;
  }

  /**
   * Writes config and identity for {@code repos} under {@code projectRoot}, mirrored as
   * {@code bench/<repo>}, then starts.
   */
  static GatewayProcess start(Path dir, Path launcher, List<String> jvmOptions, Path projectRoot,
      List<String> repos, String sshPublicKey) throws Exception {
    return start(dir, launcher, jvmOptions, projectRoot, "bench", repos, sshPublicKey);
  }

  /**
   * The same with the mirrors named {@code <prefix>/<repo>}: a Go module's path, such as
   * {@code github.com/acme/small}, is the name of the mirror the module proxy reads it from.
   */
  static GatewayProcess start(Path dir, Path launcher, List<String> jvmOptions, Path projectRoot,
      String prefix, List<String> repos, String sshPublicKey) throws Exception {
    return start(dir, launcher, jvmOptions, projectRoot, prefix, repos, sshPublicKey, null, "", "");
  }

  /** The same under {@code jdk} (see {@link #useJdk}); null runs the {@code java} on the PATH. */
  static GatewayProcess start(Path dir, Path launcher, List<String> jvmOptions, Path projectRoot,
      String prefix, List<String> repos, String sshPublicKey, Path jdk) throws Exception {
    return start(dir, launcher, jvmOptions, projectRoot, prefix, repos, sshPublicKey, jdk, "", "");
  }

  /** The same with {@code topLevelYaml} appended to the config (e.g. a {@code packCache:} block). */
  static GatewayProcess start(Path dir, Path launcher, List<String> jvmOptions, Path projectRoot,
      String prefix, List<String> repos, String sshPublicKey, String topLevelYaml)
      throws Exception {
    return start(dir, launcher, jvmOptions, projectRoot, prefix, repos, sshPublicKey, null, "",
        topLevelYaml);
  }

  /** The same with {@code httpYaml} (lines indented two spaces) added to the http section. */
  static GatewayProcess startWithHttp(Path dir, Path launcher, List<String> jvmOptions,
      Path projectRoot, String prefix, List<String> repos, String sshPublicKey, String httpYaml)
      throws Exception {
    return start(dir, launcher, jvmOptions, projectRoot, prefix, repos, sshPublicKey, null,
        httpYaml, "");
  }

  private static GatewayProcess start(Path dir, Path launcher, List<String> jvmOptions,
      Path projectRoot, String prefix, List<String> repos, String sshPublicKey, Path jdk,
      String httpYaml, String topLevelYaml) throws Exception {
    Files.createDirectories(dir);
    AccessToken token = AccessToken.generate();
    Files.writeString(dir.resolve("identity.yaml"), """
        users:
          bench:
            groups: [eng, admins]
            tokens: ["%s"]
            sshKeys: ["%s"]
        """.formatted(token.hash().value(), sshPublicKey.trim()));
    int https = CGitServers.freePort();
    int ssh = CGitServers.freePort();
    Files.writeString(dir.resolve("gitedge.yaml"), """
        region: bench
        dataDir: ./data
        http:
          listen: 127.0.0.1:%1$d
        %6$sssh:
          listen: 127.0.0.1:%2$d
        identity:
          file: identity.yaml
        access:
          rules:
            - { repos: "%3$s/**", groups: [eng] }
        upstreams:
          - prefix: %3$s
            url: file://%4$s
            repos: [%5$s]
            syncInterval: 1h
        """.formatted(https, ssh, prefix, projectRoot, String.join(", ", repos), httpYaml)
        + topLevelYaml);
    GatewayProcess g = new GatewayProcess(dir, launcher, jvmOptions, https, ssh, token.reveal(),
        prefix);
    g.jdk = jdk;
    g.launch();
    for (String r : repos) {
      g.sync(r);
    }
    return g;
  }

  /**
   * Runs {@code ./gitedge train} under {@code jdk} (null: the {@code java} on the PATH) in the
   * foreground, so that the gateways measured next start from the launcher's start-up cache, as
   * an operator who followed the README would, and no training runs beside the measurements.
   * Returns what the launcher printed; a failed training is reported, not fatal (the gateway
   * then serves without the cache).
   */
  static String trainStartupCache(Path launcher, Path jdk) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(launcher.toString(), "train").redirectErrorStream(true);
    if (jdk != null) {
      pb.environment().put("JAVA_HOME", jdk.toString());
      pb.environment().put("PATH", jdk.resolve("bin") + java.io.File.pathSeparator
          + pb.environment().getOrDefault("PATH", "/usr/bin:/bin"));
    }
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    int rc = p.waitFor();
    String last = out.lines().filter(l -> l.startsWith("gitedge:")).reduce((a, b) -> b).orElse("");
    return rc == 0 ? last : "training failed (" + rc + "): " + last;
  }

  /** Starts the JVM and waits for {@code /readyz}; {@link #readySeconds} is how long that took. */
  void launch() throws Exception {
    launch("warn");
  }

  /**
   * The same with GitEdge's loggers at {@code logLevel}: at {@code info} the gateway logs where
   * its start went ({@link #readyLine}).
   */
  void launch(String logLevel) throws Exception {
    readyLinesBefore = readyLines().size();
    long t0 = System.nanoTime();
    ProcessBuilder pb = new ProcessBuilder(launcher.toString(), "serve", "--config",
        "gitedge.yaml").directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("gateway.log").toFile()));
    pb.environment().put("GITEDGE_LOG_LEVEL", logLevel);
    pb.environment().put("GITEDGE_JAVA_OPTS", String.join(" ", jvmOptions));
    if (jdk != null) { // as a user picks a JDK: the launcher runs the `java` it finds first
      pb.environment().put("JAVA_HOME", jdk.toString());
      pb.environment().put("PATH", jdk.resolve("bin") + java.io.File.pathSeparator
          + pb.environment().getOrDefault("PATH", "/usr/bin:/bin"));
    }
    process = pb.start();
    URI readyz = URI.create("https://127.0.0.1:" + httpsPort + "/readyz");
    Path cert = certificate();
    while (true) {
      if (!process.isAlive()) {
        throw new IllegalStateException("the gateway exited: "
            + Files.readString(dir.resolve("gateway.log")));
      }
      if (Files.exists(cert)) {
        if (http == null) {
          http = TrustingHttp.client(cert);
        }
        try {
          if (http.send(HttpRequest.newBuilder(readyz).build(),
              HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
            break;
          }
        } catch (IOException e) {
          // not listening yet
        }
      }
      if (System.nanoTime() - t0 > 120_000_000_000L) {
        throw new IllegalStateException("the gateway was not ready within 2 minutes");
      }
      Thread.sleep(5);
    }
    readySeconds = (System.nanoTime() - t0) / 1e9;
  }

  /**
   * The last {@code ready in ... ms (...)} line the gateway logged (a {@link #launch(String)} at
   * {@code info}): where its start went, phase by phase.
   */
  String readyLine() throws IOException, InterruptedException {
    // logged right after the gateway turns ready, so maybe just after /readyz said 200
    for (int i = 0; i < 200; i++) {
      List<String> lines = readyLines();
      if (lines.size() > readyLinesBefore) {
        String l = lines.get(lines.size() - 1);
        return l.substring(l.indexOf("ready in "));
      }
      Thread.sleep(50);
    }
    return "(no ready line)";
  }

  private List<String> readyLines() throws IOException {
    Path log = dir.resolve("gateway.log");
    return !Files.exists(log) ? List.of() : Files.readAllLines(log).stream()
        .filter(l -> l.contains(" - ready in ")).toList();
  }

  /**
   * Runs the next {@link #launch} under {@code jdk} (a JDK's home folder): {@code JAVA_HOME} set
   * to it and its {@code bin} first on the {@code PATH}; null: the {@code java} on the PATH.
   */
  void useJdk(Path jdk) {
    this.jdk = jdk;
  }

  /** Stops the JVM as an orchestrator would (SIGTERM) and waits for it. */
  void stop() throws InterruptedException {
    process.destroy();
    process.waitFor();
  }

  /** Syncs {@code repo} now and waits for the result (admin API). */
  void sync(String repo) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:"
            + httpsPort + "/api/v1/mirrors/" + prefix + "/" + repo + "/sync?wait=true"))
        .header("Authorization", "Bearer " + token)
        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException("sync of " + repo + ": " + r.statusCode() + " " + r.body());
    }
  }

  double readySeconds() {
    return readySeconds;
  }

  /** The gateway's {@code dataDir}: mirrors, keys, caches (the module proxy's zips: goproxy/). */
  Path dataDir() {
    return dir.resolve("data");
  }

  /** The folder with {@code gitedge.yaml}, {@code gateway.log} and the data folder. */
  Path dir() {
    return dir;
  }

  Path certificate() {
    return dataDir().resolve("keys/tls.crt");
  }

  String token() {
    return token;
  }

  String httpsBase() {
    return "https://127.0.0.1:" + httpsPort + "/";
  }

  String httpsUrl(String repo) {
    return httpsBase() + prefix + "/" + repo + ".git";
  }

  String sshUrl(String repo) {
    return "ssh://git@127.0.0.1:" + sshPort + "/" + prefix + "/" + repo + ".git";
  }

  long pid() {
    return process.pid();
  }

  ProcTree tree() {
    return new ProcTree(List.of(process.toHandle()));
  }

  @Override
  public void close() throws InterruptedException {
    if (process != null && process.isAlive()) {
      stop();
    }
  }
}
