package io.gitedge.bench;

import io.gitedge.bench.ComparisonTable.Side;
import io.gitedge.testing.ClientHome;
import io.gitedge.testing.ClientProcess;
import io.gitedge.testing.ProcessResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

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
  private final ComparisonTable table = new ComparisonTable();
  private Side gw;
  private Side cgit;
  private int serial;

  /** Rows measured with git told not to read the system's CA folder; see {@link #noCaPath}. */
  private static final String NO_CA_SCAN = "client without the system CA scan";
  /** Unmeasured ls-remote runs per side before the ref-listing rows. */
  private static final int LS_REMOTE_WARMUP = Integer.getInteger("lsremote.warmup", 50);

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
    RepoGen.linkOrCopy(work, env, medium, projects.resolve("medium.git"));
    RepoGen.linkOrCopy(work, env, small, projects.resolve("small.git"));
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
    return table.markdown(mediumShape);
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
    LoadWorkloads load = new LoadWorkloads(work, env, table, gw, cgit);
    if (wanted("capacity")) {
      load.capacity(g, c, trust);
    }
    if (wanted("parallel")) {
      load.parallelClones();
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
    ComparisonTable.Op list = (s, i) -> timed(s, work, "ls-remote", s.https().apply("medium"));
    for (int i = 0; i < LS_REMOTE_WARMUP; i++) {
      list.run(gw, -1);
      list.run(cgit, -1);
    }
    table.note("ls-remote rows: after " + LS_REMOTE_WARMUP + " unmeasured runs per side. **floor**"
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
    ComparisonTable.Op noCaList = (s, i) -> timed(s, work, "-c", noCaScan, "ls-remote", s.https().apply("medium"));
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
    table.row("| gateway start to `/readyz` 200 (mirrors on disk) | — | " + r.describe()
        + " | | | ≤ 1.5 s | " + ComparisonTable.verdict(r.median() <= 1.5) + " |");
    table.row(String.format(Locale.ROOT,
        "| first clone after start / second clone (GitEdge only) | HTTPS | %s | %s | %.2f× | ≤ 1.1× | %s |",
        f.describe(), s.describe(), f.median() / s.median(),
        ComparisonTable.verdict(f.median() / s.median() <= 1.1)));
  }

  private void compare(String what, String door, int reps, String target, double goal,
      ComparisonTable.Op op) throws Exception {
    table.compare(what, door, reps, target, goal, gw, cgit, op);
  }

  private void compare(String what, String door, int reps, String target, double goal,
      Side first, Side second, ComparisonTable.Op op) throws Exception {
    table.compare(what, door, reps, target, goal, first, second, op);
  }

  private double clone(Side s, String url, String... options) {
    return TimedGit.clone(s.client(), work, env, work.resolve("clone-" + (++serial)), url,
        options);
  }

  private static double timed(Side s, Path dir, String... args) {
    return TimedGit.run(s.client(), dir, args);
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

  static void log(String line) {
    System.err.println("bench: " + line);
  }
}
