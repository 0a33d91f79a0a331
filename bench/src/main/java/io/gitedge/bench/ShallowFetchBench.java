package io.gitedge.bench;

import io.gitedge.testing.ClientHome;
import io.gitedge.testing.ClientProcess;
import io.gitedge.testing.TrustingHttp;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Issue 16: go's shallow fetches with the pack cache on and off, one run, one machine. Two
 * gateways (each its own JVM, {@code ./gitedge serve}) mirror the compare section's small module
 * {@code github.com/acme/small}; one has {@code packCache: enabled: false}. A cold
 * {@code go mod download -json} of v1.0.0 … v1.0.15 in direct mode ({@code GOPROXY=direct},
 * {@code GOPRIVATE}, {@code insteadOf}, Bearer token preemptively, fresh HOME and module cache
 * each run) through each, one unmeasured run per gateway first, then {@code -Dreps} rounds, each
 * starting with the other side. Per run: the wall time of {@code go mod download}, and from the
 * client's {@code GIT_TRACE_CURL} the time from sending each fetch POST to its response headers
 * (each {@code git fetch} process sends a listing POST, then the fetch POST; every fetch after
 * the first carries shallow lines and haves). The cache side's hits are read from its
 * {@code /metrics}. Prints a Markdown table.
 *
 * <p>{@code java -cp <bench classpath> io.gitedge.bench.ShallowFetchBench <work dir> <launcher>}
 */
public final class ShallowFetchBench {
  private static final String MODULE = "github.com/acme/small";
  private static final Pattern STAMP = Pattern.compile("^(\\d\\d):(\\d\\d):(\\d\\d)\\.(\\d{6}) ");

  private ShallowFetchBench() {}

  public static void main(String[] args) throws Exception {
    Path work = Path.of(args[0]).toAbsolutePath();
    Path launcher = Path.of(args[1]).toAbsolutePath();
    int reps = Integer.getInteger("reps", 5);
    Map<String, String> env = ClientProcess.baseEnvironment();
    Files.createDirectories(work.resolve("cache"));
    Path small = RepoGen.small(work.resolve("cache/small.git"), env);
    Path projects = Files.createDirectories(work.resolve("projects"));
    RepoGen.linkOrCopy(work, env, small, projects.resolve("small.git"));
    Path key = work.resolve("key");
    ClientProcess.run(work, env, List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "",
        "-f", key.toString()), null).assertOk();
    String pub = Files.readString(Path.of(key + ".pub"));
    String load0 = Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    try (GatewayProcess on = GatewayProcess.start(work.resolve("on"), launcher,
            List.of("-Xmx1g"), projects, "github.com/acme", List.of("small"), pub);
        GatewayProcess off = GatewayProcess.start(work.resolve("off"), launcher,
            List.of("-Xmx1g"), projects, "github.com/acme", List.of("small"), pub,
            "packCache:\n  enabled: false\n")) {
      Path trust = work.resolve("trust.pem");
      Files.writeString(trust, Files.readString(on.certificate())
          + Files.readString(off.certificate()));
      List<GatewayProcess> sides = List.of(on, off);
      List<List<Double>> wall = List.of(new ArrayList<>(), new ArrayList<>());
      List<List<Double>> shallowPost = List.of(new ArrayList<>(), new ArrayList<>());
      List<List<Double>> firstPost = List.of(new ArrayList<>(), new ArrayList<>());
      int[] serial = {0};
      for (int s = 0; s < 2; s++) {
        download(work, sides.get(s), trust, ++serial[0], null, null, null); // warm-up
      }
      long hitsBefore = hits(on);
      for (int r = 0; r < reps; r++) {
        for (int k = 0; k < 2; k++) {
          int s = (r + k) % 2;
          download(work, sides.get(s), trust, ++serial[0], wall.get(s), firstPost.get(s),
              shallowPost.get(s));
        }
      }
      long hits = hits(on) - hitsBefore;
      String load1 = Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
      StringBuilder md = new StringBuilder();
      md.append("| cold `go mod download -json` of 16 versions, direct mode | cache on | cache off"
          + " | on / off |\n|---|---|---|---|\n");
      row(md, "wall time of `go mod download` (s)", wall, 1);
      row(md, "first version's fetch POST, request to response headers (ms)", firstPost, 1000);
      row(md, "each later version's shallow fetch POST, request to response headers (ms)",
          shallowPost, 1000);
      md.append(String.format(Locale.ROOT, "%n%d runs per side after one warm-up each; the cache"
          + " side answered %d shallow fetches from the cache in them (%d sent); load average"
          + " (1 min) %s before, %s after; %s%n", reps, hits, shallowPost.get(0).size(), load0,
          load1, Machine.describe()));
      System.out.println(md);
    }
  }

  private static void row(StringBuilder md, String what, List<List<Double>> v, double scale) {
    Stats a = new Stats(v.get(0).stream().map(x -> x * scale).toList());
    Stats b = new Stats(v.get(1).stream().map(x -> x * scale).toList());
    md.append(String.format(Locale.ROOT, "| %s | %.1f (%.1f–%.1f) | %.1f (%.1f–%.1f) | %.2f× |%n",
        what, a.median(), a.min(), a.max(), b.median(), b.min(), b.max(),
        a.median() / b.median()));
  }

  private static long hits(GatewayProcess g) throws Exception {
    HttpResponse<String> r = TrustingHttp.client(g.certificate()).send(HttpRequest.newBuilder(
            URI.create(g.httpsBase() + "metrics"))
        .header("Authorization", "Bearer " + g.token()).build(),
        HttpResponse.BodyHandlers.ofString());
    Matcher m = Pattern.compile("(?m)^gitedge_pack_cache_requests_total\\{[^}]*request="
        + "\"shallow-fetch\",result=\"hit\"} (\\d+)\\.0$").matcher(r.body());
    return m.find() ? Long.parseLong(m.group(1)) : 0;
  }

  private static void download(Path work, GatewayProcess g, Path trust, int serial,
      List<Double> wall, List<Double> firstPost, List<Double> shallowPost) throws Exception {
    Path d = work.resolve("go-" + serial);
    Path curl = d.resolve("curl.txt");
    ClientHome home = ClientHome.create(d).trusting(trust).with("GOPRIVATE", "github.com/acme")
        .with("GOPROXY", "direct").with("GOFLAGS", "-modcacherw")
        .with("GIT_TRACE_CURL", curl.toString()).with("GIT_TRACE_CURL_NO_DATA", "1");
    home.git(d, "config", "--global", "url." + g.httpsBase() + "github.com/acme/.insteadOf",
        "https://github.com/acme/").assertOk();
    home.git(d, "config", "--global", "http." + g.httpsBase() + ".extraHeader",
        "Authorization: Bearer " + g.token()).assertOk();
    List<String> cmd = new ArrayList<>(List.of("go", "mod", "download", "-json"));
    for (int v = 0; v < 16; v++) {
      cmd.add(MODULE + "@v1.0." + v);
    }
    long t0 = System.nanoTime();
    String out = ClientProcess.run(d, home.environment(), cmd, null).assertOk().stdout();
    double t = (System.nanoTime() - t0) / 1e9;
    if (out.lines().filter(l -> l.contains("\"Sum\"")).count() != 16) {
      throw new IllegalStateException(out);
    }
    if (wall != null) {
      wall.add(t);
      List<Double> posts = postTimes(Files.readAllLines(curl));
      // the listing of `git ls-remote`, then per version a listing POST and a fetch POST
      if (posts.size() != 33) {
        throw new IllegalStateException(posts.size() + " POSTs in " + curl);
      }
      firstPost.add(posts.get(2));
      for (int i = 4; i < 33; i += 2) {
        shallowPost.add(posts.get(i));
      }
    }
    ClientProcess.run(work, ClientProcess.baseEnvironment(), List.of("rm", "-rf", d.toString()),
        null);
  }

  /** Seconds from each POST's request line to its response's status line, in trace order. */
  private static List<Double> postTimes(List<String> trace) {
    List<Double> times = new ArrayList<>();
    double sent = -1;
    for (String l : trace) {
      if (l.contains("=> Send header: POST ")) {
        sent = seconds(l);
      } else if (sent >= 0 && l.contains("<= Recv header: HTTP/")) {
        times.add(seconds(l) - sent);
        sent = -1;
      }
    }
    return times;
  }

  private static double seconds(String line) {
    Matcher m = STAMP.matcher(line);
    if (!m.find()) {
      throw new IllegalStateException("no time stamp: " + line);
    }
    return LocalTime.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
        Integer.parseInt(m.group(3))).toSecondOfDay() + Integer.parseInt(m.group(4)) / 1e6;
  }
}
