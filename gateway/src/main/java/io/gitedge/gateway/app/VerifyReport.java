package io.gitedge.gateway.app;

import io.gitedge.gateway.fleet.Finding;
import io.gitedge.gateway.fleet.Finding.Kind;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code gitedge verify} prints and the exit status it makes: one line per finding that is
 * not level ({@code <kind> <mirror>[ <ref>]: <detail>}, "ahead" printed as the "behind" it is seen
 * from the other side), one per region or upstream that could not be asked, then a summary.
 * Status: 1 when anything diverged, else 2 when anything could not be asked, else 0. Not
 * thread-safe: one per run.
 */
final class VerifyReport {
  private final PrintStream out;
  private final Map<Kind, Integer> counts = new EnumMap<>(Kind.class);
  private int unasked;

  VerifyReport(PrintStream out) {
    this.out = out;
  }

  void unasked(String line) {
    unasked++;
    out.println(line);
  }

  /** Prints what is not level: {@code <kind> <mirror>[ <ref>]: <detail>}. */
  void all(String mirror, List<Finding> findings) {
    for (Finding f : findings) {
      if (f.kind() == Kind.LEVEL) {
        continue;
      }
      // "ahead" is the same lag seen from the other side; the detail names who is behind
      Kind k = f.kind() == Kind.AHEAD ? Kind.BEHIND : f.kind();
      counts.merge(k, 1, Integer::sum);
      out.println(k.label() + " " + mirror + f.ref().map(r -> " " + r).orElse("") + ": "
          + f.detail());
    }
  }

  int finish(int mirrors, List<String> regions, boolean upstream) {
    if (regions.isEmpty()) {
      out.println("gitedge: nothing compared: no region could be asked");
      out.flush();
      return 2;
    }
    StringBuilder s = new StringBuilder("gitedge: ").append(mirrors).append(" mirrors in ")
        .append(String.join(", ", regions))
        .append(upstream ? " and their upstreams" : "").append(": ");
    List<String> parts = new ArrayList<>();
    counts.forEach((k, n) -> parts.add(n + " " + k.label()));
    s.append(!parts.isEmpty() ? String.join(", ", parts)
        : unasked > 0 ? "no difference among those asked" : "level");
    if (unasked > 0) {
      s.append("; ").append(unasked).append(" could not be asked");
    }
    out.println(s);
    out.flush();
    if (counts.containsKey(Kind.DIVERGED)) {
      return 1;
    }
    return unasked > 0 ? 2 : 0;
  }
}
