package io.gitedge.gateway.doctor;

import java.io.PrintStream;
import java.util.List;

/**
 * Prints the outcomes as they come, counts them, and ends with a summary line and the exit
 * status: 0 when nothing failed (warnings allowed), 1 when anything did. Not thread-safe: the
 * printing thread's.
 */
final class DoctorReport {
  private final PrintStream out;
  private int ok;
  private int warnings;
  private int failures;

  DoctorReport(PrintStream out) {
    this.out = out;
  }

  void add(Outcome o) {
    switch (o.status()) {
      case OK -> ok++;
      case WARN -> warnings++;
      case FAIL -> failures++;
      default -> throw new IllegalStateException(o.status().name());
    }
    out.println(o.line());
    out.flush();
  }

  void addAll(List<Outcome> outcomes) {
    outcomes.forEach(this::add);
  }

  /** The summary after a config that does not load; nothing else was checked. */
  int configFailed() {
    out.println("gitedge doctor: the config does not load; fix it first (nothing else was"
        + " checked)");
    out.flush();
    return 1;
  }

  /** Prints the summary and returns the exit status. */
  int finish() {
    int checks = ok + warnings + failures;
    out.println("gitedge doctor: " + checks + " checks: " + ok + " ok, " + warnings + " warning"
        + (warnings == 1 ? "" : "s") + ", " + failures + " failed"
        + (failures > 0 ? " (fix the FAIL lines)" : warnings > 0
            ? " (the gateway can run; look at the warn lines)" : ""));
    out.flush();
    return failures > 0 ? 1 : 0;
  }
}
