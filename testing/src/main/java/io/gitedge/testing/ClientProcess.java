package io.gitedge.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Runs a real client program (git, go, ssh, a shell) with an environment built from nothing but
 * what the test sets, so a developer's own configuration, credentials and CA bundles never leak
 * in. Output is captured fully; a process that outlives its timeout is killed and reported.
 */
public final class ClientProcess {
  private static final long TIMEOUT_SECONDS = 300;
  /** One thread per stream: the common pool has a single thread on two cores, which deadlocks. */
  static final ExecutorService DRAINERS = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "client-output");
    t.setDaemon(true);
    return t;
  });

  private ClientProcess() {}

  /** The base environment every client gets: PATH, a locale, and nothing else. */
  public static Map<String, String> baseEnvironment() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin"));
    env.put("LANG", "C.UTF-8");
    return env;
  }

  /** Runs {@code command} in {@code dir} with exactly {@code env}, feeding it {@code stdin}. */
  public static ProcessResult run(Path dir, Map<String, String> env, List<String> command,
      byte[] stdin) {
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
    pb.environment().clear();
    pb.environment().putAll(env);
    try {
      Process p = pb.start();
      CompletableFuture<String> out = drain(p.getInputStream());
      CompletableFuture<String> err = drain(p.getErrorStream());
      try (var in = p.getOutputStream()) {
        if (stdin != null) {
          in.write(stdin);
        }
      } catch (IOException e) {
        // the process did not read its input; its exit code and output tell the story
      }
      if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        throw new AssertionError("timed out after " + TIMEOUT_SECONDS + "s: " + command
            + "\n--- stdout\n" + out.getNow("") + "--- stderr\n" + err.getNow(""));
      }
      return new ProcessResult(List.copyOf(command), p.exitValue(), out.join(), err.join());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while running " + command, e);
    }
  }

  /** {@code first} followed by {@code rest}, as one command line. */
  public static List<String> concat(String first, String... rest) {
    List<String> all = new ArrayList<>();
    all.add(first);
    all.addAll(List.of(rest));
    return all;
  }

  private static CompletableFuture<String> drain(InputStream in) {
    return CompletableFuture.supplyAsync(() -> {
      try (in) {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        return "<output lost: " + e + ">";
      }
    }, DRAINERS);
  }
}
