package io.gitedge.gateway.doctor;

import java.util.List;
import java.util.function.Supplier;

/**
 * A check that talks to another host, to be run at once with the others: what it is about (for
 * the line printed if it never finishes) and the work, which bounds each of its own steps with
 * the timeout and turns every trouble into an {@link Outcome}. Immutable.
 */
record Probe(String subject, Supplier<List<Outcome>> work) {
  /** A probe with one line. */
  static Probe of(String subject, Supplier<Outcome> work) {
    return new Probe(subject, () -> List.of(work.get()));
  }
}
