package io.gitedge.bench;

import io.gitedge.testing.ClientHome;
import io.gitedge.testing.ClientProcess;
import io.gitedge.testing.ProcessResult;
import io.gitedge.testing.TrustingHttp;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;

/**
 * GitEdge's Go module proxy ({@code <gateway>/goproxy}, issue 14) against go's direct mode over
 * C git and against a floor, in one run on one machine: a cold {@code go mod download -json} of
 * the small module's 16 versions four ways, taking turns, and {@code @v/list} and {@code .info}
 * under 32 concurrent keep-alive clients, gateway and floor, and each request kind from one
 * client. Fails when any way's {@code Sum} or
 * {@code GoModSum} lines differ from the others'. Writes the {@code goproxy} section of
 * {@code BENCHMARKS.md}; never run by the build's tests.
 *
 * <p>Usage: {@code GoProxyBench <cache dir> <gitedge launcher> [BENCHMARKS.md]};
 * {@code -Dreps=5} downloads per way, {@code -Dclients=32}, {@code -Drequests=200} (per client and
 * round), {@code -Drounds=3} for the concurrent rows; {@code -Donly=download} or
 * {@code -Donly=latency} measures one part and leaves BENCHMARKS.md as it is.
 */
public final class GoProxyBench {
  private static final String BEGIN = "<!-- goproxy:begin -->";
  private static final String END = "<!-- goproxy:end -->";
  private static final String MODULE = RepoGen.SMALL_MODULE;
  private static final int VERSIONS = 16;
  private static final String INFO_VERSION = "v1.0.7";
  private static final long STARTED = System.nanoTime();
  /** {@code # get URL: 200 OK (0.012s)}: one request of {@code go -x}, to its response headers. */
  private static final Pattern TRACED = Pattern.compile(
      "^# get (\\S+): (\\d{3})[^(]*\\(([0-9.]+)s\\)$", Pattern.MULTILINE);

  private final Path work;
  private final Map<String, String> env = ClientProcess.baseEnvironment();
  private final int reps = Integer.getInteger("reps", 5);
  private final int clients = Integer.getInteger("clients", 32);
  private final int requests = Integer.getInteger("requests", 200);
  private final int rounds = Integer.getInteger("rounds", 3);
  private final List<String> notes = new ArrayList<>();
  private final List<String> loads = new ArrayList<>();
  private final StringBuilder tables = new StringBuilder();
  private List<String> sums;
  private String sumsFrom;
  private int serial;

  /**
   * One way of downloading the module, a row of the table: the client it needs, what happens
   * before each run (outside the clock) and what is checked after it.
   */
  private record Way(String label, Client client, Step before, Check after) {}

  private interface Client {
    ClientHome in(Path dir) throws Exception;
  }

  private interface Step {
    void run() throws Exception;
  }

  private interface Check {
    void check(ProcessResult r) throws Exception;
  }

  private GoProxyBench(Path work) {
    this.work = work;
  }

  public static void main(String[] args) throws Exception {
    Path cache = Path.of(args[0]);
    Path launcher = Path.of(args[1]);
    Path out = args.length > 2 ? Path.of(args[2]) : null;
    Path work = Files.createTempDirectory("gitedge-bench-goproxy-");
    String section;
    try {
      section = new GoProxyBench(work).run(cache, launcher);
    } finally {
      ClientProcess.run(work.getParent(), ClientProcess.baseEnvironment(),
          List.of("rm", "-rf", work.toString()), null);
    }
    System.out.println(section);
    if (out != null && System.getProperty("only") == null) {
      Markdown.replaceSection(out, BEGIN, END, section);
    } else if (out != null) {
      log("-Donly: some parts only, so " + out + " is left as it is");
    }
  }

  private String run(Path cache, Path launcher) throws Exception {
    Files.createDirectories(cache);
    log("the small module (generated once into " + cache + ")");
    Path small = RepoGen.small(cache.resolve("small.git"), env);
    Path projects = Files.createDirectories(work.resolve("projects"));
    RepoGen.linkOrCopy(work, env, small, projects.resolve("small.git"));

    log("starting C git (nginx + fcgiwrap + http-backend) and the gateway");
    try (CGitServers c = CGitServers.start(projects, work.resolve("cgit"), env)) {
      String pub = Files.readString(Path.of(c.sshd().clientKey() + ".pub"));
      int slash = MODULE.lastIndexOf('/');
      try (GatewayProcess g = GatewayProcess.start(work.resolve("gateway"), launcher,
          List.of("-Xmx2g"), projects, MODULE.substring(0, slash),
          List.of(MODULE.substring(slash + 1)), pub)) {
        Path trust = work.resolve("trust.pem");
        Files.writeString(trust, Files.readString(g.certificate())
            + Files.readString(c.certificate()));
        Way direct = direct(c, trust);
        log("floor: go's download cache after a direct-mode download, served by nginx");
        Path floorRoot = seedFloor(direct);
        try (StaticNginx floor = StaticNginx.start(floorRoot, work.resolve("floor"), env)) {
          Files.writeString(trust, Files.readString(floor.certificate()),
              java.nio.file.StandardOpenOption.APPEND);
          if (wanted("download")) {
            downloads(List.of(direct, proxyWarm(g, trust), proxyCold(g, trust),
                floor(floor, trust)));
          }
          if (wanted("latency")) {
            latency(g, floor, trust);
          }
        }
      }
    }
    load("at the end");
    return markdown();
  }

  // --- the four ways ----------------------------------------------------------------------

  /** (1) Direct mode: go clones from C git over TLS, as in the compare section's go row. */
  private Way direct(CGitServers c, Path trust) {
    String url = c.httpsUrl("small");
    String base = url.substring(0, url.length() - "small.git".length());
    return new Way("direct mode: C git over TLS (nginx + `git http-backend`)", d -> {
      ClientHome home = go(d, trust).with("GOPRIVATE", "github.com/acme")
          .with("GOPROXY", "direct");
      home.git(d, "config", "--global", "url." + base + ".insteadOf", "https://github.com/acme/")
          .assertOk();
      return home;
    }, () -> {}, r -> {});
  }

  /** (2) The gateway's proxy with every zip built already. */
  private Way proxyWarm(GatewayProcess g, Path trust) {
    long[] before = new long[2];
    return new Way("GitEdge proxy, zips built already", d -> proxyClient(g, d, trust),
        () -> {
          before[0] = zipRequests(g, "hit");
          before[1] = zipRequests(g, "built");
        },
        r -> expectZips(g, "hit", zipRequests(g, "hit") - before[0],
            zipRequests(g, "built") - before[1], 0));
  }

  /** (3) The gateway's proxy with its zip cache emptied first: every zip built from the mirror. */
  private Way proxyCold(GatewayProcess g, Path trust) {
    long[] before = new long[2];
    Path zips = g.dataDir().resolve("goproxy");
    return new Way("GitEdge proxy, zips built on request", d -> proxyClient(g, d, trust),
        () -> {
          try (DirectoryStream<Path> files = Files.newDirectoryStream(zips)) {
            for (Path f : files) {
              Files.delete(f);
            }
          }
          before[0] = zipRequests(g, "hit");
          before[1] = zipRequests(g, "built");
        },
        r -> {
          expectZips(g, "built", zipRequests(g, "hit") - before[0],
              zipRequests(g, "built") - before[1], VERSIONS);
          long built;
          try (var files = Files.list(zips)) {
            built = files.filter(f -> f.getFileName().toString().endsWith(".zip")).count();
          }
          if (built != VERSIONS) {
            throw new IllegalStateException(built + " zips in " + zips + " after a cold run");
          }
        });
  }

  /** (4) nginx serving go's own download cache as static files. */
  private Way floor(StaticNginx floor, Path trust) {
    return new Way("floor: nginx serving go's download cache as files",
        d -> go(d, trust).with("GOPROXY", floor.base()).with("GONOSUMDB", "github.com/acme"),
        () -> {}, r -> {});
  }

  private ClientHome proxyClient(GatewayProcess g, Path d, Path trust) {
    ClientHome home = go(d, trust).with("GOPROXY", g.httpsBase() + "goproxy")
        .with("GONOSUMDB", "github.com/acme");
    home.addNetrc("127.0.0.1", "bench", g.token());
    return home;
  }

  /** A fresh client with its own module cache, trusting the servers; as the compare go row. */
  private static ClientHome go(Path d, Path trust) {
    return ClientHome.create(d).trusting(trust).with("GOFLAGS", "-modcacherw");
  }

  // --- cold downloads ---------------------------------------------------------------------

  /** Go's download cache after a direct-mode download, copied out as the floor's files. */
  private Path seedFloor(Way direct) throws Exception {
    Path d = work.resolve("floor-seed");
    ClientHome home = direct.client().in(d);
    ProcessResult r = ClientProcess.run(d, home.environment(), downloadCommand(false), null);
    if (!r.ok()) {
      throw new IllegalStateException("seeding the floor: " + r.describe());
    }
    checkSums(direct.label(), r.stdout());
    Path root = work.resolve("floor-root");
    Path download = Path.of(home.environment().get("GOMODCACHE"), "cache", "download");
    ClientProcess.run(work, env, List.of("cp", "-a", download.toString(), root.toString()), null)
        .assertOk();
    Path list = root.resolve(MODULE).resolve("@v/list");
    if (!Files.exists(list)) { // go writes it with the first go.mod; a proxy answers it
      throw new IllegalStateException("go left no " + list);
    }
    ClientProcess.run(work, env, List.of("rm", "-rf", d.toString()), null).assertOk();
    return root;
  }

  private void downloads(List<Way> ways) throws Exception {
    load("before the downloads");
    log("cold go mod download of " + VERSIONS + " versions, " + ways.size() + " ways, " + reps
        + " runs each after one unmeasured run");
    // unmeasured: the direct side's, then the cold proxy's (which leaves every zip built)
    for (Way w : List.of(ways.get(0), ways.get(2), ways.get(1), ways.get(3))) {
      download(w, false);
    }
    Map<Way, List<Double>> times = new LinkedHashMap<>();
    ways.forEach(w -> times.put(w, new ArrayList<>()));
    for (int i = 0; i < reps; i++) {
      for (int k = 0; k < ways.size(); k++) {
        Way w = ways.get((i + k) % ways.size());
        double t = download(w, false).seconds();
        times.get(w).add(t);
        log(String.format(Locale.ROOT, "  run %d, %s: %.3f s", i + 1, w.label(), t));
      }
    }
    Stats direct = new Stats(times.get(ways.get(0)));
    Stats floor = new Stats(times.get(ways.get(3)));
    String[] goals = {"", "≤ 0.2×", "≤ 0.3×", ""};
    double[] limits = {Double.NaN, 0.2, 0.3, Double.NaN};
    tables.append("| cold `go mod download -json` of ").append(VERSIONS)
        .append(" versions | median (min–max) | / direct mode | goal | | / floor | goal | |\n")
        .append("|---|---|---|---|---|---|---|---|\n");
    for (int k = 0; k < ways.size(); k++) {
      Stats s = new Stats(times.get(ways.get(k)));
      double toDirect = s.median() / direct.median();
      double toFloor = s.median() / floor.median();
      boolean warm = k == 1;
      tables.append("| (").append(k + 1).append(") ").append(ways.get(k).label()).append(" | ")
          .append(s.describe()).append(" | ").append(ratio(toDirect)).append(" | ")
          .append(goals[k]).append(" | ")
          .append(Double.isNaN(limits[k]) ? "" : ComparisonTable.verdict(toDirect <= limits[k]))
          .append(" | ").append(k == 0 ? "" : ratio(toFloor)).append(" | ")
          .append(warm ? "≤ 1.15×" : "").append(" | ")
          .append(warm ? ComparisonTable.verdict(toFloor <= 1.15) : "").append(" |\n");
    }
    tables.append('\n');
    trace(ways.subList(1, 4));
  }

  /** One traced run ({@code go -x}) per proxy way: what each request kind took, to headers. */
  private void trace(List<Way> ways) throws Exception {
    log("one traced run (go -x) per proxy way");
    List<Map<String, Stats>> kinds = new ArrayList<>();
    TreeSet<String> seen = new TreeSet<>();
    for (Way w : List.of(ways.get(1), ways.get(0), ways.get(2))) { // cold, warm, floor
      Download r = download(w, true);
      Map<String, List<Double>> byKind = new LinkedHashMap<>();
      Matcher m = TRACED.matcher(r.result().stderr());
      while (m.find()) {
        if (!m.group(2).equals("200")) {
          throw new IllegalStateException(w.label() + ": " + m.group());
        }
        byKind.computeIfAbsent(kind(m.group(1)), k -> new ArrayList<>())
            .add(Double.parseDouble(m.group(3)));
      }
      Map<String, Stats> stats = new LinkedHashMap<>();
      byKind.forEach((k, v) -> stats.put(k, new Stats(v)));
      seen.addAll(stats.keySet());
      kinds.add(stats);
    }
    tables.append("| one traced run (`go mod download -x`): requests, time to response headers |"
        + " GitEdge, zips built on request | GitEdge, zips built already | floor |\n")
        .append("|---|---|---|---|\n");
    for (String kind : List.of("list", "info", "mod", "zip", "latest", "other")) {
      if (!seen.contains(kind)) {
        continue;
      }
      tables.append("| `").append(kind.equals("other") ? "other" : kindLabel(kind)).append('`');
      for (Map<String, Stats> k : kinds) {
        Stats s = k.get(kind);
        tables.append(" | ").append(s == null ? "—" : String.format(Locale.ROOT,
            "%d × %.0f ms (max %.0f), sum %.0f ms", s.values().size(), s.median() * 1000,
            s.max() * 1000, s.values().stream().mapToDouble(Double::doubleValue).sum() * 1000));
      }
      tables.append(" |\n");
    }
    tables.append('\n');
    notes.add("Traced runs: the go command's own `-x` lines (`# get URL: 200 OK (0.012s)`),"
        + " time from sending each request to its response headers, to the millisecond (a zip"
        + " built on request is built before its headers go out); per kind: count × median"
        + " (max), and the sum. The go command runs several downloads at once, so the sums may"
        + " add up to more than the wall time; what they leave of it is the client's own work"
        + " (start, TLS handshakes, unpacking and hashing the zips).");
  }

  private static String kind(String url) {
    if (url.endsWith("/@v/list")) {
      return "list";
    }
    if (url.endsWith("/@latest")) {
      return "latest";
    }
    for (String k : List.of("info", "mod", "zip")) {
      if (url.contains("/@v/") && url.endsWith("." + k)) {
        return k;
      }
    }
    return "other";
  }

  private static String kindLabel(String kind) {
    return switch (kind) {
      case "list" -> "@v/list";
      case "latest" -> "@latest";
      default -> "@v/<version>." + kind;
    };
  }

  private record Download(double seconds, ProcessResult result) {}

  private Download download(Way w, boolean trace) throws Exception {
    Path d = work.resolve("go-" + (++serial));
    ClientHome home = w.client().in(d);
    w.before().run();
    List<String> cmd = downloadCommand(trace);
    long t0 = System.nanoTime();
    ProcessResult r = ClientProcess.run(d, home.environment(), cmd, null);
    double t = (System.nanoTime() - t0) / 1e9;
    if (!r.ok()) {
      throw new IllegalStateException(w.label() + " failed: " + r.describe());
    }
    checkSums(w.label(), r.stdout());
    w.after().check(r);
    ClientProcess.run(work, env, List.of("rm", "-rf", d.toString()), null).assertOk();
    return new Download(t, r);
  }

  private static List<String> downloadCommand(boolean trace) {
    List<String> cmd = new ArrayList<>(List.of("go", "mod", "download", "-json"));
    if (trace) {
      cmd.add("-x");
    }
    for (int v = 0; v < VERSIONS; v++) {
      cmd.add(MODULE + "@v1.0." + v);
    }
    return cmd;
  }

  /** A top-level string field of {@code go mod download -json}'s output (tab-indented once). */
  private static final Pattern FIELD = Pattern.compile(
      "^\t\"(Version|Sum|GoModSum)\": \"([^\"]*)\"", Pattern.MULTILINE);

  /**
   * Every way's {@code Sum} and {@code GoModSum} values, version by version, must be those of the
   * first run. Compared as values: which fields follow them (so whether a line ends in a comma)
   * differs between direct mode, which adds {@code Origin}, and a proxy.
   */
  private void checkSums(String way, String json) {
    List<String> lines = new ArrayList<>();
    String version = "";
    Matcher m = FIELD.matcher(json);
    while (m.find()) {
      if (m.group(1).equals("Version")) {
        version = m.group(2);
      } else {
        lines.add(version + " " + m.group(1) + " " + m.group(2));
      }
    }
    lines.sort(null);
    if (lines.size() != 2 * VERSIONS) {
      throw new IllegalStateException(way + ": expected " + 2 * VERSIONS + " sum lines, got "
          + json);
    }
    if (sums == null) {
      sums = lines;
      sumsFrom = way;
    } else if (!sums.equals(lines)) {
      throw new IllegalStateException("go.sum hashes differ: " + way + " " + lines + ", "
          + sumsFrom + " " + sums);
    }
  }

  /** The gateway's count of zip requests with {@code result} ({@code hit}, {@code built}). */
  private static long zipRequests(GatewayProcess g, String result) throws Exception {
    HttpClient http = TrustingHttp.client(g.certificate());
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(g.httpsBase()
            + "metrics")).header("Authorization", "Bearer " + g.token()).build(),
        HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException("/metrics: " + r.statusCode());
    }
    double n = 0;
    for (String l : r.body().lines().toList()) {
      if (l.startsWith("gitedge_goproxy_requests") && l.contains("endpoint=\"zip\"")
          && l.contains("result=\"" + result + "\"")) {
        n += Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1));
      }
    }
    return Math.round(n);
  }

  private static void expectZips(GatewayProcess g, String want, long hits, long built,
      long wantBuilt) {
    if (built != wantBuilt || hits + built != VERSIONS) {
      throw new IllegalStateException("expected " + VERSIONS + " zips " + want + ", the gateway"
          + " counted " + hits + " hits and " + built + " built");
    }
  }

  // --- @v/list and .info under concurrent clients; each kind from one client ---------------

  private record Round(List<Double> latencies, double perSecond) {}

  private void latency(GatewayProcess g, StaticNginx floor, Path trust) throws Exception {
    log("@v/list and .info: " + clients + " clients × " + requests + " requests, " + rounds
        + " rounds per server after one unmeasured round");
    load("before the concurrent rows");
    SSLContext ssl = TrustingHttp.sslContext(trust);
    List<HttpClient> http = new ArrayList<>();
    for (int i = 0; i < clients; i++) {
      http.add(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(ssl)
          .connectTimeout(Duration.ofSeconds(10)).build());
    }
    String auth = "Bearer " + g.token();
    String gw = g.httpsBase() + "goproxy/" + MODULE + "/@v/";
    String fl = floor.base() + MODULE + "/@v/";
    String gitDoor = g.httpsUrl(MODULE.substring(MODULE.lastIndexOf('/') + 1))
        + "/info/refs?service=git-upload-pack";
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    tables.append("| ").append(clients).append(" clients × ").append(requests)
        .append(" requests, ").append(rounds).append(" rounds | GitEdge p50 | p99 | requests/s"
            + " | floor p50 | p99 | requests/s | requests/s GitEdge / floor |\n")
        .append("|---|---|---|---|---|---|---|---|\n");
    try {
      for (String file : List.of("list", INFO_VERSION + ".info")) {
        URI a = URI.create(gw + file);
        URI b = URI.create(fl + file);
        byte[] fromGateway = get(http.get(0), a, auth);
        byte[] fromFloor = get(http.get(0), b, auth);
        compareBodies(file, fromGateway, fromFloor);
        List<List<Round>> measured = measure(pool, http, List.of(a, b),
            List.of(fromGateway, fromFloor), auth, file);
        tables.append("| `GET …/@v/").append(file).append('`');
        double[] rates = new double[2];
        int side = 0;
        for (List<Round> rs : measured) {
          List<Double> all = new ArrayList<>();
          List<Double> perSecond = new ArrayList<>();
          rs.forEach(r -> {
            all.addAll(r.latencies());
            perSecond.add(r.perSecond());
          });
          Stats lat = new Stats(all);
          Stats rate = new Stats(perSecond);
          rates[side++] = rate.median();
          tables.append(" | ").append(ms(lat.percentile(50))).append(" ms | ")
              .append(ms(lat.percentile(99))).append(" ms | ").append(String.format(Locale.ROOT,
                  "%,.0f (%,.0f–%,.0f)", rate.median(), rate.min(), rate.max()));
        }
        tables.append(" | ").append(ratio(rates[0] / rates[1])).append(" |\n");
      }
      // the git door's ref advertisement of the same mirror under the same load: the gateway's
      // cost of any authenticated request that reads a mirror, to tell it from the proxy's own
      URI refs = URI.create(gitDoor);
      byte[] advertisement = get(http.get(0), refs, auth);
      round(pool, http, refs, auth, advertisement);
      List<Double> all = new ArrayList<>();
      List<Double> perSecond = new ArrayList<>();
      for (int i = 0; i < rounds; i++) {
        Round r = round(pool, http, refs, auth, advertisement);
        all.addAll(r.latencies());
        perSecond.add(r.perSecond());
        log(String.format(Locale.ROOT, "  GitEdge info/refs, %d clients: %.0f requests/s",
            http.size(), r.perSecond()));
      }
      Stats lat = new Stats(all);
      Stats rate = new Stats(perSecond);
      tables.append("| for comparison, GitEdge's git door: `GET /").append(MODULE)
          .append(".git/info/refs?service=git-upload-pack` | ").append(ms(lat.percentile(50)))
          .append(" ms | ").append(ms(lat.percentile(99))).append(" ms | ")
          .append(String.format(Locale.ROOT, "%,.0f (%,.0f–%,.0f)", rate.median(), rate.min(),
              rate.max())).append(" | | | | |\n");
    } finally {
      pool.shutdownNow();
    }
    tables.append('\n');
    notes.add("Concurrent rows: " + clients + " Java `HttpClient`s (HTTP/1.1, keep-alive, one"
        + " connection each, in the benchmark's JVM on the same cores), each sending " + requests
        + " requests one after another per round with the Bearer token (nginx ignores it), every"
        + " answer checked against the first (status 200, same bytes); latency from sending to"
        + " the whole body, percentiles over all " + rounds + " rounds; requests/s per round,"
        + " median (min–max); the two servers take turns, after one unmeasured round each.");
    oneClient(http.get(0), gw, fl, gitDoor, auth);
  }

  /** Unmeasured rounds on both, then {@link #rounds} each, taking turns: [gateway, floor]. */
  private List<List<Round>> measure(ExecutorService pool, List<HttpClient> http, List<URI> uris,
      List<byte[]> bodies, String auth, String file) throws Exception {
    List<List<Round>> measured = List.of(new ArrayList<>(), new ArrayList<>());
    round(pool, http, uris.get(0), auth, bodies.get(0)); // unmeasured: connections, the JIT
    round(pool, http, uris.get(1), auth, bodies.get(1));
    for (int i = 0; i < rounds; i++) {
      for (int side : i % 2 == 0 ? new int[] {0, 1} : new int[] {1, 0}) {
        Round r = round(pool, http, uris.get(side), auth, bodies.get(side));
        measured.get(side).add(r);
        log(String.format(Locale.ROOT, "  %s %s, %d clients: %.0f requests/s",
            side == 0 ? "GitEdge" : "floor", file, http.size(), r.perSecond()));
      }
    }
    return measured;
  }

  /**
   * Each request kind from one client, one request after another: what the gateway adds to a
   * request of each kind over the floor, without the concurrency of the rows above or the go
   * command's own work.
   */
  private void oneClient(HttpClient http, String gw, String fl, String gitDoor, String auth)
      throws Exception {
    log("each request kind from one client");
    load("before the one-client rows");
    tables.append("| one client, ").append(requests).append(" requests one after another, ")
        .append(rounds).append(" rounds | GitEdge p50 | p99 | floor p50 | p99 |"
            + " p50 GitEdge − floor |\n")
        .append("|---|---|---|---|---|---|\n");
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      for (String file : List.of("list", INFO_VERSION + ".info", INFO_VERSION + ".mod",
          INFO_VERSION + ".zip")) {
        URI a = URI.create(gw + file);
        URI b = URI.create(fl + file);
        List<List<Round>> measured = measure(pool, List.of(http), List.of(a, b),
            List.of(get(http, a, auth), get(http, b, auth)), auth, file);
        tables.append("| `GET …/@v/").append(file).append('`');
        double[] p50 = new double[2];
        for (int side = 0; side < 2; side++) {
          List<Double> all = new ArrayList<>();
          measured.get(side).forEach(r -> all.addAll(r.latencies()));
          Stats lat = new Stats(all);
          p50[side] = lat.percentile(50);
          tables.append(" | ").append(ms(lat.percentile(50))).append(" ms | ")
              .append(ms(lat.percentile(99))).append(" ms");
        }
        tables.append(" | ").append(ms(p50[0] - p50[1])).append(" ms |\n");
      }
      // the git door's ref advertisement of the same mirror: the gateway's cost of any
      // authenticated request that reads a mirror, to tell it from the module proxy's own
      URI refs = URI.create(gitDoor);
      byte[] advertisement = get(http, refs, auth);
      round(pool, List.of(http), refs, auth, advertisement);
      List<Double> all = new ArrayList<>();
      for (int i = 0; i < rounds; i++) {
        all.addAll(round(pool, List.of(http), refs, auth, advertisement).latencies());
      }
      Stats lat = new Stats(all);
      tables.append("| for comparison, GitEdge's git door: `GET /").append(MODULE)
          .append(".git/info/refs?service=git-upload-pack` | ").append(ms(lat.percentile(50)))
          .append(" ms | ").append(ms(lat.percentile(99))).append(" ms | | | |\n");
    } finally {
      pool.shutdownNow();
    }
    tables.append('\n');
    notes.add("One-client rows: the same client and checks, one connection, each kind in turn"
        + " (the zip is in the gateway's zip cache); what a cold download's 16 `.info`, 16 `.mod`"
        + " and 16 `.zip` requests cost the gateway beyond the floor is about 16 × each"
        + " difference, spread over the go command's parallel downloads.");
  }

  private Round round(ExecutorService pool, List<HttpClient> http, URI uri, String auth,
      byte[] expected) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(uri).header("Authorization", auth).build();
    CountDownLatch go = new CountDownLatch(1);
    List<Future<double[]>> futures = new ArrayList<>();
    for (HttpClient c : http) {
      futures.add(pool.submit(() -> {
        go.await();
        double[] lat = new double[requests];
        for (int i = 0; i < requests; i++) {
          long t0 = System.nanoTime();
          HttpResponse<byte[]> r = c.send(request, HttpResponse.BodyHandlers.ofByteArray());
          lat[i] = (System.nanoTime() - t0) / 1e9;
          if (r.statusCode() != 200 || !Arrays.equals(r.body(), expected)) {
            throw new IllegalStateException(uri + ": " + r.statusCode() + " "
                + new String(r.body(), StandardCharsets.UTF_8));
          }
        }
        return lat;
      }));
    }
    long t0 = System.nanoTime();
    go.countDown();
    List<Double> all = new ArrayList<>();
    for (Future<double[]> f : futures) {
      for (double d : f.get()) {
        all.add(d);
      }
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    return new Round(all, all.size() / seconds);
  }

  private static byte[] get(HttpClient http, URI uri, String auth) throws Exception {
    HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(uri)
        .header("Authorization", auth).build(), HttpResponse.BodyHandlers.ofByteArray());
    if (r.statusCode() != 200) {
      throw new IllegalStateException(uri + ": " + r.statusCode() + " "
          + new String(r.body(), StandardCharsets.UTF_8));
    }
    return r.body();
  }

  /** The gateway's answer and go's cached file: the same versions, the same version and time. */
  private void compareBodies(String file, byte[] gateway, byte[] floor) {
    String a = new String(gateway, StandardCharsets.UTF_8);
    String b = new String(floor, StandardCharsets.UTF_8);
    boolean same = file.equals("list")
        ? new TreeSet<>(a.lines().toList()).equals(new TreeSet<>(b.lines().toList()))
        : field(a, "Version").equals(field(b, "Version")) && field(a, "Time").equals(field(b,
            "Time"));
    String what = "`@v/" + file + "`: GitEdge answers " + a.length() + " bytes, go's cached file"
        + " has " + b.length();
    notes.add(what + (same ? (file.equals("list") ? " (the same versions)"
        : " (the same Version and Time)") : "; **they differ**: GitEdge `" + a.trim()
        + "`, go `" + b.trim() + "`"));
    if (!same) {
      log("warning: " + notes.get(notes.size() - 1));
    }
  }

  private static String field(String json, String name) {
    Matcher m = Pattern.compile("\"" + name + "\"\\s*:\\s*\"([^\"]*)\"").matcher(json);
    return m.find() ? m.group(1) : "";
  }

  // --- the section ------------------------------------------------------------------------

  private String markdown() throws Exception {
    long took = (System.nanoTime() - STARTED) / 1_000_000_000L;
    StringBuilder s = new StringBuilder();
    s.append("## Go module proxy (issue 14)\n\n");
    s.append("Same run, same machine, loopback, TLS everywhere. A cold `go mod download -json`"
        + " of `").append(MODULE).append("@v1.0.0` … `v1.0.").append(VERSIONS - 1)
        .append("` (the small module of the compare section), each run with a fresh `HOME` and"
            + " `GOMODCACHE`, four ways taking turns (each round starts with the next way),"
            + " after one unmeasured run each; ").append(reps)
        .append(" runs per way, medians with (min–max). (1) **direct mode**: `GOPROXY=direct`,"
            + " `GOPRIVATE=github.com/acme` and git's `insteadOf` to C git (`git http-backend`"
            + " behind nginx, anonymous), as the compare section's go row: the baseline every"
            + " ratio divides by. (2) **GitEdge proxy, zips built already**:"
            + " `GOPROXY=https://<gateway>/goproxy`, `GONOSUMDB=github.com/acme`, the token in"
            + " `.netrc`; the gateway answers `.info` and `.mod` from its mirror and each zip from"
            + " its zip cache (checked in its metrics: 16 hits per run). (3) **GitEdge proxy,"
            + " zips built on request**: the same after deleting the zip cache"
            + " (`<dataDir>/goproxy/*`) before each run, as right after the mirrors synced: all"
            + " 16 zips built from the mirror during the download (checked: 16 built per run)."
            + " (4) **floor**: nginx (as configured for C git, its own port) serving the"
            + " `cache/download` tree a direct-mode `go mod download` of the same versions left,"
            + " as static files (`GOPROXY=https://127.0.0.1:<port>/`): no proxy answers these"
            + " requests faster, so floor / direct mode is the best any proxy can do with this"
            + " client. Goals (issue 14): (2) ≤ 0.2× and (3) ≤ 0.3× of direct mode, (2) within"
            + " 1.15× of the floor. Every run's `Sum` and `GoModSum`, version by version, all"
            + " ways, were identical (the run fails otherwise). ").append(Machine.describe())
        .append("; load average (1 min) ").append(String.join(", ", loads))
        .append(" (the machine is shared with other builds); the run took ")
        .append(took / 60).append(" min ").append(took % 60).append(" s.\n\n");
    s.append(tables);
    notes.forEach(n -> s.append("- ").append(n).append('\n'));
    s.append("\nReproduce: `bench/run goproxy` (`BENCH_OPTS=\"-Dreps=9\"` for more runs).\n\n");
    return s.toString();
  }

  private static String ratio(double r) {
    return String.format(Locale.ROOT, "%.2f×", r);
  }

  private static String ms(double seconds) {
    double ms = seconds * 1000;
    return String.format(Locale.ROOT, ms < 10 ? "%.2f" : "%.0f", ms);
  }

  /** Notes the 1-minute load average {@code when}, for the section's machine line. */
  private void load(String when) throws IOException {
    loads.add(Files.readString(Path.of("/proc/loadavg")).split(" ")[0] + " " + when);
  }

  private static boolean wanted(String part) {
    String only = System.getProperty("only");
    return only == null || List.of(only.split(",")).contains(part);
  }

  static void log(String line) {
    System.err.printf("bench: [%4d s] %s%n", (System.nanoTime() - STARTED) / 1_000_000_000,
        line);
  }
}
