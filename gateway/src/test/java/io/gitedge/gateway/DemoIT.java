package io.gitedge.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitedge.testing.ClientProcess;
import io.gitedge.testing.ProcessResult;
import io.gitedge.testing.Requires;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./gitedge demo}, started through the launcher as a user would, and the lines it prints,
 * pasted into a shell of a user with an empty HOME: they must work exactly as printed.
 */
class DemoIT {
  /** The line saying where the start went, from the process's start to ready. */
  private static final Pattern READY_IN = Pattern.compile("ready in \\d+ ms \\(process start to"
      + " main \\d+ ms; command line and config \\d+, .*HTTPS listener \\d+, .*request path"
      + " warm-up \\d+, .* ms\\)");

  @TempDir Path dir;

  /** A running demo and the lines it printed for the user. */
  private record Demo(Process process, List<String> printed, Path log) {
    List<String> pasteLines() {
      int from = indexOf("Paste these lines") + 1;
      int to = indexOf("Press Ctrl-C");
      return printed.subList(from, to).stream().filter(l -> !l.isBlank()).toList();
    }

    int indexOf(String prefix) {
      for (int i = 0; i < printed.size(); i++) {
        if (printed.get(i).startsWith(prefix)) {
          return i;
        }
      }
      throw new AssertionError("the demo did not print \"" + prefix + "\":\n"
          + String.join("\n", printed));
    }

    void stop() throws InterruptedException {
      process.destroy();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }

  private Demo startDemo(Path demoDir) throws Exception {
    String launcher = System.getProperty("gitedge.launcher");
    Requires.that(launcher != null, "run through failsafe (mvn verify)");
    Path log = dir.resolve("demo-" + System.nanoTime() + ".log");
    ProcessBuilder pb = new ProcessBuilder(launcher, "demo", "--dir", demoDir.toString(),
        "--listen", "127.0.0.1:0").directory(dir.toFile()).redirectError(log.toFile());
    pb.environment().clear();
    pb.environment().putAll(ClientProcess.baseEnvironment());
    pb.environment().put("HOME", Files.createDirectories(dir.resolve("operator")).toString());
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    // no start-up cache: its first serve would train one in the background, a process that
    // outlives the test and takes a core from the rest of the build (StartupCacheIT covers it)
    pb.environment().put("GITEDGE_CDS", "off");
    Process p = pb.start();
    List<String> lines = new ArrayList<>();
    CompletableFuture<Void> ready = CompletableFuture.runAsync(() -> {
      try (BufferedReader r = new BufferedReader(
          new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        for (String l = r.readLine(); l != null; l = r.readLine()) {
          synchronized (lines) {
            lines.add(l);
          }
          if (l.startsWith("Press Ctrl-C")) {
            return;
          }
        }
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    try {
      ready.get(180, TimeUnit.SECONDS);
    } catch (Exception e) {
      p.destroyForcibly();
      throw new AssertionError("the demo did not become ready; it printed:\n" + lines, e);
    }
    synchronized (lines) {
      return new Demo(p, List.copyOf(lines), log);
    }
  }

  @Test
  void demo_printsLinesThatWorkAsPrinted_forAUserWithAnEmptyHome() throws Exception {
    Requires.tools("go");
    Path demoDir = dir.resolve("demo");
    Demo demo = startDemo(demoDir);
    Path user = Files.createDirectories(dir.resolve("user"));
    try {
      List<String> paste = demo.pasteLines();
      assertEquals(6, paste.size(), String.join("\n", demo.printed()));
      String log = Files.readString(demo.log());
      assertTrue(READY_IN.matcher(log).find(), "no line saying where the start went:\n" + log);
      Map<String, String> env = ClientProcess.baseEnvironment();
      env.put("HOME", user.toString());
      ProcessResult r = ClientProcess.run(user, env,
          List.of("bash", "-e", "-x", "-c", String.join("\n", paste)), null);

      r.assertOk();
      assertTrue(r.stderr().contains("Cloning into"), r.describe());
      assertTrue(r.stdout().contains("\"Sum\": \"h1:"), r.describe());
      assertTrue(r.stdout().lines().anyMatch(l -> l.startsWith("github.com/acme/app v1.0.0 h1:")),
          r.describe());
      assertTrue(r.stdout().lines().anyMatch(l -> l.startsWith("github.com/acme/lib v1.1.0 h1:")),
          r.describe());
      // the last line: the module proxy, into a module cache of its own (so nothing is reused)
      assertTrue(r.stdout().contains("\"Version\": \"v1.1.0\""), r.describe());
      assertTrue(r.stdout().contains("/modcache/cache/download/github.com/acme/lib/@v/v1.1.0.zip"),
          r.describe());
      String token = Files.readString(demoDir.resolve("demo.token")).strip();
      assertTrue(Files.readString(user.resolve(".netrc")).contains(token));
      assertTrue(!Files.readString(demoDir.resolve("identity.yaml")).contains(token));
    } finally {
      demo.stop();
      // Go makes its module cache read-only; let the temporary folder be removed
      ClientProcess.run(dir, ClientProcess.baseEnvironment(),
          List.of("chmod", "-R", "u+w", user.toString()), null);
    }

    Demo again = startDemo(demoDir);
    try {
      assertEquals(demo.pasteLines().get(1), again.pasteLines().get(1),
          "a second run must print the same token, so pasted lines keep working");
    } finally {
      again.stop();
    }
  }
}
