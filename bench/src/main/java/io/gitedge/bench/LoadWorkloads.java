package io.gitedge.bench;

import io.gitedge.bench.ComparisonTable.Side;
import io.gitedge.testing.ClientProcess;
import io.gitedge.testing.ProcessResult;
import io.gitedge.testing.TrustingHttp;
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
import javax.net.ssl.SSLContext;

/**
 * The workloads that load a server rather than time one client: capacity with null clients
 * ({@link NullClients}), and 100 clones at once.
 */
final class LoadWorkloads {
  private final Path work;
  private final Map<String, String> env;
  private final ComparisonTable table;
  private final Side gw;
  private final Side cgit;
  private int serial;

  LoadWorkloads(Path work, Map<String, String> env, ComparisonTable table, Side gw, Side cgit) {
    this.work = work;
    this.env = env;
    this.table = table;
    this.gw = gw;
    this.cgit = cgit;
  }

  void capacity(GatewayProcess g, CGitServers c, Path trust) throws Exception {
    CompareWithCGit.log("capacity: 32 null clients");
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
    table.row(String.format(Locale.ROOT,
        "| capacity: packs per second, 32 null clients | HTTPS | %.2f /s | %.2f /s | %.2f× | ≥ 2× | %s |",
        a.packsPerSecond(), b.packsPerSecond(), a.packsPerSecond() / b.packsPerSecond(),
        ComparisonTable.verdict(a.packsPerSecond() / b.packsPerSecond() >= 2)));
    table.row(String.format(Locale.ROOT,
        "| capacity: server CPU per clone | HTTPS | %.3f s | %.3f s | %.2f× | ≤ 0.5× | %s |",
        a.cpuPerPack(), b.cpuPerPack(), a.cpuPerPack() / b.cpuPerPack(),
        ComparisonTable.verdict(a.cpuPerPack() / b.cpuPerPack() <= 0.5)));
    table.row(String.format(Locale.ROOT,
        "| capacity: server peak RSS | HTTPS | %d MiB | %d MiB | %.2f× | | |",
        a.peakRssBytes() >> 20, b.peakRssBytes() >> 20,
        (double) a.peakRssBytes() / b.peakRssBytes()));
    table.note(String.format(Locale.ROOT, "Capacity: %d requests per side, 32 at a time, after 32"
        + " warm-up requests; the better of two runs per side, alternating; each response %.1f MiB"
        + " (GitEdge) / %.1f MiB (C git). CPU is the server's whole process tree from /proc"
        + " (nginx, fcgiwrap, http-backend, upload-pack, pack-objects; the gateway's JVM).",
        total, a.bytesPerPack() / 1048576.0, b.bytesPerPack() / 1048576.0));
  }

  void parallelClones() throws Exception {
    CompareWithCGit.log("100 parallel clones of small");
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
        table.note(s.name() + ": " + (100 - succeeded) + " of 100 parallel clones failed: "
            + failures.toString().trim().replace('\n', ' '));
      }
      ClientProcess.run(work, env, List.of("rm", "-rf", base.toString()), null);
    }
    table.row(String.format(Locale.ROOT,
        "| 100 parallel clones of small (all must succeed) | HTTPS | %d/100 in %.1f s | %d/100 in %.1f s | %.2f× | 100/100 | %s |",
        ok.get(0), wall.get(0), ok.get(1), wall.get(1), wall.get(0) / wall.get(1),
        ComparisonTable.verdict(ok.get(0) == 100)));
  }
}
