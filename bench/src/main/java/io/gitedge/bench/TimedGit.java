package io.gitedge.bench;

import io.gitedge.testing.ClientHome;
import io.gitedge.testing.ClientProcess;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A stock {@code git} command timed from start to exit, as the benchmarks measure them. */
final class TimedGit {
  private TimedGit() {}

  /** Seconds {@code git args} took in {@code dir}; fails the run when git fails. */
  static double run(ClientHome client, Path dir, String... args) {
    long t0 = System.nanoTime();
    client.git(dir, args).assertOk();
    return (System.nanoTime() - t0) / 1e9;
  }

  /**
   * Seconds {@code git clone -q options url target} took; {@code target} is removed afterwards
   * (not timed), so runs do not fill the disk.
   */
  static double clone(ClientHome client, Path work, Map<String, String> env, Path target,
      String url, String... options) {
    List<String> args = new ArrayList<>(List.of("clone", "-q"));
    args.addAll(List.of(options));
    args.add(url);
    args.add(target.toString());
    double t = run(client, work, args.toArray(String[]::new));
    ClientProcess.run(work, env, List.of("rm", "-rf", target.toString()), null).assertOk();
    return t;
  }
}
