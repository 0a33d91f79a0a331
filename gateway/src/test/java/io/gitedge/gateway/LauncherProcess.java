package io.gitedge.gateway;

import io.gitedge.testing.ClientProcess;
import io.gitedge.testing.Requires;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A gateway process started the way an operator starts it: the shipped launcher
 * ({@code ./gitedge serve --config ...}, system property {@code gitedge.launcher}, set by
 * failsafe) with a clean environment (the test's {@code JAVA_HOME}, an operator {@code HOME} in
 * the working folder), its output in a log file, and its URL and ports read from the
 * {@code serving ...} line. The launcher {@code exec}s {@code java}, so {@link #process()} is the
 * gateway's JVM itself: {@link #kill()} is a {@code kill -9}, {@link #process()}{@code .destroy()}
 * a SIGTERM.
 *
 * <p>Every process started here is remembered until it has exited: {@link Cleanup} (an extension
 * for the IT class) kills what a test left running, and a shutdown hook kills what is left when
 * the test JVM ends, so a failed assertion between a start and its stop leaves no orphaned
 * gateway holding ports and CPU for the rest of the build.
 */
final class LauncherProcess implements AutoCloseable {
  /** The gateway's start line: the HTTP URL, and the SSH port when SSH is on. */
  private static final Pattern SERVING = Pattern.compile(
      "serving (http://127\\.0\\.0\\.1:(\\d+))(?: and SSH on port (\\d+))?");
  private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(LauncherProcess::killAll,
        "launcher-process-reaper"));
  }

  private final Process process;
  private final String url;
  private final int httpPort;
  private final int sshPort;
  private final Path logFile;

  private LauncherProcess(Process process, String url, int httpPort, int sshPort, Path logFile) {
    this.process = process;
    this.url = url;
    this.httpPort = httpPort;
    this.sshPort = sshPort;
    this.logFile = logFile;
  }

  /** The launcher failsafe names; outside failsafe the calling test is skipped (failed in CI). */
  static String launcher() {
    String launcher = System.getProperty("gitedge.launcher");
    Requires.that(launcher != null, "run through failsafe (mvn verify)");
    return launcher;
  }

  /**
   * {@link #start(Path, Path, Path, Map, Duration)} with no extra environment, within 2 minutes
   * (a start takes seconds; the bound is for a machine busy with other builds).
   */
  static LauncherProcess start(Path workDir, Path config, Path log) throws Exception {
    return start(workDir, config, log, Map.of(), Duration.ofMinutes(2));
  }

  /**
   * Starts {@code ./gitedge serve --config config} in {@code workDir} with {@code env} added to
   * the clean environment, its output in {@code log}, and waits until it is serving; fails with
   * the log when it exits first or is not serving within {@code within}.
   */
  static LauncherProcess start(Path workDir, Path config, Path log, Map<String, String> env,
      Duration within) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(launcher(), "serve", "--config", config.toString())
        .directory(workDir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().clear();
    pb.environment().putAll(ClientProcess.baseEnvironment());
    pb.environment().put("HOME", Files.createDirectories(workDir.resolve("operator")).toString());
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    // no start-up cache: its first serve would train one in the background, a process that
    // outlives the test and takes a core from the rest of the build (StartupCacheIT covers it)
    pb.environment().put("GITEDGE_CDS", "off");
    pb.environment().putAll(env);
    Process p = pb.start();
    RUNNING.add(p);
    p.onExit().thenRun(() -> RUNNING.remove(p));
    long deadline = System.nanoTime() + within.toNanos();
    while (System.nanoTime() < deadline) {
      Matcher m = SERVING.matcher(Files.readString(log));
      if (m.find()) {
        return new LauncherProcess(p, m.group(1), Integer.parseInt(m.group(2)),
            m.group(3) == null ? -1 : Integer.parseInt(m.group(3)), log);
      }
      if (!p.isAlive()) {
        break;
      }
      Thread.sleep(20);
    }
    p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    throw new AssertionError("the gateway did not start:\n" + Files.readString(log));
  }

  Process process() {
    return process;
  }

  /** {@code http://127.0.0.1:<port>}. */
  String url() {
    return url;
  }

  int httpPort() {
    return httpPort;
  }

  /** The SSH port from the start line, -1 when SSH is off. */
  int sshPort() {
    return sshPort;
  }

  Path logFile() {
    return logFile;
  }

  /** The log so far. */
  String log() throws IOException {
    return Files.readString(logFile);
  }

  /** SIGKILL (no shutdown hook, no clean-up in the gateway) and waits until it is gone. */
  void kill() throws InterruptedException {
    process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
  }

  /**
   * SIGTERM, as an operator stops it; kills it if it has not exited within {@code within}.
   * Returns whether it exited on the SIGTERM.
   */
  boolean stop(Duration within) throws InterruptedException {
    process.destroy();
    if (process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
      return true;
    }
    kill();
    return false;
  }

  /** Kills the process if it is still running. */
  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill();
    }
  }

  /** Kills every gateway started here that is still running. */
  static void killAll() {
    for (Process p : List.copyOf(RUNNING)) {
      p.destroyForcibly();
    }
    for (Process p : List.copyOf(RUNNING)) {
      try {
        p.waitFor(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /**
   * Kills, after each test and after the class, the gateways a test left running (it failed
   * between a start and its stop): {@code @ExtendWith(LauncherProcess.Cleanup.class)} on a class
   * whose tests start their own gateways (not one shared by the class).
   */
  static final class Cleanup implements AfterEachCallback, AfterAllCallback {
    @Override
    public void afterEach(ExtensionContext context) {
      killAll();
    }

    @Override
    public void afterAll(ExtensionContext context) {
      killAll();
    }
  }
}
