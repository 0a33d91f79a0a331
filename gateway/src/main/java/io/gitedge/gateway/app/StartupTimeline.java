package io.gitedge.gateway.app;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where the time of one start went, phase by phase, for the line a gateway logs when it turns
 * ready: the operator's answer to "why did this restart take two seconds", and the measurement
 * behind the start-up figures in BENCHMARKS.md. Phases are the gaps between marks on the thread
 * that starts the gateway; work done meanwhile on other threads shows only where that thread
 * waits for it.
 */
final class StartupTimeline {
  /** When {@link Main} began, or 0 when the gateway was started in-process (tests). */
  private static volatile long mainNanos;
  private static volatile Instant mainInstant;

  private final long startNanos;
  private final List<String> phases = new ArrayList<>();
  private long last;

  private StartupTimeline(long startNanos) {
    this.startNanos = startNanos;
    this.last = startNanos;
  }

  /** Called first thing in {@code main}. */
  static void mainStarted() {
    mainNanos = System.nanoTime();
    mainInstant = Instant.now();
  }

  /** A timeline from {@code main}'s start when there was one, else from now. */
  static StartupTimeline begin() {
    long now = System.nanoTime();
    StartupTimeline t = new StartupTimeline(mainNanos != 0 ? mainNanos : now);
    if (mainNanos != 0) {
      t.mark("command line and config");
    }
    return t;
  }

  /** Ends the phase {@code name} (the time since the previous mark). */
  void mark(String name) {
    long now = System.nanoTime();
    phases.add(name + " " + (now - last) / 1_000_000);
    last = now;
  }

  /**
   * {@code ready in 1234 ms (process start to main 180 ms; command line and config 210, ...)}:
   * the total counts from the process's start (the launcher's, which becomes the JVM) when the
   * operating system says when that was.
   */
  String describe() {
    long sinceMain = (System.nanoTime() - startNanos) / 1_000_000;
    Optional<Long> beforeMain = mainNanos == 0 ? Optional.empty()
        : ProcessHandle.current().info().startInstant()
            .map(s -> Math.max(0, Duration.between(s, mainInstant).toMillis()));
    return "ready in " + (sinceMain + beforeMain.orElse(0L)) + " ms ("
        + beforeMain.map(b -> "process start to main " + b + " ms; ").orElse("")
        + String.join(", ", phases) + " ms)";
  }
}
