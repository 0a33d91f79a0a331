package io.gitedge.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitedge.testing.ClientProcess;
import io.gitedge.testing.ProcessResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code Dockerfile}. No container engine runs on the machines this is built on, so the
 * image is never built here; what can be checked without one is: the runtime stage is what the
 * README promises (non-root, a health check on {@code /readyz} at the config's port, the
 * launcher as entry point), what it copies from the build stage is what the build makes, and
 * the installed layout it makes (the launcher beside {@code lib/gitedge.jar}) really runs.
 */
class DockerfileTest {
  private static final Path DOCKERFILE = Shipped.repository().resolve("Dockerfile");

  /** The Dockerfile's instructions (continuation lines joined, comments out), per stage. */
  static List<List<String>> stages() throws IOException {
    List<List<String>> stages = new ArrayList<>();
    String joined = Files.readString(DOCKERFILE).replaceAll("(?m)^\\s*#.*\n", "")
        .replace("\\\n", " ");
    for (String line : joined.split("\n")) {
      String l = line.strip().replaceAll("\\s+", " ");
      if (l.isEmpty()) {
        continue;
      }
      if (l.startsWith("FROM ")) {
        stages.add(new ArrayList<>());
      }
      stages.get(stages.size() - 1).add(l);
    }
    return stages;
  }

  /** The numeric user the image runs as. */
  static long runtimeUser() throws IOException {
    List<String> runtime = stages().get(stages().size() - 1);
    String user = last(runtime, "USER ").substring("USER ".length()).split(":")[0];
    return Long.parseLong(user);
  }

  @Test
  void theImageRunsTheLauncherAsNobodyAndChecksReadyz() throws IOException {
    List<List<String>> stages = stages();
    assertTrue(stages.size() >= 2, "multi-stage: the build's tools stay out of the image");
    List<String> runtime = stages.get(stages.size() - 1);
    assertTrue(runtimeUser() > 0, "the image runs as root");
    assertEquals("ENTRYPOINT [\"/opt/gitedge/gitedge\"]", last(runtime, "ENTRYPOINT"));
    String cmd = last(runtime, "CMD ");
    assertEquals("CMD [\"serve\", \"--config\", \"/etc/gitedge/config/gitedge.yaml\"]", cmd,
        "the config path the Kubernetes manifests mount");
    String health = last(runtime, "HEALTHCHECK ");
    Matcher m = Pattern.compile("https://127\\.0\\.0\\.1:(\\d+)/readyz").matcher(health);
    assertTrue(m.find(), health);
    assertTrue(last(runtime, "EXPOSE ").contains(" " + m.group(1)),
        "the health check asks a port the image does not expose");
    assertEquals("STOPSIGNAL SIGTERM", last(runtime, "STOPSIGNAL"), "SIGTERM drains");
  }

  @Test
  void whatTheRuntimeStageCopiesIsWhatTheBuildStageMakes() throws IOException {
    List<List<String>> stages = stages();
    String build = stages.get(0).get(0).replaceAll(".* AS ", "");
    String mvn = stages.get(0).stream().filter(l -> l.startsWith("RUN mvn")).findFirst()
        .orElseThrow();
    assertTrue(mvn.contains("-pl gateway -am") && mvn.contains("package"), mvn);
    for (String l : stages.get(stages.size() - 1)) {
      if (!l.startsWith("COPY --from=" + build + " ")) {
        continue;
      }
      String source = l.split(" ")[2];
      assertTrue(source.startsWith("/src/"), l);
      // the build stage copies the repository to /src: a source is a file of the checkout, or
      // the jar the build makes (this module builds after the gateway, so it exists by now)
      Path file = Shipped.repository().resolve(source.substring("/src/".length()));
      assertTrue(Files.isRegularFile(file), l + ": no " + file);
    }
    String ignored = Files.readString(Shipped.repository().resolve(".dockerignore"));
    assertTrue(ignored.contains("**/target") && ignored.contains(".git"),
        "the build context would carry build output and history");
  }

  /**
   * The layout the image (and the systemd unit) installs: the launcher in a folder with
   * {@code lib/gitedge.jar} and no sources runs that jar, never tries to build, and keeps its
   * start-up cache where {@code GITEDGE_CACHE_DIR} says.
   */
  @Test
  void theInstalledLayoutRunsItsJarWithoutBuilding(@TempDir Path opt) throws IOException {
    Path home = opt.resolve("gitedge");
    Files.createDirectories(home.resolve("lib"));
    Files.copy(Shipped.repository().resolve("gitedge"), home.resolve("gitedge"),
        StandardCopyOption.COPY_ATTRIBUTES);
    Files.copy(Shipped.repository().resolve("gateway/target/gitedge.jar"),
        home.resolve("lib/gitedge.jar"));
    Map<String, String> env = ClientProcess.baseEnvironment();
    env.put("HOME", opt.toString());
    env.put("GITEDGE_CACHE_DIR", opt.resolve("cache").toString());
    env.put("GITEDGE_CDS", "off");
    ProcessResult r = ClientProcess.run(opt, env,
        List.of(home.resolve("gitedge").toString(), "--version"), null).assertOk();
    assertTrue(r.stdout().startsWith("gitedge "), r.describe());
    assertFalse(r.stderr().contains("building"), r.describe());
    ProcessResult usage = ClientProcess.run(opt, env,
        List.of(home.resolve("gitedge").toString(), "serve"), null);
    assertEquals(2, usage.exitCode(), usage.describe());
    assertTrue(usage.stderr().contains("--config"), usage.describe());
  }

  private static String last(List<String> stage, String instruction) {
    return stage.stream().filter(l -> l.startsWith(instruction)).reduce((a, b) -> b)
        .orElseThrow(() -> new AssertionError("no " + instruction.strip() + " in " + stage));
  }
}
