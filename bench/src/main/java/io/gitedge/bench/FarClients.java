package io.gitedge.bench;

import io.gitedge.gateway.fleet.Fleet;
import io.gitedge.testing.ClientHome;
import io.gitedge.testing.ClientProcess;
import io.gitedge.testing.ProcessResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Clients in the far region (ap) fetching {@code github.com/acme/lib}, a Go module with tags
 * {@code v1.0.0} to {@code v1.0.15}, three ways: through ap's gateway (the client unshaped, as
 * inside the region; also with git told not to scan the system's CAs), straight to the origin
 * over ap's shaped link (a client in ap with no edge), and from the origin unshaped (a local C
 * git: the best case). Real {@code git clone} and cold
 * {@code go mod download} (fresh module cache, {@code GOPROXY=direct}); medians, alternating
 * which side goes first, after one unmeasured run through the gateway (which warms it).
 */
final class FarClients {
  static final int VERSIONS = 16;

  /**
   * One way to the repository: its clone URL, and git settings for it.
   *
   * @param edge whether it is ap's gateway (warmed by an unmeasured run)
   * @param noCaScan whether git is told not to read the system's CA folder (see
   *     {@link FarClients#client})
   */
  private record Side(String name, String url, String scope, String authorization, boolean edge,
      boolean noCaScan) {
    /** {@code https://github.com/acme/} rewritten to where this side finds {@code acme/lib}. */
    String moduleBase() {
      return url.substring(0, url.length() - "lib.git".length());
    }
  }

  /** One workload's times (seconds): edge, edge without the CA scan, straight, local. */
  record Row(String workload, List<Stats> sides) {}

  private final Fleet fleet;
  private final Path work;
  private final List<Side> sides;
  private final Map<String, List<String>> sums = new LinkedHashMap<>();
  private String lastVersion;
  private int serial;

  FarClients(Fleet fleet, Path work) {
    this.fleet = fleet;
    this.work = work;
    Fleet.Region ap = fleet.region("ap");
    String straight = "http://127.0.0.1:" + ap.toOrigin().port();
    String bearer = "Bearer " + fleet.token("alice");
    this.sides = List.of(
        new Side("via ap's edge", ap.repoUrl(Fleet.LIB), ap.url(), bearer, true, false),
        new Side("via ap's edge, client without the system CA scan", ap.repoUrl(Fleet.LIB),
            ap.url(), bearer, true, true),
        new Side("straight to the origin over ap's link", straight + "/acme/lib.git", straight,
            fleet.originAuthorization(), false, false),
        new Side("local C git", fleet.originHttp().url() + "/acme/lib.git",
            fleet.originHttp().url(), fleet.originAuthorization(), false, false));
  }

  /**
   * Releases {@code v1.0.1} to {@code v1.0.15} (the origin has {@code v1.0.0}) in one push, sends
   * the webhook to eu and waits until ap serves the last.
   */
  void releaseVersions(DeveloperClone dev, RefWatch watch) throws Exception {
    List<String> tags = new ArrayList<>();
    String id = null;
    for (int v = 1; v < VERSIONS; v++) {
      String tag = "v1.0." + v;
      id = dev.commit(Map.of("lib.go", "package lib\n\nfunc Version() string { return \"" + tag
          + "\" }\n"), "release " + tag);
      dev.tag(tag);
      tags.add(tag);
    }
    dev.push(tags.toArray(String[]::new));
    lastVersion = id;
    var seen = watch.watch(List.of("ap"), "refs/tags/v1.0." + (VERSIONS - 1), id,
        FleetPushes.SERVABLE_WITHIN);
    if (fleet.webhook("eu", "acme/lib") != 202) {
      throw new IllegalStateException("eu refused the webhook");
    }
    OptionalLong at = seen.get("ap").get();
    if (at.isEmpty()) {
      throw new IllegalStateException("ap does not serve the released versions");
    }
  }

  List<Row> measure(int reps) throws Exception {
    return List.of(compare("`git clone`", reps, this::cloneOnce),
        compare("cold `go mod download` of " + VERSIONS + " versions", reps, this::goOnce));
  }

  private interface Op {
    double run(Side s) throws Exception;
  }

  private Row compare(String workload, int reps, Op op) throws Exception {
    FleetBench.log(workload + " from ap");
    Map<Side, List<Double>> times = new LinkedHashMap<>();
    for (Side s : sides) {
      if (s.edge()) {
        op.run(s); // unmeasured: warms the gateway (JIT, TLS, its read path for this workload)
      }
      times.put(s, new ArrayList<>());
    }
    for (int i = 0; i < reps; i++) {
      for (int k = 0; k < sides.size(); k++) {
        Side s = sides.get((i + k) % sides.size());
        times.get(s).add(op.run(s));
      }
    }
    Row row = new Row(workload, sides.stream().map(s -> new Stats(times.get(s))).toList());
    FleetBench.log("  " + String.join(" | ", row.sides().stream().map(Stats::describe)
        .toList()));
    return row;
  }

  /**
   * A client for {@code s}. Without the CA scan: Debian's libcurl-gnutls, which git uses, reads
   * every certificate in {@code /etc/ssl/certs} at each run besides the file it is told to trust
   * (the compare section measures 65–85 ms per git command); an empty {@code http.sslCAPath}
   * leaves that out. It applies to HTTPS only, so to the gateway's side only: the origin is
   * plain HTTP.
   */
  private ClientHome client(Path dir, Side s) throws Exception {
    ClientHome c = ClientHome.create(dir).trusting(fleet.certificate());
    c.git(dir, "config", "--global", "http." + s.scope() + "/.extraHeader",
        "Authorization: " + s.authorization()).assertOk();
    if (s.noCaScan()) {
      c.git(dir, "config", "--global", "http.sslCAPath",
          Files.createDirectories(work.resolve("no-ca-path")).toString()).assertOk();
    }
    return c;
  }

  private double cloneOnce(Side s) throws Exception {
    Path d = Files.createDirectories(work.resolve("clone-" + (++serial)));
    ClientHome c = client(d, s);
    Path clone = d.resolve("lib");
    long t0 = System.nanoTime();
    c.git(d, "clone", "-q", s.url(), clone.toString()).assertOk();
    double t = (System.nanoTime() - t0) / 1e9;
    String got = c.git(clone, "rev-parse", "v1.0." + (VERSIONS - 1)).assertOk().stdout().trim();
    if (!got.equals(lastVersion)) {
      throw new IllegalStateException(s.name() + " cloned v1.0.15 at " + got);
    }
    remove(d);
    return t;
  }

  private double goOnce(Side s) throws Exception {
    Path d = Files.createDirectories(work.resolve("go-" + (++serial)));
    ClientHome c = client(d, s).with("GOPRIVATE", "github.com/acme").with("GOPROXY", "direct")
        .with("GOFLAGS", "-modcacherw");
    c.git(d, "config", "--global", "url." + s.moduleBase() + ".insteadOf",
        "https://github.com/acme/").assertOk();
    List<String> cmd = new ArrayList<>(List.of("go", "mod", "download", "-json"));
    for (int v = 0; v < VERSIONS; v++) {
      cmd.add(Fleet.LIB + "@v1.0." + v);
    }
    long t0 = System.nanoTime();
    ProcessResult r = ClientProcess.run(d, c.environment(), cmd, null);
    double t = (System.nanoTime() - t0) / 1e9;
    List<String> lines = r.stdout().lines().filter(l -> l.contains("\"Sum\"")).sorted().toList();
    if (r.exitCode() != 0 || lines.size() != VERSIONS) {
      throw new IllegalStateException(s.name() + ": go mod download: " + r.stdout()
          + r.stderr());
    }
    List<String> before = sums.putIfAbsent("go", lines);
    if (before != null && !before.equals(lines)) {
      throw new IllegalStateException(s.name() + ": go.sum hashes differ from another side's");
    }
    remove(d);
    return t;
  }

  private void remove(Path d) {
    ClientProcess.run(work, ClientProcess.baseEnvironment(), List.of("rm", "-rf", d.toString()),
        null).assertOk();
  }
}
