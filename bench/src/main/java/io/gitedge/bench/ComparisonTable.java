package io.gitedge.bench;

import io.gitedge.testing.ClientHome;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * The rows and notes of one comparison run, and how a row is measured: a workload run on both
 * sides, alternating which goes first, medians compared.
 */
final class ComparisonTable {
  /** One server under test and the client that talks to it. */
  record Side(String name, Function<String, String> https, Function<String, String> ssh,
      ClientHome client) {}

  /** One measured run of a workload on {@code side}, in seconds; {@code rep} -1 is a warm-up. */
  interface Op {
    double run(Side side, int rep) throws Exception;
  }

  private final List<String> rows = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();

  /** Adds a row written elsewhere (a Markdown table row). */
  void row(String row) {
    rows.add(row);
  }

  /** Adds a note under the table. */
  void note(String note) {
    notes.add(note);
  }

  /** {@code first} against {@code second}, alternating; no goal ({@code NaN}) leaves no verdict. */
  void compare(String what, String door, int reps, String target, double goal, Side first,
      Side second, Op op) throws Exception {
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
    CompareWithCGit.log(rows.get(rows.size() - 1));
  }

  /** The rows under their header, a blank line, then the notes as a list. */
  String tableAndNotes() {
    StringBuilder s = new StringBuilder();
    s.append("| workload | door | GitEdge | C git | ratio | target | |\n");
    s.append("|---|---|---|---|---|---|---|\n");
    rows.forEach(r -> s.append(r).append('\n'));
    s.append('\n');
    notes.forEach(n -> s.append("- ").append(n).append('\n'));
    return s.toString();
  }

  static String verdict(boolean met) {
    return met ? "met" : "**missed**";
  }

  /** The section of BENCHMARKS.md: how it was measured, the table, the notes. */
  String markdown(String mediumShape) throws Exception {
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
    s.append(tableAndNotes());
    s.append("\nReproduce: `bench/run compare` (`bench/run compare /path/to/bare.git` for your own"
        + " repository).\n\n");
    return s.toString();
  }
}
