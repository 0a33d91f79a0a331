package io.gitedge.gateway.doctor;

import java.util.List;
import java.util.Objects;

/**
 * What one check found: ok, a warning (works, but look at it), or a failure (the gateway will not
 * work as configured), about a subject ({@code upstream github.com/acme (https://...)}), with the
 * detail and, for anything not ok, what to fix. Printed as one line:
 * {@code ok    subject: detail}. Immutable.
 */
record Outcome(Status status, String subject, String detail) {
  /** How a check came out; the label is what the line starts with. */
  enum Status {
    OK("ok"), WARN("warn"), FAIL("FAIL");

    final String label;

    Status(String label) {
      this.label = label;
    }
  }

  Outcome {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(detail, "detail");
  }

  static Outcome ok(String subject, String detail) {
    return new Outcome(Status.OK, subject, detail);
  }

  static Outcome warn(String subject, String detail) {
    return new Outcome(Status.WARN, subject, detail);
  }

  static Outcome fail(String subject, String detail) {
    return new Outcome(Status.FAIL, subject, detail);
  }

  static List<Outcome> one(Outcome o) {
    return List.of(o);
  }

  /** {@code ok    subject: detail}, the label padded so the subjects line up. */
  String line() {
    return String.format("%-6s%s: %s", status.label, subject, detail);
  }
}
