package io.gitedge.bench;

import io.gitedge.testing.ClientHome;
import io.gitedge.testing.ClientProcess;
import io.gitedge.testing.ProcessResult;
import io.gitedge.testing.TrustingHttp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import javax.net.ssl.SSLContext;

/**
 * GitEdge against C git, side by side in one run, alternating which goes first: the same bare
 * repositories served by the gateway (its own JVM, HTTPS and SSH, mirroring them through
 * {@code file://}) and by C git ({@code git http-backend} behind nginx, {@code git-upload-pack}
 * behind sshd), driven by the real git and go clients. Writes the {@code compare} section of
 * {@code BENCHMARKS.md}.
 *
 * <p>Usage: {@code CompareWithCGit <cache dir> <gitedge launcher> [BENCHMARKS.md]
 * [bare repository]}; the last replaces the generated medium repository.
 */
public final class CompareWithCGit {
  private static final String BEGIN = "<!-- compare:begin -->";
  private static final String END = "<!-- compare:end -->";

  private final Path work;
  private final Map<String, String> env = ClientProcess.baseEnvironment();
  private final List<String> rows = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();
  private Side gw;
  private Side cgit;
  private int serial;

  /** Rows measured with git told not to read the system's CA folder; see {@link #noCaPath}. */
  private static final String NO_CA_SCAN = "client without the system CA scan";
  /** Unmeasured ls-remote runs per side before the ref-listing rows. */
  private static final int LS_REMOTE_WARMUP = Integer.getInteger("lsremote.warmup", 50);

  /** One server under test and the client that talks to it. */
  private record Side(String name, Function<String, String> https, Function<String, String> ssh,
      ClientHome client) {}

  private interface Op {
    double run(Side side, int rep) throws Exception;
  }

  private CompareWithCGit(Path work) {
    this.work = work;
  }

  public static void main(String[] args) throws Exception {
    Path cache = Path.of(args[0]);
    Path launcher = Path.of(args[1]);
    Path out = args.length > 2 ? Path.of(args[2]) : null;
    Path given = args.length > 3 ? Path.of(args[3]).toAbsolutePath() : null;
    Path work = Files.createTempDirectory("gitedge-bench-");
    String section = new CompareWithCGit(work).run(cache, launcher, given);
    System.out.println(section);
    if (out != null && System.getProperty("only") == null) {
      Markdown.replaceSection(out, BEGIN, END, section);
    } else if (out != null) {
      log("-Donly: some workloads only, so " + out + " is left as it is");
    }
    ClientProcess.run(work.getParent(), ClientProcess.baseEnvironment(),
        List.of("rm", "-rf", work.toString()), null);
  }

  private String run(Path cache, Path launcher, Path given) throws Exception {
    Files.createDirectories(cache);
    log("repositories (generated once into " + cache + ")");
    Path medium = given != null ? given : RepoGen.medium(cache.resolve("medium.git"), env);
    Path small = RepoGen.small(cache.resolve("small.git"), env);
    Path projects = Files.createDirectories(work.resolve("projects"));
    copy(medium, projects.resolve("medium.git"));
    copy(small, projects.resolve("small.git"));
    String mediumShape = shape(projects.resolve("medium.git"));

    log("starting C git (nginx + fcgiwrap + http-backend, sshd) and the gateway");
    try (CGitServers c = CGitServers.start(projects, work.resolve("cgit"), env)) {
      Path key = c.sshd().clientKey();
      String pub = Files.readString(Path.of(key + ".pub"));
      try (GatewayProcess g = GatewayProcess.start(work.resolve("gateway"), launcher,
          gatewayJvmOptions(), projects, List.of("small", "medium"), pub)) {
        Path trust = work.resolve("trust.pem");
        Files.writeString(trust, Files.readString(g.certificate())
            + Files.readString(c.certificate()));
        ClientHome client = ClientHome.create(work.resolve("client")).trusting(trust)
            .with("GIT_SSH_COMMAND", "ssh -i " + key + " -o IdentitiesOnly=yes"
                + " -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR");
        client.git(work, "config", "--global", "http." + g.httpsBase() + ".extraHeader",
            "Authorization: Bearer " + g.token()).assertOk();
        gw = new Side("GitEdge", g::httpsUrl, g::sshUrl, client);
        cgit = new Side("C git", c::httpsUrl,
            r -> c.sshUrl(projects.resolve(r + ".git")), client);
        workloads(g, c, projects, trust);
      }
    }
    return report(mediumShape);
  }

  private void workloads(GatewayProcess g, CGitServers c, Path projects, Path trust)
      throws Exception {
    if (Boolean.getBoolean("hold")) {
      hold(g, c, trust);
    }
    int reps = Integer.getInteger("reps", 3);
    if (wanted("clones")) {
      clones(reps);
    }
    if (wanted("fetch")) {
      refsAndFetches(g, c, projects);
    }
    if (wanted("go")) {
      goModDownload(g, trust, reps);
    }
    if (wanted("capacity")) {
      capacity(g, c, trust);
    }
    if (wanted("parallel")) {
      parallelClones();
    }
    if (wanted("restart")) {
      firstCloneAfterStart(g);
    }
  }

  /**
   * {@code -Dhold=true}: both sides stay up, with a client home set up to reach them, until the
   * file it names is deleted; for profiling one side by hand.
   */
  private void hold(GatewayProcess g, CGitServers c, Path trust) throws Exception {
    Path flag = Files.writeString(work.resolve("holding"), "delete me to go on\n");
    log("holding; HOME=" + gw.client().home() + " GIT_SSL_CAINFO=" + trust);
    log("  GitEdge: " + g.httpsUrl("medium") + "  " + g.sshUrl("medium") + "  pid "
        + g.pid());
    log("  C git:   " + c.httpsUrl("medium"));
    c.recordFloor("medium");
    log("  floor:   " + c.floorUrl("medium"));
    log("  go on:   rm " + flag);
    while (Files.exists(flag)) {
      Thread.sleep(500);
    }
  }

  /** {@code -Xmx2g}, and what {@code -Dgateway.jvm="..."} adds (while profiling the gateway). */
  private static List<String> gatewayJvmOptions() {
    List<String> options = new ArrayList<>(List.of("-Xmx2g"));
    String more = System.getProperty("gateway.jvm", "").trim();
    if (!more.isEmpty()) {
      options.addAll(List.of(more.split("\\s+")));
    }
    return options;
  }

  /** {@code -Donly=clones,go} runs some workload groups only (while working on one). */
  private static boolean wanted(String group) {
    String only = System.getProperty("only");
    return only == null || List.of(only.split(",")).contains(group);
  }

  private void clones(int reps) throws Exception {
    log("clones of medium");
    compare("full clone", "HTTPS", reps, "≤ 1.0×", 1.0,
        (s, i) -> clone(s, s.https().apply("medium")));
    compare("full clone", "SSH", reps, "≤ 1.0×", 1.0,
        (s, i) -> clone(s, s.ssh().apply("medium")));
    compare("clone --mirror", "HTTPS", reps, "≤ 1.0×", 1.0,
        (s, i) -> clone(s, s.https().apply("medium"), "--mirror"));
    compare("clone --depth 1", "HTTPS", reps, "≤ 1.0×", 1.0,
        (s, i) -> clone(s, s.https().apply("medium"), "--depth", "1"));
  }

  private void refsAndFetches(GatewayProcess g, CGitServers c, Path projects)
      throws Exception {
    log("ref listings and fetches");
    // steady state: ref listings are what a gateway in service answers all day, and a JVM
    // answers its first few dozen with code the JIT has not compiled yet (handshake, request
    // path); C git starts new processes for every request and has nothing to warm
    Op list = (s, i) -> timed(s, work, "ls-remote", s.https().apply("medium"));
    for (int i = 0; i < LS_REMOTE_WARMUP; i++) {
      list.run(gw, -1);
      list.run(cgit, -1);
    }
    notes.add("ls-remote rows: after " + LS_REMOTE_WARMUP + " unmeasured runs per side. **floor**"
        + " rows: C git's own answers to the two requests of `git ls-remote`, stored as files"
        + " and replayed by the same nginx whatever is asked, measured in place of GitEdge: no"
        + " server answers faster, so floor / C git is the lowest ratio any server can reach"
        + " with this client (the rest is the client's own work).");
    c.recordFloor("medium");
    Side floor = new Side("floor", c::floorUrl, null, cgit.client());
    compare("ls-remote (5,100 refs)", "HTTPS", 15, "≤ 0.8×", 0.8, list);
    compare("ls-remote (5,100 refs): **floor** in place of GitEdge", "HTTPS", 15, "", Double.NaN,
        floor, cgit, list);
    compare("ls-remote (5,100 refs)", "SSH", 15, "≤ 0.8×", 0.8,
        (s, i) -> timed(s, work, "ls-remote", s.ssh().apply("medium")));
    compare("ls-remote of one ref", "HTTPS", 15, "≤ 0.8×", 0.8,
        (s, i) -> timed(s, work, "ls-remote", s.https().apply("medium"), "refs/heads/main"));
    String noCaScan = "http.sslCAPath=" + noCaPath();
    Op noCaList = (s, i) -> timed(s, work, "-c", noCaScan, "ls-remote", s.https().apply("medium"));
    compare("ls-remote (5,100 refs), " + NO_CA_SCAN, "HTTPS", 15, "≤ 0.8×", 0.8, noCaList);
    compare("ls-remote (5,100 refs), " + NO_CA_SCAN + ": **floor** in place of GitEdge", "HTTPS",
        15, "", Double.NaN, floor, cgit, noCaList);
    Map<String, Path> clones = new LinkedHashMap<>();
    for (Side s : List.of(gw, cgit)) {
      Path d = work.resolve("fetch-" + (s == gw ? "gitedge" : "cgit"));
      s.client().git(work, "clone", "-q", "--no-checkout", s.https().apply("medium"),
          d.toString()).assertOk();
      clones.put(s.name(), d);
    }
    compare("no-op fetch", "HTTPS", 10, "≤ 1.0×", 1.0,
        (s, i) -> timed(s, clones.get(s.name()), "fetch", "-q", "origin"));
    int[] round = {0};
    compare("fetch of 10 new commits", "HTTPS", 5, "≤ 1.0×", 1.0, (s, i) -> {
      if (round[0] == i) { // first side of this round: the upstream moves on, the gateway syncs
        round[0]++;
        RepoGen.appendCommits(projects.resolve("medium.git"), env, 10, 1000 + i);
        g.sync("medium");
      }
      double t = timed(s, clones.get(s.name()), "fetch", "-q", "origin");
      String want = s.client().git(projects.resolve("medium.git"), "rev-parse", "main")
          .assertOk().stdout().trim();
      String got = s.client().git(clones.get(s.name()), "rev-parse", "origin/main").assertOk()
          .stdout().trim();
      if (!want.equals(got)) {
        throw new IllegalStateException(s.name() + " fetched " + got + ", upstream is " + want);
      }
      return t;
    });
  }

  /**
   * An empty folder for {@code http.sslCAPath}. Debian's libcurl-gnutls, which git uses, reads
   * every certificate in {@code /etc/ssl/certs} at each run, besides the one file it is told to
   * trust: 65–85 ms of every git command on this machine, the same whichever server answers. The
   * rows marked {@link #NO_CA_SCAN} leave that out, to show the servers' part.
   */
  private Path noCaPath() throws IOException {
    return Files.createDirectories(work.resolve("no-ca-path"));
  }

  private void goModDownload(GatewayProcess g, Path trust, int reps) throws Exception {
    log("go mod download");
    goModDownload(g, trust, reps, false);
    goModDownload(g, trust, reps, true);
  }

  private void goModDownload(GatewayProcess g, Path trust, int reps, boolean noCaScan)
      throws Exception {
    Map<String, List<String>> sums = new LinkedHashMap<>();
    compare("cold `go mod download` of 16 versions" + (noCaScan ? ", " + NO_CA_SCAN : ""),
        "HTTPS", reps, "≤ 0.8×", 0.8, (s, i) -> {
      Path d = work.resolve("go-" + (++serial));
      ClientHome home = ClientHome.create(d).trusting(trust).with("GOPRIVATE", "github.com/acme")
          .with("GOPROXY", "direct").with("GOFLAGS", "-modcacherw");
      String base = s.https().apply("small");
      home.git(d, "config", "--global", "url." + base.substring(0, base.length()
          - "small.git".length()) + ".insteadOf", "https://github.com/acme/").assertOk();
      home.git(d, "config", "--global", "http." + g.httpsBase() + ".extraHeader",
          "Authorization: Bearer " + g.token()).assertOk();
      if (noCaScan) {
        home.git(d, "config", "--global", "http.sslCAPath", noCaPath().toString()).assertOk();
      }
      List<String> cmd = new ArrayList<>(List.of("go", "mod", "download", "-json"));
      for (int v = 0; v < 16; v++) {
        cmd.add(RepoGen.SMALL_MODULE + "@v1.0." + v);
      }
      long t0 = System.nanoTime();
      ProcessResult r = ClientProcess.run(d, home.environment(), cmd, null).assertOk();
      double t = (System.nanoTime() - t0) / 1e9;
      List<String> lines = r.stdout().lines().filter(l -> l.contains("\"Sum\"")).sorted().toList();
      if (lines.size() != 16) {
        throw new IllegalStateException(s.name() + ": " + r.stdout() + r.stderr());
      }
      List<String> before = sums.putIfAbsent(s.name(), lines);
      if (before != null && !before.equals(lines) || sums.size() == 2
          && !sums.get(gw.name()).equals(sums.get(cgit.name()))) {
        throw new IllegalStateException("go.sum hashes differ between the two sides");
      }
      ClientProcess.run(work, env, List.of("rm", "-rf", d.toString()), null);
      return t;
    });
  }

  private void capacity(GatewayProcess g, CGitServers c, Path trust) throws Exception {
    log("capacity: 32 null clients");
    SSLContext ssl = TrustingHttp.sslContext(trust);
    Path rec = work.resolve("recorded");
    String cgitBase = c.httpsUrl("medium");
    String origin = cgitBase.substring(0, cgitBase.indexOf("/git/"));
    NullClients.Recorded req = NullClients.record(origin, ssl, proxy -> cgit.client().git(work,
        "clone", "-q", "--no-checkout", proxy + "/git/medium.git", rec.toString()).assertOk());
    ClientProcess.run(work, env, List.of("rm", "-rf", rec.toString()), null);
    Map<String, String> bearer = Map.of("Authorization", "Bearer " + g.token());
    int concurrency = 32;
    int total = Integer.getInteger("capacity.packs", 64);
    Map<Side, NullClients.Run> runs = new LinkedHashMap<>();
    for (boolean warmUp : List.of(true, false, false)) {
      for (Side s : List.of(cgit, gw)) {
        boolean isGw = s == gw;
        NullClients.Run r = NullClients.run(s.https().apply("medium") + "/git-upload-pack", ssl,
            req, isGw ? bearer : Map.of(), concurrency, warmUp ? concurrency : total,
            isGw ? g.tree() : c.httpsTree());
        if (!warmUp) { // the better of two runs per side
          runs.merge(s, r, (x, y) -> x.packsPerSecond() >= y.packsPerSecond() ? x : y);
        }
      }
    }
    NullClients.Run a = runs.get(gw);
    NullClients.Run b = runs.get(cgit);
    rows.add(String.format(Locale.ROOT,
        "| capacity: packs per second, 32 null clients | HTTPS | %.2f /s | %.2f /s | %.2f× | ≥ 2× | %s |",
        a.packsPerSecond(), b.packsPerSecond(), a.packsPerSecond() / b.packsPerSecond(),
        verdict(a.packsPerSecond() / b.packsPerSecond() >= 2)));
    rows.add(String.format(Locale.ROOT,
        "| capacity: server CPU per clone | HTTPS | %.3f s | %.3f s | %.2f× | ≤ 0.5× | %s |",
        a.cpuPerPack(), b.cpuPerPack(), a.cpuPerPack() / b.cpuPerPack(),
        verdict(a.cpuPerPack() / b.cpuPerPack() <= 0.5)));
    rows.add(String.format(Locale.ROOT,
        "| capacity: server peak RSS | HTTPS | %d MiB | %d MiB | %.2f× | | |",
        a.peakRssBytes() >> 20, b.peakRssBytes() >> 20,
        (double) a.peakRssBytes() / b.peakRssBytes()));
    notes.add(String.format(Locale.ROOT, "Capacity: %d requests per side, 32 at a time, after 32"
        + " warm-up requests; the better of two runs per side, alternating; each response %.1f MiB"
        + " (GitEdge) / %.1f MiB (C git). CPU is the server's whole process tree from /proc"
        + " (nginx, fcgiwrap, http-backend, upload-pack, pack-objects; the gateway's JVM).",
        total, a.bytesPerPack() / 1048576.0, b.bytesPerPack() / 1048576.0));
  }

  private void parallelClones() throws Exception {
    log("100 parallel clones of small");
    List<Double> wall = new ArrayList<>();
    List<Integer> ok = new ArrayList<>();
    for (Side s : List.of(gw, cgit)) {
      ExecutorService pool = Executors.newFixedThreadPool(100);
      List<Future<ProcessResult>> all = new ArrayList<>();
      Path base = Files.createDirectories(work.resolve("parallel-" + (++serial)));
      long t0 = System.nanoTime();
      for (int i = 0; i < 100; i++) {
        Path d = base.resolve("c" + i);
        all.add(pool.submit(() -> s.client().git(base, "clone", "-q", s.https().apply("small"),
            d.toString())));
      }
      int succeeded = 0;
      StringBuilder failures = new StringBuilder();
      for (Future<ProcessResult> f : all) {
        ProcessResult r = f.get();
        if (r.exitCode() == 0) {
          succeeded++;
        } else if (failures.length() < 2000) {
          failures.append(r.stderr());
        }
      }
      wall.add((System.nanoTime() - t0) / 1e9);
      ok.add(succeeded);
      pool.shutdown();
      if (succeeded < 100) {
        notes.add(s.name() + ": " + (100 - succeeded) + " of 100 parallel clones failed: "
            + failures.toString().trim().replace('\n', ' '));
      }
      ClientProcess.run(work, env, List.of("rm", "-rf", base.toString()), null);
    }
    rows.add(String.format(Locale.ROOT,
        "| 100 parallel clones of small (all must succeed) | HTTPS | %d/100 in %.1f s | %d/100 in %.1f s | %.2f× | 100/100 | %s |",
        ok.get(0), wall.get(0), ok.get(1), wall.get(1), wall.get(0) / wall.get(1),
        verdict(ok.get(0) == 100)));
  }

  private void firstCloneAfterStart(GatewayProcess g) throws Exception {
    log("restarts: ready time, first clone and second clone");
    List<Double> ready = new ArrayList<>();
    List<Double> first = new ArrayList<>();
    List<Double> second = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      g.stop();
      g.launch();
      ready.add(g.readySeconds());
      first.add(clone(gw, gw.https().apply("medium")));
      second.add(clone(gw, gw.https().apply("medium")));
    }
    Stats r = new Stats(ready);
    Stats f = new Stats(first);
    Stats s = new Stats(second);
    rows.add("| gateway start to `/readyz` 200 (mirrors on disk) | — | " + r.describe()
        + " | | | ≤ 1.5 s | " + verdict(r.median() <= 1.5) + " |");
    rows.add(String.format(Locale.ROOT,
        "| first clone after start / second clone (GitEdge only) | HTTPS | %s | %s | %.2f× | ≤ 1.1× | %s |",
        f.describe(), s.describe(), f.median() / s.median(),
        verdict(f.median() / s.median() <= 1.1)));
  }

  private void compare(String what, String door, int reps, String target, double goal, Op op)
      throws Exception {
    compare(what, door, reps, target, goal, gw, cgit, op);
  }

  /** {@code first} against {@code second}, alternating; no goal ({@code NaN}) leaves no verdict. */
  private void compare(String what, String door, int reps, String target, double goal,
      Side first, Side second, Op op) throws Exception {
    List<Double> a = new ArrayList<>();
    List<Double> b = new ArrayList<>();
    op.run(first, -1); // warm-up, both sides, not counted
    op.run(second, -1);
    for (int i = 0; i < reps; i++) {
      for (Side s : i % 2 == 0 ? List.of(first, second) : List.of(second, first)) {
        (s == first ? a : b).add(op.run(s, i));
      }
    }
    Stats x = new Stats(a);
    Stats y = new Stats(b);
    double ratio = x.median() / y.median();
    rows.add("| " + what + " | " + door + " | " + x.describe() + " | " + y.describe() + " | "
        + String.format(Locale.ROOT, "%.2f×", ratio) + " | " + target + " | "
        + (Double.isNaN(goal) ? "" : verdict(ratio <= goal)) + " |");
    log(rows.get(rows.size() - 1));
  }

  private double clone(Side s, String url, String... options) {
    Path d = work.resolve("clone-" + (++serial));
    List<String> args = new ArrayList<>(List.of("clone", "-q"));
    args.addAll(List.of(options));
    args.add(url);
    args.add(d.toString());
    double t = timed(s, work, args.toArray(String[]::new));
    ClientProcess.run(work, env, List.of("rm", "-rf", d.toString()), null).assertOk();
    return t;
  }

  private static double timed(Side s, Path dir, String... args) {
    long t0 = System.nanoTime();
    s.client().git(dir, args).assertOk();
    return (System.nanoTime() - t0) / 1e9;
  }

  private static String verdict(boolean met) {
    return met ? "met" : "**missed**";
  }

  private String shape(Path bare) {
    String objects = git(bare, "count-objects", "-v").lines()
        .filter(l -> l.startsWith("in-pack:") || l.startsWith("size-pack:"))
        .reduce("", (x, y) -> x + y.replaceAll("\\s+", " ") + " ");
    long refs = git(bare, "for-each-ref").lines().count();
    return objects.trim() + " KiB, " + refs + " refs";
  }

  private String git(Path dir, String... args) {
    return ClientProcess.run(dir, env, ClientProcess.concat("git", args), null).assertOk()
        .stdout();
  }

  private void copy(Path from, Path to) {
    ProcessResult r = ClientProcess.run(work, env, List.of("cp", "-al", from.toString(),
        to.toString()), null);
    if (r.exitCode() != 0) {
      ClientProcess.run(work, env, List.of("cp", "-a", from.toString(), to.toString()), null)
          .assertOk();
    }
  }

  private String report(String mediumShape) throws Exception {
    StringBuilder s = new StringBuilder();
    s.append("## GitEdge against C git (issue 6)\n\n");
    s.append("Same run, same machine, loopback, alternating which side goes first; medians with"
        + " (min–max). Ratio = GitEdge / C git (below 1 is faster). ")
        .append(Machine.describe()).append(".\n\n");
    s.append("- **medium**: ").append(mediumShape)
        .append("; **small**: a Go module with 16 tagged versions.\n");
    s.append("- **C git**: `git http-backend` behind nginx + fcgiwrap over HTTPS (anonymous),"
        + " `git-upload-pack` behind OpenSSH sshd; repository with bitmap, commit-graph, packed"
        + " refs. **GitEdge**: `gitedge serve` (its own JVM, `-Xmx2g`), Bearer token"
        + " sent preemptively (`http.extraHeader`), mirroring the same repositories.\n\n");
    s.append("| workload | door | GitEdge | C git | ratio | target | |\n");
    s.append("|---|---|---|---|---|---|---|\n");
    rows.forEach(r -> s.append(r).append('\n'));
    s.append('\n');
    notes.forEach(n -> s.append("- ").append(n).append('\n'));
    s.append("\nReproduce: `bench/run compare` (`bench/run compare /path/to/bare.git` for your own"
        + " repository).\n\n");
    return s.toString();
  }

  private static void log(String line) {
    System.err.println("bench: " + line);
  }
}
