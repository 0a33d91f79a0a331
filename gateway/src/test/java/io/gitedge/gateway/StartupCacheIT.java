package io.gitedge.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitedge.auth.AccessToken;
import io.gitedge.testing.ClientHome;
import io.gitedge.testing.ClientProcess;
import io.gitedge.testing.Requires;
import io.gitedge.testing.TestUpstream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16, the start-up cache, through the shipped launcher as an operator runs it: the first
 * {@code serve} on a JVM serves at once and trains the cache in the background, once; the next
 * start maps the cache and takes the classes of serving a clone from it, as the JVM's own
 * class-loading log says (not a timing); both serve a real {@code git clone}. On JDK 25 that is
 * the ahead-of-time cache. On the JDK running the tests (17), the class-data-sharing archive
 * made by the same launcher code, trained in the foreground by {@code ./gitedge train} (one
 * round, to keep the test short), then mapped and served from.
 */
class StartupCacheIT {
  private static final Path JDK25 = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64");
  private static final Pattern SERVING = Pattern.compile("serving (https://127\\.0\\.0\\.1:\\d+)");
  private static final String TRAINING = "training the start-up cache";
  /** Loaded only to answer a fetch: from the cache only if the training fetched. */
  private static final String SERVING_CLASS = "org.eclipse.jgit.transport.UploadPack ";

  @TempDir Path dir;

  /** A gateway process started by the launcher, and what it wrote. */
  private record Gateway(Process process, String url, Path log) {
    void stop() throws InterruptedException {
      process.destroy();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }

  @Test
  void jdk25_firstServeTrainsTheAheadOfTimeCache_andTheNextStartServesFromIt() throws Exception {
    Requires.that(Files.isExecutable(JDK25.resolve("bin/java")), "Temurin 25 at " + JDK25);
    trainOnceThenServeFromTheCache(JDK25, ".aot");
  }

  @Test
  void jdk17_firstServeTrainsTheClassDataSharingArchive_andTheNextStartServesFromIt()
      throws Exception {
    Requires.that(Runtime.version().feature() < 24, "tests run on JDK 17");
    String launcher = System.getProperty("gitedge.launcher");
    Requires.that(launcher != null, "run through failsafe (mvn verify)");
    Requires.tools("git");
    Path javaHome = Path.of(System.getProperty("java.home"));
    Path cacheDir = dir.resolve("cache");
    ProcessBuilder train = new ProcessBuilder(launcher, "train", "--rounds", "1")
        .directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(dir.resolve("train.log").toFile());
    environment(train, javaHome, cacheDir, "");
    Process p = train.start();
    assertTrue(p.waitFor(10, TimeUnit.MINUTES), "training did not end");
    String trained = Files.readString(dir.resolve("train.log"));
    assertEquals(0, p.exitValue(), trained);
    Matcher m = Pattern.compile("start-up cache (\\S+\\.jsa)").matcher(trained);
    assertTrue(m.find(), trained);
    Path cache = Path.of(m.group(1));
    assertTrue(Files.size(cache) > 0, trained);
    serveFromTheCache(javaHome, cacheDir, cache, mirrored());
  }

  /** What the gateways serve: a config, the token of a user who may read, the tip to clone. */
  private record Mirrored(Path config, AccessToken token, String tip) {}

  private Mirrored mirrored() throws IOException {
    TestUpstream upstream = TestUpstream.create(Files.createDirectories(dir.resolve("up")));
    upstream.createRepo("acme/lib");
    String tip = upstream.commit("acme/lib", "main", Map.of("lib.go", "package lib\n"), "one");
    AccessToken token = AccessToken.generate();
    return new Mirrored(writeConfig(upstream, token), token, tip);
  }

  private void trainOnceThenServeFromTheCache(Path javaHome, String kind) throws Exception {
    String launcher = System.getProperty("gitedge.launcher");
    Requires.that(launcher != null, "run through failsafe (mvn verify)");
    Requires.tools("git");
    Mirrored m = mirrored();
    Path cacheDir = dir.resolve("cache");

    Gateway first = start(launcher, javaHome, m.config(), cacheDir, "first", "");
    Path cache;
    try {
      assertTrue(Files.readString(first.log()).contains(TRAINING), Files.readString(first.log()));
      clone(first, m.token(), m.tip());
      cache = awaitCache(cacheDir, kind);
    } finally {
      first.stop();
    }

    serveFromTheCache(javaHome, cacheDir, cache, m);
  }

  /** A start that maps {@code cache}, takes the classes of a fetch from it and serves a clone. */
  private void serveFromTheCache(Path javaHome, Path cacheDir, Path cache, Mirrored m)
      throws Exception {
    String launcher = System.getProperty("gitedge.launcher");
    Path classes = dir.resolve("classes.log");
    Gateway second = start(launcher, javaHome, m.config(), cacheDir, "second",
        "-Xlog:class+load=info:file=" + classes);
    try {
      String log = Files.readString(second.log());
      assertFalse(log.contains(TRAINING), "trained again:\n" + log);
      String maps = Files.readString(Path.of("/proc/" + second.process().pid() + "/maps"));
      assertTrue(maps.contains(cache.toString()), "the JVM did not map " + cache + ":\n" + maps);
      clone(second, m.token(), m.tip());
      String loaded = Files.readAllLines(classes).stream()
          .filter(l -> l.contains(SERVING_CLASS)).findFirst().orElse("(not loaded)");
      assertTrue(loaded.contains("source: shared objects file"),
          "the class of serving a fetch did not come from the cache: " + loaded);
    } finally {
      second.stop();
    }
    try (Stream<Path> left = Files.list(cacheDir)) {
      assertEquals(List.of(cache.getFileName().toString()), left.map(p -> p.getFileName()
          .toString()).filter(n -> !n.endsWith(".log") && !n.endsWith(".lock")).toList(),
          "one cache, nothing half-written");
    }
  }

  private Path writeConfig(TestUpstream upstream, AccessToken token) throws IOException {
    Files.writeString(dir.resolve("identity.yaml"), """
        users:
          ops:
            groups: [eng]
            tokens: ["%s"]
        """.formatted(token.hash().value()));
    Path config = dir.resolve("gitedge.yaml");
    Files.writeString(config, """
        region: cache
        dataDir: ./data
        http:
          listen: 127.0.0.1:0
        identity:
          file: identity.yaml
        access:
          rules:
            - { repos: "github.com/acme/**", groups: [eng] }
        upstreams:
          - prefix: github.com/acme
            url: %s/acme
            repos: [lib]
            syncInterval: 1h
        """.formatted(upstream.fileUrl()));
    return config;
  }

  private Gateway start(String launcher, Path javaHome, Path config, Path cacheDir, String name,
      String javaOptions) throws Exception {
    Path log = dir.resolve(name + ".log");
    ProcessBuilder pb = new ProcessBuilder(launcher, "serve", "--config", config.toString())
        .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
    environment(pb, javaHome, cacheDir, javaOptions);
    Process p = pb.start();
    for (int i = 0; i < 1200; i++) {
      Matcher m = SERVING.matcher(Files.readString(log));
      if (m.find()) {
        return new Gateway(p, m.group(1), log);
      }
      if (!p.isAlive()) {
        break;
      }
      Thread.sleep(50);
    }
    p.destroyForcibly();
    throw new AssertionError("the gateway did not start:\n" + Files.readString(log));
  }

  private void environment(ProcessBuilder pb, Path javaHome, Path cacheDir, String javaOptions)
      throws IOException {
    pb.environment().clear();
    pb.environment().putAll(ClientProcess.baseEnvironment());
    pb.environment().put("HOME", Files.createDirectories(dir.resolve("operator")).toString());
    pb.environment().put("JAVA_HOME", javaHome.toString());
    pb.environment().put("GITEDGE_CACHE_DIR", cacheDir.toString());
    pb.environment().put("GITEDGE_JAVA_OPTS", javaOptions);
  }

  private void clone(Gateway g, AccessToken token, String tip) throws IOException {
    ClientHome git = ClientHome.create(Files.createTempDirectory(dir, "client"))
        .trusting(dir.resolve("data/keys/tls.crt"));
    git.addNetrc("127.0.0.1", "ops", token.reveal());
    Path target = git.home().resolve("lib");
    git.git(git.home(), "clone", "-q", g.url() + "/github.com/acme/lib.git", target.toString())
        .assertOk();
    assertEquals(tip, git.git(target, "rev-parse", "HEAD").assertOk().stdout().strip());
  }

  /** Waits for the background training's cache (a failed training fails the test). */
  private static Path awaitCache(Path cacheDir, String kind) throws Exception {
    for (int i = 0; i < 3600; i++) {
      if (Files.isDirectory(cacheDir)) {
        try (Stream<Path> files = Files.list(cacheDir)) {
          List<Path> all = files.toList();
          for (Path f : all) {
            if (f.toString().endsWith(kind + ".failed")) {
              throw new AssertionError("training failed:\n" + Files.readString(Path.of(
                  f.toString().replace(".failed", ".log"))));
            }
          }
          List<Path> done = all.stream().filter(f -> f.toString().endsWith(kind)).toList();
          if (!done.isEmpty()) {
            assertEquals(1, done.size(), done.toString());
            return done.get(0);
          }
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no " + kind + " in " + cacheDir + " after 6 minutes");
  }
}
