package io.gitedge.bench;

import com.sun.net.httpserver.HttpServer;
import io.gitedge.bench.ComparisonTable.Side;
import io.gitedge.testing.ClientHome;
import io.gitedge.testing.ClientProcess;
import io.gitedge.testing.ProcessResult;
import io.gitedge.testing.TrustingHttp;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Issue 16: small requests against C git, with the gateway <em>fresh</em>. A Go module shaped
 * like a popular web framework ({@link RepoGen#ginLike}: 240 Go files, 100 tags) served by the
 * gateway ({@code ./gitedge serve}, its own JVM, under each JDK given) and by C git (nginx +
 * fcgiwrap + {@code git http-backend} over TLS), driven by the stock {@code git} and {@code go}
 * clients, alternating which side goes first. Writes the {@code small} section of
 * {@code BENCHMARKS.md}.
 *
 * <p>Usage: {@code SmallRequests <cache dir> <gitedge launcher> [BENCHMARKS.md]}. System
 * properties: {@code -Djdks=/usr/lib/jvm/a,/usr/lib/jvm/b} (JDK homes the gateway runs under, in
 * turn; default the {@code java} on the PATH), {@code -Dreps=5} (measured runs per row),
 * {@code -Dwarmups=50} (ls-remote runs before the steady-state rows), {@code -Dconnections=40}
 * (fresh connections per request kind in the breakdown), {@code -Drestarts=5},
 * {@code -Dmedium=} a bare repository, {@code generate} or {@code none} (default: the cache's
 * {@code medium.git} when {@code bench/run compare} made it, else none).
 */
public final class SmallRequests {
  private static final String BEGIN = "<!-- small:begin -->";
  private static final String END = "<!-- small:end -->";
  private static final String REPO = "ginlike";
  private static final int VERSIONS = 16;
  /** {@code ready in 2310 ms (process start to main 180 ms; a 350, b c 150, ... ms)}. */
  private static final Pattern READY_LINE = Pattern.compile(
      "ready in (\\d+) ms \\(process start to main (\\d+) ms; (.*) ms\\)");

  private final Path work;
  private final Map<String, String> env = ClientProcess.baseEnvironment();
  private final ComparisonTable table = new ComparisonTable();
  private final int reps = Integer.getInteger("reps", 5);
  private final int warmups = Integer.getInteger("warmups", 50);
  private final int connections = Integer.getInteger("connections", 40);
  private final int restarts = Integer.getInteger("restarts", 5);
  private final StringBuilder breakdown = new StringBuilder();
  private final StringBuilder requests = new StringBuilder();
  /** Per JDK, the start-up cache {@code ./gitedge train} made or found. */
  private final List<String> startupCaches = new ArrayList<>();
  private GatewayProcess g;
  private CGitServers c;
  private Side gw;
  private Side cgit;
  private Path trust;
  private LsRefs gwLsRefs;
  private LsRefs cgitLsRefs;
  private List<String> sums;
  private int serial;

  private SmallRequests(Path work) {
    this.work = work;
  }

  public static void main(String[] args) throws Exception {
    Path cache = Path.of(args[0]);
    Path launcher = Path.of(args[1]);
    Path out = args.length > 2 ? Path.of(args[2]) : null;
    Path work = Files.createTempDirectory("gitedge-small-");
    String section = new SmallRequests(work).run(cache, launcher);
    System.out.println(section);
    if (out != null) {
      Markdown.replaceSection(out, BEGIN, END, section);
    }
    ClientProcess.run(work.getParent(), ClientProcess.baseEnvironment(),
        List.of("rm", "-rf", work.toString()), null);
  }

  /** One JDK the gateway runs under: its home (null: the {@code java} on the PATH), its name. */
  private record Jdk(Path home, String version) {
    int feature() {
      return Integer.parseInt(version.replaceAll("^(1\\.)?(\\d+).*", "$2"));
    }

    String label() {
      return "JDK " + feature();
    }
  }

  private List<Jdk> jdks() {
    List<Jdk> all = new ArrayList<>();
    String given = System.getProperty("jdks", "").trim();
    for (String home : given.isEmpty() ? List.of("") : List.of(given.split(","))) {
      Path h = home.isBlank() ? null : Path.of(home.trim());
      String java = h == null ? "java" : h.resolve("bin/java").toString();
      String v = ClientProcess.run(work, env, List.of(java, "-version"), null).assertOk()
          .stderr();
      all.add(new Jdk(h, v.replaceAll("(?s)^[^\"]*\"([^\"]+)\".*", "$1")));
    }
    return all;
  }

  private String run(Path cache, Path launcher) throws Exception {
    String loadBefore = Files.readString(Path.of("/proc/loadavg")).trim();
    long t0 = System.nanoTime();
    Files.createDirectories(cache);
    List<Jdk> jdks = jdks();
    log("repositories (generated once into " + cache + ")");
    Path module = RepoGen.ginLike(cache.resolve(REPO + ".git"), env);
    Path medium = medium(cache);
    Path projects = Files.createDirectories(work.resolve("projects"));
    RepoGen.linkOrCopy(work, env, module, projects.resolve(REPO + ".git"));
    List<String> repos = new ArrayList<>(List.of(REPO));
    if (medium != null) {
      RepoGen.linkOrCopy(work, env, medium, projects.resolve("medium.git"));
      repos.add("medium");
    }
    String moduleShape = shape(projects.resolve(REPO + ".git"));
    String mediumShape = medium == null ? null : shape(projects.resolve("medium.git"));

    for (Jdk jdk : jdks) {
      String trained = GatewayProcess.trainStartupCache(launcher, jdk.home());
      log("start-up cache under " + jdk.label() + ": " + trained);
      Matcher m = Pattern.compile("start-up cache \\S*/(gitedge-\\S+)").matcher(trained);
      startupCaches.add(jdk.label() + ": " + (m.find() ? m.group(1) : "none"));
    }
    log("starting C git (nginx + fcgiwrap + http-backend) and the gateway under "
        + jdks.get(0).label());
    try (CGitServers cgitServers = CGitServers.start(projects, work.resolve("cgit"), env)) {
      c = cgitServers;
      String pub = Files.readString(Path.of(c.sshd().clientKey() + ".pub"));
      try (GatewayProcess gateway = GatewayProcess.start(work.resolve("gateway"), launcher,
          List.of("-Xmx2g"), projects, "bench", repos, pub, jdks.get(0).home())) {
        g = gateway;
        trust = work.resolve("trust.pem");
        Files.writeString(trust, Files.readString(g.certificate())
            + Files.readString(c.certificate()));
        ClientHome client = ClientHome.create(work.resolve("client")).trusting(trust);
        client.git(work, "config", "--global", "http." + g.httpsBase() + ".extraHeader",
            "Authorization: Bearer " + g.token()).assertOk();
        gw = new Side("GitEdge", g::httpsUrl, null, client);
        cgit = new Side("C git", c::httpsUrl, null, client);
        c.recordFloor(REPO);
        cgitLsRefs = captureLsRefs(origin(c.httpsUrl(REPO)), "/git/" + REPO + ".git", null,
            "cgit");
        for (int k = 0; k < jdks.size(); k++) {
          Jdk jdk = jdks.get(k);
          if (k > 0) {
            log("switching the gateway to " + jdk.label());
            g.stop();
            g.useJdk(jdk.home());
            g.launch();
          }
          if (gwLsRefs == null) {
            gwLsRefs = captureLsRefs(origin(g.httpsBase()), "/bench/" + REPO + ".git",
                "Bearer " + g.token(), "gitedge");
          }
          warmUp(jdk);
          breakdown(jdk, k == 0);
          steady(jdk, k == 0);
          fresh(jdk);
          restarts(jdk, medium != null);
          if (k == jdks.size() - 1) {
            countRequests(jdk);
          }
        }
      }
    }
    double minutes = (System.nanoTime() - t0) / 60e9;
    String loadAfter = Files.readString(Path.of("/proc/loadavg")).trim();
    return markdown(jdks, moduleShape, mediumShape, loadBefore, loadAfter, minutes);
  }

  private Path medium(Path cache) throws Exception {
    String m = System.getProperty("medium", "").trim();
    if (m.equals("none")) {
      return null;
    }
    if (m.equals("generate")) {
      return RepoGen.medium(cache.resolve("medium.git"), env);
    }
    Path p = m.isEmpty() ? cache.resolve("medium.git") : Path.of(m).toAbsolutePath();
    return Files.exists(p.resolve("objects/info/commit-graph")) || !m.isEmpty() ? p : null;
  }

  // ---- rows: gateway fresh, then steady state ----

  private void fresh(Jdk jdk) throws Exception {
    String when = ", gateway fresh, " + jdk.label();
    log("rows with the gateway fresh under " + jdk.label());
    table.compare("`git ls-remote`" + when, "HTTPS", reps, "≤ 0.8×", 0.8, gw, cgit,
        fresh(this::lsRemote));
    table.compare("`git clone --mirror`" + when, "HTTPS", reps, "≤ 0.7×", 0.7, gw, cgit,
        fresh(this::mirror));
    table.compare("cold `go mod download` of " + VERSIONS + " versions" + when, "HTTPS", reps,
        "≤ 0.8×", 0.8, gw, cgit, fresh(this::goDownload));
  }

  /**
   * {@code op} with the gateway restarted before each of its measured runs: stopped (SIGTERM),
   * started with the launcher, {@code /readyz} answering 200, one unmeasured run of {@code op},
   * then the measured one. C git's runs are {@code op} as it is.
   */
  private ComparisonTable.Op fresh(ComparisonTable.Op op) {
    return (s, i) -> {
      if (s == gw) {
        if (i < 0) {
          return 0; // the table's warm-up: each measured run below has its own
        }
        g.stop();
        g.launch();
        op.run(s, -1);
      }
      return op.run(s, i);
    };
  }

  /** Brings the gateway to steady state: {@link #warmups} ls-remote and 10 mirror clones. */
  private void warmUp(Jdk jdk) {
    log("warming the gateway up under " + jdk.label());
    for (int i = 0; i < warmups; i++) {
      lsRemote(gw, -1);
    }
    for (int i = 0; i < 10; i++) {
      mirror(gw, -1);
    }
  }

  private void steady(Jdk jdk, boolean floor) throws Exception {
    log("rows with the gateway in steady state under " + jdk.label());
    String when = ", gateway steady, " + jdk.label();
    table.compare("`git ls-remote`" + when, "HTTPS", reps, "", Double.NaN, gw, cgit,
        this::lsRemote);
    if (floor) {
      Side f = new Side("floor", c::floorUrl, null, cgit.client());
      table.compare("`git ls-remote`: **floor** in place of GitEdge", "HTTPS", reps, "",
          Double.NaN, f, cgit, this::lsRemote);
    }
    table.compare("`git clone --mirror`" + when, "HTTPS", reps, "", Double.NaN, gw, cgit,
        this::mirror);
    table.compare("cold `go mod download` of " + VERSIONS + " versions" + when, "HTTPS", reps,
        "", Double.NaN, gw, cgit, this::goDownload);
  }

  private double lsRemote(Side s, int rep) {
    return timed(s.client(), work, "ls-remote", s.https().apply(REPO));
  }

  private double mirror(Side s, int rep) {
    return clone(s.client(), s.https().apply(REPO), "--mirror");
  }

  private double goDownload(Side s, int rep) {
    return goDownload(s, null);
  }

  /**
   * A cold {@code go mod download -json} of {@code v1.0.0}…{@code v1.0.15} in direct mode from a
   * fresh HOME and module cache, the module's GitHub path rewritten to {@code s} by
   * {@code url.<base>.insteadOf}. Every run must report the same go.sum hashes as the first.
   */
  private double goDownload(Side s, Path curlTrace) {
    Path d = work.resolve("go-" + (++serial));
    ClientHome home = ClientHome.create(d).trusting(trust).with("GOPRIVATE", "github.com/acme")
        .with("GOPROXY", "direct").with("GOFLAGS", "-modcacherw");
    if (curlTrace != null) {
      home = home.with("GIT_TRACE_CURL", curlTrace.toString()).with("GIT_TRACE_CURL_NO_DATA",
          "1");
    }
    String url = s.https().apply(REPO);
    home.git(d, "config", "--global", "url." + url.substring(0, url.length()
        - (REPO + ".git").length()) + ".insteadOf", "https://github.com/acme/").assertOk();
    home.git(d, "config", "--global", "http." + g.httpsBase() + ".extraHeader",
        "Authorization: Bearer " + g.token()).assertOk();
    List<String> cmd = new ArrayList<>(List.of("go", "mod", "download", "-json"));
    for (int v = 0; v < VERSIONS; v++) {
      cmd.add(RepoGen.GINLIKE_MODULE + "@v1.0." + v);
    }
    long t0 = System.nanoTime();
    ProcessResult r = ClientProcess.run(d, home.environment(), cmd, null);
    double t = (System.nanoTime() - t0) / 1e9;
    List<String> got = r.stdout().lines().filter(l -> l.contains("\"Sum\"")).map(String::trim)
        .sorted().toList();
    if (r.exitCode() != 0 || got.size() != VERSIONS) {
      throw new IllegalStateException(s.name() + ": go mod download failed: " + r.stdout()
          + r.stderr());
    }
    if (sums == null) {
      sums = got;
    } else if (!sums.equals(got)) {
      throw new IllegalStateException("go.sum hashes differ: " + s.name() + " gave " + got
          + ", the first run gave " + sums);
    }
    ClientProcess.run(work, env, List.of("rm", "-rf", d.toString()), null);
    return t;
  }

  // ---- start to /readyz, first and second clone ----

  private void restarts(Jdk jdk, boolean medium) throws Exception {
    log("restarts under " + jdk.label() + ": ready time, first clone and second clone");
    List<Double> ready = new ArrayList<>();
    List<Double> first = new ArrayList<>();
    List<Double> second = new ArrayList<>();
    for (int i = 0; i < restarts; i++) {
      g.stop();
      g.launch();
      ready.add(g.readySeconds());
      first.add(clone(gw.client(), gw.https().apply(REPO)));
      second.add(clone(gw.client(), gw.https().apply(REPO)));
    }
    Stats r = new Stats(ready);
    double goal = jdk.feature() >= 24 ? 0.6 : 1.5;
    table.row(String.format(Locale.ROOT, "| gateway start to `/readyz` 200 (mirrors on disk), %s"
        + " | — | %s | | | ≤ %.1f s | %s |", jdk.label(), r.describe(), goal,
        ComparisonTable.verdict(r.median() <= goal)));
    firstAndSecond("first clone after start / second clone, " + REPO + ", " + jdk.label(),
        first, second);
    startBreakdown(jdk);
    if (medium) {
      first.clear();
      second.clear();
      for (int i = 0; i < Math.min(3, restarts); i++) {
        g.stop();
        g.launch();
        first.add(clone(gw.client(), gw.https().apply("medium")));
        second.add(clone(gw.client(), gw.https().apply("medium")));
      }
      firstAndSecond("first clone after start / second clone, medium, " + jdk.label(), first,
          second);
    }
  }

  /**
   * Where the start went under {@code jdk}: the gateway's own {@code ready in} line of further
   * starts (its loggers at info, which the measured starts leave at warn), each phase's median.
   */
  private void startBreakdown(Jdk jdk) throws Exception {
    Map<String, List<Double>> phases = new LinkedHashMap<>();
    List<Double> total = new ArrayList<>();
    for (int i = 0; i < restarts; i++) {
      g.stop();
      g.launch("info");
      String line = g.readyLine();
      Matcher m = READY_LINE.matcher(line);
      if (!m.find()) {
        throw new IllegalStateException("not a ready line: " + line);
      }
      total.add(Double.parseDouble(m.group(1)));
      phases.computeIfAbsent("process start to main", k -> new ArrayList<>())
          .add(Double.parseDouble(m.group(2)));
      for (String phase : m.group(3).split(", ")) {
        int cut = phase.lastIndexOf(' ');
        phases.computeIfAbsent(phase.substring(0, cut), k -> new ArrayList<>())
            .add(Double.parseDouble(phase.substring(cut + 1)));
      }
    }
    StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "Where the start went, %s"
        + " (the gateway's `ready in` line, medians of %d more starts with its log at info):"
        + " ready in %.0f ms:", jdk.label(), total.size(), new Stats(total).median()));
    phases.forEach((name, ms) -> b.append(String.format(Locale.ROOT, " %s %.0f ms;", name,
        new Stats(ms).median())));
    b.setLength(b.length() - 1);
    table.note(b + ". The phases are the starting thread's; a `waiting for` phase is work on the"
        + " other core that outlasted the rest.");
    CompareWithCGit.log(b.toString());
  }

  private void firstAndSecond(String what, List<Double> first, List<Double> second) {
    Stats f = new Stats(first);
    Stats s = new Stats(second);
    double ratio = f.median() / s.median();
    table.row(String.format(Locale.ROOT, "| %s (GitEdge only) | HTTPS | %s | %s | %.2f× |"
        + " ≤ 1.05× | %s |", what, f.describe(), s.describe(), ratio,
        ComparisonTable.verdict(ratio <= 1.05)));
    CompareWithCGit.log("first " + f.describe() + ", second " + s.describe());
  }

  // ---- where a fresh connection's time goes ----

  /** What {@code git ls-remote} POSTs to one side: the body and its headers ("Name: value"). */
  private record LsRefs(Path body, List<String> headers) {}

  /**
   * The bytes {@code git ls-remote} sends in its {@code ls-refs} POST to the server at
   * {@code origin} (they differ by side: git echoes capabilities such as
   * {@code object-format} only to a server that advertised them), caught by a plain-HTTP relay
   * in front of it (the client is the stock one; only the scheme differs).
   */
  private LsRefs captureLsRefs(String origin, String path, String auth, String name)
      throws Exception {
    HttpClient http = TrustingHttp.client(trust);
    AtomicReference<byte[]> body = new AtomicReference<>();
    List<String> headers = new ArrayList<>();
    HttpServer relay = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    relay.createContext("/", x -> {
      try {
        byte[] in = x.getRequestBody().readAllBytes();
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(origin
            + x.getRequestURI()));
        if (auth != null) {
          b.header("Authorization", auth);
        }
        List<String> h = new ArrayList<>();
        for (String n : List.of("Git-Protocol", "Content-Type", "Accept", "Content-Encoding")) {
          String v = x.getRequestHeaders().getFirst(n);
          if (v != null) {
            b.header(n, v);
            h.add(n + ": " + v);
          }
        }
        if (x.getRequestMethod().equals("POST")) {
          body.set(in);
          headers.addAll(h);
          b.POST(HttpRequest.BodyPublishers.ofByteArray(in));
        }
        HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        r.headers().firstValue("Content-Type").ifPresent(
            v -> x.getResponseHeaders().set("Content-Type", v));
        x.sendResponseHeaders(r.statusCode(), r.body().length == 0 ? -1 : r.body().length);
        x.getResponseBody().write(r.body());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        x.close();
      }
    });
    relay.start();
    try {
      cgit.client().git(work, "ls-remote", "http://127.0.0.1:" + relay.getAddress().getPort()
          + path).assertOk();
    } finally {
      relay.stop(0);
    }
    if (body.get() == null) {
      throw new IllegalStateException("git ls-remote sent no POST through the relay");
    }
    log("ls-refs request to " + name + ": " + body.get().length + " bytes, " + headers);
    return new LsRefs(Files.write(work.resolve("ls-refs-" + name + ".body"), body.get()),
        List.copyOf(headers));
  }

  /** One kind of request made with curl over a new connection each time. */
  private record Probe(String label, List<String> args) {}

  /**
   * {@link #connections} new {@code curl} processes per request kind, kinds interleaved, each one
   * TLS connection: medians of TCP connect, TLS handshake, request to first byte, the rest, and
   * the whole curl process.
   */
  private void breakdown(Jdk jdk, boolean withCGit) throws Exception {
    log("per-request breakdown under " + jdk.label());
    String auth = "Authorization: Bearer " + g.token();
    List<String> v2 = List.of("-H", "Git-Protocol: version=2");
    List<Probe> probes = new ArrayList<>();
    String g0 = g.httpsUrl(REPO);
    String c0 = c.httpsUrl(REPO);
    String f0 = c.floorUrl(REPO);
    String gl = "GitEdge (" + jdk.label() + ")";
    probes.add(new Probe(gl + ": `info/refs` v2", concat(v2, "-H", auth, g0
        + "/info/refs?service=git-upload-pack")));
    probes.add(new Probe(gl + ": `ls-refs` POST", concat(post(gwLsRefs), "-H", auth, g0
        + "/git-upload-pack")));
    probes.add(new Probe(gl + ": `/healthz`", List.of(g.httpsBase() + "healthz")));
    if (withCGit) {
      probes.add(new Probe("C git: `info/refs` v2", concat(v2, c0
          + "/info/refs?service=git-upload-pack")));
      probes.add(new Probe("C git: `ls-refs` POST", concat(post(cgitLsRefs), c0
          + "/git-upload-pack")));
      probes.add(new Probe("floor (nginx, files): `info/refs` v2", concat(v2, f0
          + "/info/refs?service=git-upload-pack")));
      probes.add(new Probe("floor (nginx, files): `ls-refs` POST", concat(post(cgitLsRefs), f0
          + "/git-upload-pack")));
    }
    for (Probe p : probes) { // each answer once to a file: a listing, not an error
      Path answer = work.resolve("answer-" + (++serial));
      List<String> args = new ArrayList<>(List.of("-o", answer.toString()));
      args.addAll(p.args());
      curl(args);
      String a = Files.readString(answer, java.nio.charset.StandardCharsets.ISO_8859_1);
      String want = p.label().contains("ls-refs") ? "refs/tags/v1.0.15"
          : p.label().contains("info/refs") ? "version 2" : "";
      if (!a.contains(want)) {
        throw new IllegalStateException(p.label() + " answered " + a.length() + " bytes without "
            + want + ": " + a.substring(0, Math.min(200, a.length())));
      }
    }
    Map<Probe, List<double[]>> seen = new LinkedHashMap<>();
    probes.forEach(p -> seen.put(p, new ArrayList<>()));
    for (int i = 0; i < connections + 2; i++) {
      for (int k = 0; k < probes.size(); k++) {
        Probe p = probes.get((i + k) % probes.size());
        double[] t = curl(p.args());
        if (i >= 2) { // the first two rounds are not counted
          seen.get(p).add(t);
        }
      }
    }
    for (Map.Entry<Probe, List<double[]>> e : seen.entrySet()) {
      List<double[]> t = e.getValue();
      breakdown.append("| ").append(e.getKey().label()).append(" | ")
          .append(ms(t, x -> x[0])).append(" | ")
          .append(ms(t, x -> x[1] - x[0])).append(" | ")
          .append(ms(t, x -> x[2] - x[1])).append(" | ")
          .append(ms(t, x -> x[3] - x[2])).append(" | ")
          .append(ms(t, x -> x[3])).append(" | ")
          .append(ms(t, x -> x[4])).append(" | ")
          .append(String.format(Locale.ROOT, "%.0f", t.get(0)[5])).append(" |\n");
      log(e.getKey().label() + ": total " + ms(t, x -> x[3]));
    }
  }

  /** curl options that send {@code r}'s body with its headers. */
  private static List<String> post(LsRefs r) {
    List<String> a = new ArrayList<>(List.of("--data-binary", "@" + r.body()));
    r.headers().forEach(h -> a.addAll(List.of("-H", h)));
    return a;
  }

  private static String origin(String url) {
    URI u = URI.create(url);
    return u.getScheme() + "://" + u.getAuthority();
  }

  private static List<String> concat(List<String> head, String... rest) {
    List<String> all = new ArrayList<>(head);
    all.addAll(List.of(rest));
    return all;
  }

  /** connect, appconnect, starttransfer, total (curl's, seconds), process wall, body bytes. */
  private double[] curl(List<String> args) {
    List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "--cacert", trust.toString(),
        "-w", "%{http_code} %{time_connect} %{time_appconnect} %{time_starttransfer}"
            + " %{time_total} %{size_download}"));
    if (!args.contains("-o")) {
      cmd.addAll(List.of("-o", "/dev/null"));
    }
    cmd.addAll(args);
    long t0 = System.nanoTime();
    ProcessResult r = ClientProcess.run(work, env, cmd, null).assertOk();
    double wall = (System.nanoTime() - t0) / 1e9;
    String[] f = r.stdout().trim().split(" ");
    if (!f[0].equals("200")) {
      throw new IllegalStateException("curl " + args + ": HTTP " + f[0]);
    }
    return new double[] {Double.parseDouble(f[1]), Double.parseDouble(f[2]),
        Double.parseDouble(f[3]), Double.parseDouble(f[4]), wall, Double.parseDouble(f[5])};
  }

  private static String ms(List<double[]> t, java.util.function.ToDoubleFunction<double[]> f) {
    List<Double> v = t.stream().map(f::applyAsDouble).toList();
    return String.format(Locale.ROOT, "%.1f", new Stats(v).median() * 1000);
  }

  // ---- HTTP requests and connections per workload ----

  private void countRequests(Jdk jdk) throws Exception {
    log("requests per workload (GIT_TRACE_CURL)");
    for (String w : List.of("`git ls-remote`", "`git clone --mirror`",
        "cold `go mod download` of " + VERSIONS + " versions")) {
      requests.append("| ").append(w);
      for (Side s : List.of(gw, cgit)) {
        Path trace = work.resolve("trace-" + (++serial));
        Side traced = new Side(s.name(), s.https(), null, s.client()
            .with("GIT_TRACE_CURL", trace.toString()).with("GIT_TRACE_CURL_NO_DATA", "1"));
        if (w.contains("ls-remote")) {
          lsRemote(traced, -1);
        } else if (w.contains("mirror")) {
          mirror(traced, -1);
        } else {
          goDownload(s, trace);
        }
        List<String> lines = Files.readAllLines(trace);
        long gets = lines.stream().filter(l -> l.contains("=> Send header: GET ")).count();
        long posts = lines.stream().filter(l -> l.contains("=> Send header: POST ")).count();
        long conns = lines.stream().filter(l -> l.contains("== Info: Connected to")).count();
        requests.append(String.format(Locale.ROOT, " | %d (%d GET, %d POST); connections: %d",
            gets + posts, gets, posts, conns));
      }
      requests.append(" |\n");
    }
  }

  // ---- helpers ----

  private double clone(ClientHome client, String url, String... options) {
    return TimedGit.clone(client, work, env, work.resolve("clone-" + (++serial)), url, options);
  }

  private static double timed(ClientHome client, Path dir, String... args) {
    return TimedGit.run(client, dir, args);
  }

  private String shape(Path bare) {
    String objects = git(bare, "count-objects", "-v").lines()
        .filter(l -> l.startsWith("in-pack:") || l.startsWith("size-pack:"))
        .reduce("", (x, y) -> x + y.replaceAll("\\s+", " ") + " ");
    long refs = git(bare, "for-each-ref").lines().count();
    long files = git(bare, "ls-tree", "-r", "--name-only", "main").lines().count();
    return objects.trim() + " KiB, " + refs + " refs, " + files + " files at main";
  }

  private String git(Path dir, String... args) {
    return ClientProcess.run(dir, env, ClientProcess.concat("git", args), null).assertOk()
        .stdout();
  }

  private String markdown(List<Jdk> jdks, String moduleShape, String mediumShape,
      String loadBefore, String loadAfter, double minutes) throws Exception {
    StringBuilder s = new StringBuilder();
    s.append("## Small requests, gateway fresh (issue 16)\n\n");
    s.append("Same run, same machine, loopback, alternating which side goes first; medians of ")
        .append(reps).append(" with (min–max). Ratio = GitEdge / C git (below 1 is faster). ")
        .append(Machine.describe()).append("; gateway under ")
        .append(String.join(", ", jdks.stream().map(j -> j.label() + " (" + j.version() + ")")
            .toList()))
        .append(". Load average ").append(loadBefore).append(" at the start, ").append(loadAfter)
        .append(" at the end; ").append(String.format(Locale.ROOT, "%.1f", minutes))
        .append(" minutes.\n\n");
    s.append("- **").append(REPO).append("**: a Go module (`").append(RepoGen.GINLIKE_MODULE)
        .append("`) shaped like a popular web framework's repository: ").append(moduleShape)
        .append(" (240 Go files in 14 packages, 1,000 commits, 100 annotated tags including"
            + " `v1.0.0`…`v1.0.15`; generated with a fixed seed).")
        .append(mediumShape == null ? "" : " **medium**: " + mediumShape + ".").append('\n');
    s.append("- **C git**: `git http-backend` behind nginx + fcgiwrap over HTTPS (anonymous)."
        + " **GitEdge**: `./gitedge serve` (its own JVM, `-Xmx2g`), run as a user would under"
        + " each JDK (`JAVA_HOME` and `PATH` set to it), Bearer token sent preemptively"
        + " (`http.extraHeader`). Clients: the stock `git` and `go`.\n");
    s.append("- **gateway fresh**: before each measured run the gateway is stopped (SIGTERM),"
        + " started again with `./gitedge serve`, polled until `/readyz` answers 200, sent one"
        + " unmeasured run of the same workload (one `ls-remote`, one `clone --mirror`, one"
        + " 16-version `go mod download`), then measured. C git's runs are not preceded by"
        + " anything but the first unmeasured run of the row. Before any gateway started,"
        + " `./gitedge train` ran under each JDK (the launcher's start-up cache: the"
        + " ahead-of-time cache on JDK 24 and later, a class-data-sharing archive before), as"
        + " the README tells operators; the caches in `gateway/target`: ")
        .append(String.join("; ", startupCaches)).append(".\n");
    s.append("- **gateway steady**: the same gateway after ").append(warmups)
        .append(" unmeasured `ls-remote` runs, 10 `clone --mirror` runs and one run of the"
            + " row's workload; for reference, no target.\n");
    s.append("- **cold `go mod download`**: `go mod download -json` of `v1.0.0`…`v1.0.15` in"
        + " direct mode (`GOPROXY=direct`, `GOPRIVATE=github.com/acme`, `url.<side>.insteadOf"
        + " https://github.com/acme/`), a fresh HOME and module cache per run; every run must"
        + " report the same go.sum hash for each version on both sides, or the run fails.\n");
    s.append("- **floor**: C git's own two answers to `git ls-remote`, stored as files and"
        + " replayed by the same nginx, measured in place of GitEdge: floor / C git is the"
        + " lowest ratio any server can reach with this client.\n");
    s.append("- **start to `/readyz`**: the launcher started, `/readyz` polled every 5 ms, ")
        .append(restarts).append(" restarts per JDK, mirrors on disk; **first clone after start"
            + " / second**: a full `git clone` right after `/readyz` and another after it, over"
            + " the same restarts (")
        .append(Math.min(3, restarts)).append(" separate restarts for medium).\n\n");
    s.append(table.tableAndNotes());
    s.append("### Where a fresh connection's time goes\n\n");
    s.append("Each row: ").append(connections).append(" new `curl` processes (")
        .append(curlVersion()).append("), each one new TLS connection and one request, request"
            + " kinds interleaved, medians in ms. `info/refs` v2 is the first request of every"
            + " `git` command (`Git-Protocol: version=2`); `ls-refs` POST is the body"
            + " `git ls-remote` sends to that side (caught once through a relay; each answer"
            + " checked once to be the listing); the GitEdge rows carry the"
            + " Bearer token; the gateway is in steady state. Columns from curl's `-w`: TCP ="
            + " `time_connect`, TLS = `time_appconnect − time_connect`, to first byte ="
            + " `time_starttransfer − time_appconnect` (request out, server's work, first byte"
            + " back), rest = `time_total − time_starttransfer`; process = the whole curl"
            + " process, start to exit.\n\n");
    s.append("| request | TCP | TLS | to first byte | rest | total | process | bytes |\n");
    s.append("|---|---|---|---|---|---|---|---|\n");
    s.append(breakdown).append('\n');
    s.append("HTTP requests and new connections per workload (one traced run each,"
        + " `GIT_TRACE_CURL`: requests sent, `Connected to` lines; the gateway in steady state):"
        + "\n\n");
    s.append("| workload | GitEdge | C git |\n|---|---|---|\n").append(requests).append('\n');
    s.append("Reproduce: `bench/run small` (`BENCH_OPTS='-Djdks=/usr/lib/jvm/java-17-openjdk-amd64,"
        + "/usr/lib/jvm/temurin-25-jdk-amd64 -Dreps=5'`).\n\n");
    return s.toString();
  }

  private String curlVersion() {
    String v = ClientProcess.run(work, env, List.of("curl", "--version"), null).assertOk()
        .stdout();
    Matcher m = java.util.regex.Pattern.compile("(OpenSSL|GnuTLS)/\\S+")
        .matcher(v);
    String[] words = v.split(" ", 3);
    return words[0] + " " + words[1] + (m.find() ? " with " + m.group() : "");
  }

  static void log(String line) {
    CompareWithCGit.log(line);
  }
}
