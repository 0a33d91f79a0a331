package io.gitedge.gateway.app;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
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
        : processAgeMillis().map(age -> age - (System.nanoTime() - mainNanos) / 1_000_000)
            .or(() -> ProcessHandle.current().info().startInstant()
                .map(s -> Duration.between(s, mainInstant).toMillis()))
            .map(b -> Math.max(0, b));
    return "ready in " + (sinceMain + beforeMain.orElse(0L)) + " ms ("
        + beforeMain.map(b -> "process start to main " + b + " ms; ").orElse("")
        + String.join(", ", phases) + " ms)";
  }

  /**
   * How long ago this process started, to 10 ms, on Linux: the system's uptime less the
   * process's start time since boot (both from {@code /proc}, in the kernel's 100 Hz clock
   * ticks). {@link ProcessHandle.Info#startInstant()} is no use here: Linux gives it the boot
   * time in whole seconds, so it is up to a second off.
   */
  static Optional<Long> processAgeMillis() {
    try {
      String stat = Files.readString(Path.of("/proc/self/stat"));
      // fields after the command name, which is in parentheses and may hold spaces
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      long startTicks = Long.parseLong(f[19]);
      String uptime = Files.readString(Path.of("/proc/uptime")).split(" ")[0];
      long uptimeMillis = new BigDecimal(uptime).movePointRight(3).longValue();
      return Optional.of(uptimeMillis - startTicks * 10);
    } catch (IOException | RuntimeException e) {
      return Optional.empty(); // not Linux, or a /proc this does not know
    }
  }
}
