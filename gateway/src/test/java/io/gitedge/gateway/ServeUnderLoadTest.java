package io.gitedge.gateway;

import static io.gitedge.gateway.GatewayHarness.LIB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import io.gitedge.testing.BackgroundClones;
import io.gitedge.testing.ClientHome;
import io.gitedge.testing.ProcessResult;
import io.gitedge.testing.RefSnapshots;
import io.gitedge.testing.Requires;
import io.gitedge.testing.ResourceBaseline;
import io.gitedge.testing.TestScale;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.eclipse.jgit.internal.storage.file.FileRepository;
import org.eclipse.jgit.internal.storage.file.GC;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Catalogue rows R07 (serve during sync), R11 (GC during load) and R12 (load): many real clients
 * (git over HTTPS v2 and v0, OpenSSH) cloning and fetching at once while the upstream is pushed
 * to every 200 ms and the mirror follows it. What every row checks: no client fails, every clone
 * passes {@code git fsck}, every client's refs equal one state the upstream had
 * ({@link RefSnapshots}: never a mix of two syncs, never a ref going back), and the gateway gives
 * back its threads, descriptors, heap, connections and sessions ({@link ResourceBaseline}).
 * Figures (wall time, peaks) are printed to the test output. {@code -Plong} runs the
 * catalogue's sizes ({@link TestScale}).
 */
class ServeUnderLoadTest {
  private static final String REPO = "acme/lib";
  private static final String WEBHOOK_SECRET = "webhook-secret-of-the-load-test";
  private static final Duration PUSH_EVERY = Duration.ofMillis(200);
  /** Concurrent clients on one loopback address: lift the per-address SSH caps. */
  private static final String SESSION_CAP = "1024";

  /**
   * The pack cache answers ref listings from a snapshot read after each sync, which hides how a
   * sync updates the refs on disk (R12 runs with it); without it every listing reads the refs
   * on disk, so R07 checks the store's one atomic batch itself. Shown: with the batch split into
   * one update per ref, R07 fails this way and passes with the cache on.
   */
  private static final String NO_PACK_CACHE = "packCache:\n  enabled: false\n";

  @TempDir Path dir;

  private static GatewayHarness.Options manyClients(GatewayHarness.Options o) {
    return o.withSsh("maxSessions", SESSION_CAP).withSsh("maxSessionsPerAddress", SESSION_CAP)
        .withSsh("maxUnauthenticatedSessions", SESSION_CAP);
  }

  // ------------------------------------------------------------------------------- R12 load

  /** How a load client clones. */
  private enum Kind {
    HTTPS_V2, HTTPS_V0, SSH, SHALLOW, BLOBLESS_HTTPS, BLOBLESS_SSH;

    boolean partialRefs() {
      return this == SHALLOW;
    }
  }

  private record Clone(int n, Kind kind, Path dir, ProcessResult result, long millis) {}

  @Test
  void r12_concurrentMixedClonesThenLsRemotes_allSucceedConsistentAndResourcesComeBack()
      throws Exception {
    Requires.tools("ssh");
    int clones = TestScale.pick(40, 200);
    int lsRemotes = TestScale.pick(60, 1000);
    int lsParallel = TestScale.pick(20, 100);
    try (LogCapture log = new LogCapture(org.slf4j.Logger.ROOT_LOGGER_NAME, Level.INFO);
        GatewayHarness gw = GatewayHarness.start(dir,
            manyClients(GatewayHarness.Options.defaults()).withSyncInterval("1s"))) {
      ClientHome https = gw.clientWithNetrc("alice");
      ClientHome ssh = gw.clientWithSshKey("alice");
      warmUp(gw, https, ssh);
      ResourceBaseline before = gw.resourceBaseline();
      RefSnapshots states = new RefSnapshots("upstream " + REPO);
      List<Clone> done;
      List<ProcessResult> listings;
      long clonesMillis;
      long lsMillis;
      String peaksText;
      try (Pusher pusher = new Pusher(gw, states, () -> { });
          ResourceBaseline.Peaks peaks = before.sampleEvery(Duration.ofMillis(250))) {
        long start = System.nanoTime();
        done = runAll(clones, clones, i -> {
          Kind kind = Kind.values()[i % Kind.values().length];
          Path to = dir.resolve("r12-clone-" + i);
          long t0 = System.nanoTime();
          ProcessResult r = clone(gw, kind == Kind.SSH || kind == Kind.BLOBLESS_SSH ? ssh
              : https, kind, to);
          return new Clone(i, kind, to, r, (System.nanoTime() - t0) / 1_000_000);
        });
        clonesMillis = (System.nanoTime() - start) / 1_000_000;
        start = System.nanoTime();
        listings = runAll(lsRemotes, lsParallel, i -> switch (i % 3) {
          case 0 -> https.git(dir, "ls-remote", gw.repoUrl(LIB));
          case 1 -> https.git(dir, "-c", "protocol.version=0", "ls-remote", gw.repoUrl(LIB));
          default -> ssh.git(dir, "ls-remote", gw.sshUrl(LIB));
        });
        lsMillis = (System.nanoTime() - start) / 1_000_000;
        peaksText = peaks.describe();
        pusher.assertMoved("R12", 3);
      }
      for (Clone c : done) {
        assertEquals(0, c.result().exitCode(), "R12: clone " + c.n() + " (" + c.kind()
            + ") failed: " + c.result().describe());
      }
      for (ProcessResult l : listings) {
        assertEquals(0, l.exitCode(), "R12: ls-remote failed: " + l.describe());
        states.assertEqualsSome("R12: ls-remote", RefSnapshots.parse(l.stdout()));
      }
      int fscked = 0;
      for (Clone c : done) {
        checkClone("R12", states, https, c.dir(), "clone " + c.n() + " (" + c.kind() + ")",
            c.kind().partialRefs());
        if (TestScale.isLong() || c.n() % 4 == 0) {
          fsck("R12", https, c.dir(), "clone " + c.n() + " (" + c.kind() + ")");
          fscked++;
        }
      }
      List<Long> times = done.stream().map(Clone::millis).sorted().toList();
      System.out.printf("R12 figures: %d concurrent clones (%s) in %d ms wall, clone p50 %d ms,"
          + " p99 %d ms, max %d ms; %d ls-remote (%d at a time) in %d ms; %d clones fsck'd;"
          + " upstream states %d; %s%n", clones, List.of(Kind.values()), clonesMillis,
          percentile(times, 50), percentile(times, 99), times.get(times.size() - 1), lsRemotes,
          lsParallel, lsMillis, fscked, states.size(), peaksText);
      gw.secretScan().assertNotIn("R12: the gateway's log under load", log.lines());
      gw.secretScan().assertNotIn("R12: /metrics after the load", gw.metricsText());
      ResourceBaseline.Snapshot after = before.assertBackWithin("R12",
          loadTolerance(clones), Duration.ofSeconds(30));
      System.out.println("R12 resources: baseline " + before.baseline() + "; after " + after);
    }
  }

  // ---------------------------------------------------------------- R07 serve during sync

  @Test
  void r07_clientsCloningAndFetchingWhileUpstreamPushesEvery200ms_seeOnlyWholeMirrorStates()
      throws Exception {
    Requires.tools("ssh", "curl", "openssl");
    int clients = TestScale.pick(20, 50);
    Files.writeString(dir.resolve("webhook.secret"), WEBHOOK_SECRET + "\n");
    try (LogCapture log = new LogCapture(org.slf4j.Logger.ROOT_LOGGER_NAME, Level.INFO);
        GatewayHarness gw = GatewayHarness.start(dir, manyClients(
            GatewayHarness.Options.defaults()).withUpstream("webhookSecretFile",
                "webhook.secret").withTopLevel(NO_PACK_CACHE))) {
      String url = gw.upstreamHttp().url() + "/" + REPO;
      gw.upstream().postWebhooksOnPush(REPO, """
          {"ref":"refs/heads/main","repository":{"full_name":"%s","clone_url":"%s.git",\
          "html_url":"%s","ssh_url":"git@example.invalid:%s.git"}}"""
          .formatted(REPO, url, url, REPO), WEBHOOK_SECRET, gw.certificate(),
          gw.url() + "/hooks/github");
      ClientHome https = gw.clientWithNetrc("alice");
      ClientHome ssh = gw.clientWithSshKey("alice");
      warmUp(gw, https, ssh);
      ResourceBaseline before = gw.resourceBaseline();
      RefSnapshots states = new RefSnapshots("upstream " + REPO);
      List<Map<String, String>> looks = Collections.synchronizedList(new ArrayList<>());
      List<List<String>> failures;
      long start = System.nanoTime();
      BackgroundClones v0;
      try (Pusher pusher = new Pusher(gw, states, () -> { });
          Looker looker = new Looker(() -> https.git(dir, "ls-remote", gw.repoUrl(LIB)),
              looks);
          BackgroundClones legacy = gw.backgroundClones(LIB, "-c", "protocol.version=0")) {
        v0 = legacy;
        failures = runAll(clients, clients, i -> {
          ClientHome c = i % 2 == 0 ? https : ssh;
          String from = i % 2 == 0 ? gw.repoUrl(LIB) : gw.sshUrl(LIB);
          String who = "client " + i + (i % 2 == 0 ? " (HTTPS v2)" : " (SSH)");
          Path to = dir.resolve("r07-" + i);
          List<String> problems = new ArrayList<>();
          ProcessResult clone = c.git(dir, "clone", "-q", from, to.toString());
          if (!clone.ok()) {
            problems.add("R07: " + who + " clone failed: " + clone.describe());
            return problems;
          }
          check(problems, () -> checkClone("R07", states, c, to, who + " after clone", false));
          for (int f = 0; f < 2; f++) {
            ProcessResult fetch = c.git(to, "fetch", "-q", "origin");
            if (!fetch.ok()) {
              problems.add("R07: " + who + " fetch " + f + " failed: " + fetch.describe());
            }
            String after = who + " after fetch " + f;
            check(problems, () -> checkClone("R07", states, c, to, after, false));
          }
          check(problems, () -> fsck("R07", c, to, who));
          return problems;
        });
        pusher.assertMoved("R07", 3);
      }
      v0.assertAllSucceeded("R07 (a protocol v0 client cloning in a loop)",
          Duration.ofMinutes(2));
      long millis = (System.nanoTime() - start) / 1_000_000;
      List<String> all = failures.stream().flatMap(List::stream).toList();
      assertTrue(all.isEmpty(), all.size() + " R07 problem(s):\n" + String.join("\n", all));
      List<Map<String, String>> seen = withoutRepeats(looks);
      states.assertNoRewind("R07: a client listing the mirror again and again", seen);
      assertTrue(seen.size() >= 2, "R07: the mirror never moved while the clients ran (webhook"
          + " syncs did not happen): " + seen.size() + " state(s) seen");
      System.out.printf("R07 figures: %d clients (clone, 2 fetches, fsck each; half HTTPS v2,"
          + " half SSH) in %d ms; upstream states %d; mirror states seen by a lister %d;"
          + " beside them a v0 clone loop: %s%n", clients, millis, states.size(), seen.size(),
          v0.summary());
      gw.secretScan().and("webhook secret", WEBHOOK_SECRET)
          .assertNotIn("R07: the gateway's log", log.lines());
      before.assertBackWithin("R07", loadTolerance(clients), Duration.ofSeconds(30));
    }
  }

  // ------------------------------------------------------------------ R11 GC during load

  @Test
  void r11_gcOfTheMirrorInALoopDuringSyncsClonesAndFetches_losesNoObject() throws Exception {
    Requires.tools("ssh");
    int workers = TestScale.pick(10, 50);
    // at least this long and this many collections, however slow the machine
    Duration length = Duration.ofSeconds(TestScale.pick(20, 600));
    int minGcs = TestScale.pick(6, 100);
    try (LogCapture log = new LogCapture("io.gitedge", Level.WARN);
        LogCapture jgit = new LogCapture("org.eclipse.jgit", Level.WARN);
        GatewayHarness gw = GatewayHarness.start(dir, manyClients(
            GatewayHarness.Options.defaults()))) {
      ClientHome https = gw.clientWithNetrc("alice");
      ClientHome ssh = gw.clientWithSshKey("alice");
      warmUp(gw, https, ssh);
      RefSnapshots states = new RefSnapshots("upstream " + REPO);
      AtomicInteger gcs = new AtomicInteger();
      long started = System.nanoTime();
      AtomicInteger ops = new AtomicInteger();
      List<List<String>> failures;
      try (FileRepository mirror = new FileRepository(gw.mirrorDir(LIB).toFile());
          Pusher pusher = new Pusher(gw, states, () -> {
            // as the gateway repacks: after a sync, never beside one (the pusher syncs, then
            // collects, on one thread), with JGit's GC at its defaults (old packs kept an hour)
            if (!gw.sync(LIB).succeeded()) {
              throw new AssertionError("R11: a sync failed");
            }
            try {
              new GC(mirror).gc().join();
            } catch (Exception e) {
              throw new AssertionError("R11: GC of the mirror failed: " + e, e);
            }
            gcs.incrementAndGet();
          })) {
        long end = started + length.toNanos();
        java.util.function.BooleanSupplier running = () -> System.nanoTime() < end
            || gcs.get() < minGcs;
        failures = runAll(workers, workers, i -> {
          ClientHome c = i % 2 == 0 ? https : ssh;
          String from = i % 2 == 0 ? gw.repoUrl(LIB) : gw.sshUrl(LIB);
          String who = "worker " + i + (i % 2 == 0 ? " (HTTPS v2)" : " (SSH)");
          List<String> problems = new ArrayList<>();
          for (int round = 0; running.getAsBoolean() && problems.isEmpty(); round++) {
            Path to = dir.resolve("r11-" + i + "-" + round);
            ProcessResult clone = c.git(dir, "clone", "-q", from, to.toString());
            ops.incrementAndGet();
            if (!clone.ok()) {
              problems.add("R11: " + who + " clone " + round + " failed: " + clone.describe());
              break;
            }
            for (int f = 0; f < 3 && running.getAsBoolean(); f++) {
              ProcessResult fetch = c.git(to, "fetch", "-q", "origin");
              ops.incrementAndGet();
              if (!fetch.ok()) {
                problems.add("R11: " + who + " fetch failed: " + fetch.describe());
              }
            }
            check(problems, () -> checkClone("R11", states, c, to, who + " round", false));
            check(problems, () -> fsck("R11", c, to, who));
          }
          return problems;
        });
        pusher.assertMoved("R11", 3);
      }
      List<String> all = failures.stream().flatMap(List::stream).toList();
      assertTrue(all.isEmpty(), all.size() + " R11 problem(s):\n" + String.join("\n", all));
      List<String> lines = new ArrayList<>(log.lines());
      lines.addAll(jgit.lines());
      List<String> missing = lines.stream().filter(l -> l.contains("MissingObject")
          || l.contains("could not finish") || l.contains("Missing ")).toList();
      assertTrue(missing.isEmpty(), "R11: objects went missing during GC: " + missing);
      assertTrue(gcs.get() >= minGcs, "R11: GC ran only " + gcs.get() + " times");
      System.out.printf("R11 figures: %d GCs of the mirror, %d clones and fetches by %d workers"
          + " in %d s, 0 failures; upstream states %d%n", gcs.get(), ops.get(), workers,
          (System.nanoTime() - started) / 1_000_000_000, states.size());
    }
  }

  // ----------------------------------------------------------------------------- helpers

  /** A first clone over each door, so what the gateway makes lazily exists at the baseline. */
  private void warmUp(GatewayHarness gw, ClientHome https, ClientHome ssh) {
    https.git(dir, "clone", "-q", gw.repoUrl(LIB), dir.resolve("warm-https").toString())
        .assertOk();
    ssh.git(dir, "clone", "-q", gw.sshUrl(LIB), dir.resolve("warm-ssh").toString()).assertOk();
  }

  private static ProcessResult clone(GatewayHarness gw, ClientHome c, Kind kind, Path to) {
    return switch (kind) {
      case HTTPS_V2 -> c.git(to.getParent(), "clone", "-q", gw.repoUrl(LIB), to.toString());
      case HTTPS_V0 -> c.git(to.getParent(), "-c", "protocol.version=0", "clone", "-q",
          gw.repoUrl(LIB), to.toString());
      case SSH -> c.git(to.getParent(), "clone", "-q", gw.sshUrl(LIB), to.toString());
      case SHALLOW -> c.git(to.getParent(), "clone", "-q", "--depth", "1", gw.repoUrl(LIB),
          to.toString());
      case BLOBLESS_HTTPS -> c.git(to.getParent(), "clone", "-q", "--filter=blob:none",
          gw.repoUrl(LIB), to.toString());
      case BLOBLESS_SSH -> c.git(to.getParent(), "clone", "-q", "--filter=blob:none",
          gw.sshUrl(LIB), to.toString());
    };
  }

  /** The clone's refs equal (or, for a shallow clone, lie within) one upstream state. */
  private static void checkClone(String row, RefSnapshots states, ClientHome c, Path clone,
      String who, boolean partial) {
    Map<String, String> refs = RefSnapshots.ofClone(c.git(clone, "for-each-ref",
        RefSnapshots.FORMAT).assertOk().stdout());
    if (partial) {
      states.assertWithinSome(row + ": " + who, refs);
    } else {
      states.assertEqualsSome(row + ": " + who, refs);
    }
  }

  private static void fsck(String row, ClientHome c, Path clone, String who) {
    ProcessResult r = c.git(clone, "fsck", "--no-progress");
    if (!r.ok()) {
      throw new AssertionError(row + ": " + who + " is not fsck clean: " + r.describe());
    }
  }

  /** Runs {@code check}, adding its assertion message to {@code problems}. */
  private static void check(List<String> problems, Runnable check) {
    try {
      check.run();
    } catch (AssertionError e) {
      problems.add(e.getMessage());
    }
  }

  /** Runs {@code n} tasks, {@code parallel} at a time, all released together; their results. */
  private static <T> List<T> runAll(int n, int parallel, IntFunction<T> task) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(parallel);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<T>> futures = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        int k = i;
        futures.add(pool.submit(() -> {
          go.await();
          return task.apply(k);
        }));
      }
      go.countDown();
      List<T> results = new ArrayList<>();
      for (Future<T> f : futures) {
        results.add(f.get(10, TimeUnit.MINUTES));
      }
      return results;
    } finally {
      pool.shutdownNow();
      pool.awaitTermination(1, TimeUnit.MINUTES);
    }
  }

  /**
   * What a load may leave: idle pool threads (Jetty lets one go per minute; two output drainers
   * per client process idle for a minute too), nothing else beyond the default tolerance.
   */
  private static ResourceBaseline.Tolerance loadTolerance(int clients) {
    ResourceBaseline.Tolerance d = ResourceBaseline.Tolerance.DEFAULT;
    return new ResourceBaseline.Tolerance(d.workingThreads(), 4 * clients + 64,
        d.fileDescriptors() + 48, d.heapBytes(), d.gauge());
  }

  private static long percentile(List<Long> sorted, int p) {
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size())
        - 1));
  }

  private static List<Map<String, String>> withoutRepeats(List<Map<String, String>> looks) {
    List<Map<String, String>> out = new ArrayList<>();
    synchronized (looks) {
      for (Map<String, String> l : looks) {
        if (out.isEmpty() || !out.get(out.size() - 1).equals(l)) {
          out.add(l);
        }
      }
    }
    return out;
  }

  /**
   * Pushes to {@value #REPO} every 200 ms (or as fast as the machine allows): {@code main} and
   * {@code dev} in one atomic push, every fifth push also a tag; records each upstream state
   * right after its push, then runs {@code afterPush}. Closing stops it and fails if a push
   * failed.
   */
  private static final class Pusher implements AutoCloseable {
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicInteger pushes = new AtomicInteger();
    private final List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
    private final Thread thread;

    Pusher(GatewayHarness gw, RefSnapshots states, Runnable afterPush) {
      states.observe(gw.upstream().refs(REPO));
      Path root = gw.workDir("pusher");
      ClientHome author = ClientHome.create(root);
      Path work = root.resolve("lib");
      author.git(root, "clone", "-q", gw.upstream().bare(REPO).toString(), work.toString())
          .assertOk();
      author.git(work, "branch", "dev").assertOk();
      thread = new Thread(() -> {
        for (int n = 1; !stop.get(); n++) {
          long t0 = System.nanoTime();
          try {
            // main and dev move in one atomic push (a new blob on main), every fifth push also
            // creates a tag: a mirror that applied a sync's ref changes one by one would show
            // states the upstream never had
            author.bash(work, """
                echo 'push %1$d' > moving.txt
                git add moving.txt
                git commit -q -m 'push %1$d'
                git update-ref refs/heads/dev $(git commit-tree HEAD^{tree} -p dev -m 'dev %1$d')
                %2$s
                git push -q --atomic origin main dev %3$s
                """.formatted(n, n % 5 == 0 ? "git tag load-" + n : "",
                n % 5 == 0 ? "load-" + n : "")).assertOk();
            states.observe(gw.upstream().refs(REPO));
            pushes.incrementAndGet();
            afterPush.run();
          } catch (Throwable e) {
            errors.add(e);
            return;
          }
          long left = PUSH_EVERY.toMillis() - (System.nanoTime() - t0) / 1_000_000;
          if (left > 0) {
            try {
              Thread.sleep(left);
            } catch (InterruptedException e) {
              return;
            }
          }
        }
      }, "upstream-pusher");
      thread.setDaemon(true);
      thread.start();
    }

    void assertMoved(String row, int atLeast) {
      assertTrue(pushes.get() >= atLeast, row + ": the upstream was pushed to only "
          + pushes.get() + " times during the load");
    }

    @Override
    public void close() throws InterruptedException {
      stop.set(true);
      thread.join(120_000);
      if (!errors.isEmpty()) {
        AssertionError e = new AssertionError("pushing to the upstream failed: "
            + errors.get(0), errors.get(0));
        throw e;
      }
    }
  }

  /** A client listing the mirror over and over, recording each state it saw, until closed. */
  private static final class Looker implements AutoCloseable {
    private final AtomicBoolean stop = new AtomicBoolean();
    private final List<String> failures = Collections.synchronizedList(new ArrayList<>());
    private final Thread thread;

    Looker(java.util.function.Supplier<ProcessResult> list, List<Map<String, String>> seen) {
      thread = new Thread(() -> {
        while (!stop.get()) {
          ProcessResult r = list.get();
          if (r.ok()) {
            seen.add(RefSnapshots.parse(r.stdout()));
          } else {
            failures.add(r.describe());
          }
        }
      }, "mirror-looker");
      thread.setDaemon(true);
      thread.start();
    }

    @Override
    public void close() throws InterruptedException {
      stop.set(true);
      thread.join(120_000);
      assertTrue(failures.isEmpty(), "R07: listing the mirror failed: " + failures);
    }
  }
}
