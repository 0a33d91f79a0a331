package io.gitedge.testing;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * What this JVM holds before a test, to check that it gives everything back afterwards: live
 * threads by name group, open file descriptors ({@code /proc/self/fd}), heap in use after a full
 * GC, and any number of named {@link Gauge}s (a gateway's open SSH sessions and HTTP
 * connections). Capture it once the system under test is warm (after a first request), run the
 * test, then {@link #assertBackWithin}.
 *
 * <p><b>Threads.</b> A pool keeps idle threads for a while after a burst (Jetty's
 * {@code QueuedThreadPool} lets one idle thread go per idle timeout, a minute by default), so a
 * thread idle in a pool ({@code ThreadPoolExecutor.getTask}, {@code ForkJoinPool.awaitWork},
 * Jetty's idle poll and reserved-thread wait) is not a leak: those are only counted, and bounded
 * by {@link Tolerance#idlePooledThreads}. Every other thread is working or stuck, and those must
 * come back to the baseline in every name group (the name with its numbers taken out:
 * {@code gitedge-ssh-12} is group {@code gitedge-ssh-}). Virtual threads are not seen.
 *
 * <p>Immutable once captured; the checks may run from any thread. Linux only ({@code /proc}).
 *
 * <pre>{@code
 * ResourceBaseline before = ResourceBaseline.capture(
 *     new ResourceBaseline.Gauge("gateway SSH sessions", app::openSshSessions));
 * try (ResourceBaseline.Peaks peaks = before.sampleEvery(Duration.ofMillis(250))) {
 *   ... load ...
 *   System.out.println(peaks.describe());
 * }
 * before.assertBackWithin("R12", ResourceBaseline.Tolerance.DEFAULT, Duration.ofSeconds(30));
 * }</pre>
 */
public final class ResourceBaseline {
  /** Stack frames (class#method) that mark a thread as idle in a pool. */
  private static final Set<String> IDLE_FRAMES = Set.of(
      "java.util.concurrent.ThreadPoolExecutor#getTask",
      "java.util.concurrent.ForkJoinPool#awaitWork",
      "org.eclipse.jetty.util.thread.QueuedThreadPool$Runner#idleJobPoll",
      "org.eclipse.jetty.util.thread.ReservedThreadExecutor$ReservedThread#reservedWait");
  private static final long MIB = 1024 * 1024;

  /** A named count the test can read at any time, e.g. a server's open sessions. */
  public record Gauge(String name, LongSupplier reading) {}

  /**
   * How far a resource may stay above its baseline once the test is over.
   *
   * @param workingThreads extra threads, over all groups, that are not idle in a pool
   * @param idlePooledThreads extra threads idle in pools (bounded by the pools' sizes anyway)
   * @param fileDescriptors extra open file descriptors
   * @param heapBytes extra heap in use after a full GC
   * @param gauge extra count on each {@link Gauge}
   */
  public record Tolerance(int workingThreads, int idlePooledThreads, int fileDescriptors,
      long heapBytes, long gauge) {
    /** 2 threads, 256 idle pooled threads, 16 descriptors, 64 MiB heap, exact gauges. */
    public static final Tolerance DEFAULT = new Tolerance(2, 256, 16, 64 * MIB, 0);
  }

  /** One reading of every resource. */
  public record Snapshot(Map<String, Integer> workingThreads, int idlePooledThreads, int fds,
      long heapUsed, Map<String, Long> gauges) {
    public int threads() {
      return workingThreads.values().stream().mapToInt(Integer::intValue).sum()
          + idlePooledThreads;
    }
  }

  private final Snapshot baseline;
  private final List<Gauge> gauges;

  private ResourceBaseline(Snapshot baseline, List<Gauge> gauges) {
    this.baseline = baseline;
    this.gauges = gauges;
  }

  /** Reads every resource now (heap after a full GC). */
  public static ResourceBaseline capture(Gauge... gauges) {
    List<Gauge> g = List.of(gauges);
    return new ResourceBaseline(read(g, true), g);
  }

  public Snapshot baseline() {
    return baseline;
  }

  /** Reads every resource now; with {@code collect}, heap is measured after a full GC. */
  public Snapshot now(boolean collect) {
    return read(gauges, collect);
  }

  /**
   * Waits up to {@code settle} for every resource to come back within {@code tolerance} of the
   * baseline, then fails naming each one that did not, with what it holds.
   *
   * @param row the catalogue row, first in the message: {@code "R12"}
   */
  public Snapshot assertBackWithin(String row, Tolerance tolerance, Duration settle) {
    long deadline = System.nanoTime() + settle.toNanos();
    while (true) {
      Snapshot now = read(gauges, true);
      List<String> problems = problems(now, tolerance);
      if (problems.isEmpty()) {
        return now;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(row + ": resources did not come back to their baseline within "
            + settle.toSeconds() + " s:\n  " + String.join("\n  ", problems));
      }
      sleep(500);
    }
  }

  private List<String> problems(Snapshot now, Tolerance t) {
    List<String> p = new ArrayList<>();
    int extraWorking = 0;
    Map<String, String> grown = new TreeMap<>();
    for (Map.Entry<String, Integer> e : now.workingThreads().entrySet()) {
      int before = baseline.workingThreads().getOrDefault(e.getKey(), 0);
      if (e.getValue() > before) {
        extraWorking += e.getValue() - before;
        grown.put(e.getKey(), before + " -> " + e.getValue());
      }
    }
    if (extraWorking > t.workingThreads()) {
      p.add("working threads: " + extraWorking + " more than at the baseline (tolerance "
          + t.workingThreads() + "); groups that grew: " + grown + "; e.g. " + stuckExamples(
              grown.keySet()));
    }
    if (now.idlePooledThreads() - baseline.idlePooledThreads() > t.idlePooledThreads()) {
      p.add("threads idle in pools: " + baseline.idlePooledThreads() + " -> "
          + now.idlePooledThreads() + " (tolerance +" + t.idlePooledThreads() + ")");
    }
    if (now.fds() - baseline.fds() > t.fileDescriptors()) {
      p.add("open file descriptors: " + baseline.fds() + " -> " + now.fds() + " (tolerance +"
          + t.fileDescriptors() + "); open now: " + fdKinds());
    }
    if (now.heapUsed() - baseline.heapUsed() > t.heapBytes()) {
      p.add("heap used after GC: " + baseline.heapUsed() / MIB + " MiB -> "
          + now.heapUsed() / MIB + " MiB (tolerance +" + t.heapBytes() / MIB + " MiB)");
    }
    for (Map.Entry<String, Long> e : now.gauges().entrySet()) {
      long before = baseline.gauges().get(e.getKey());
      if (e.getValue() - before > t.gauge()) {
        p.add(e.getKey() + ": " + before + " -> " + e.getValue() + " (tolerance +" + t.gauge()
            + ")");
      }
    }
    return p;
  }

  /** For each grown group, up to two of its working threads with their top frames. */
  private static String stuckExamples(Set<String> groups) {
    StringBuilder b = new StringBuilder();
    Map<String, Integer> shown = new TreeMap<>();
    for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
      String g = group(e.getKey().getName());
      if (groups.contains(g) && !idle(e.getValue()) && shown.merge(g, 1, Integer::sum) <= 2) {
        b.append("\n    ").append(e.getKey().getName()).append(" ")
            .append(e.getKey().getState());
        for (int i = 0; i < Math.min(6, e.getValue().length); i++) {
          b.append("\n      at ").append(e.getValue()[i]);
        }
      }
    }
    return b.toString();
  }

  /** Open descriptors by what they point at: sockets, pipes, files (by folder). */
  private static Map<String, Integer> fdKinds() {
    Map<String, Integer> kinds = new TreeMap<>();
    try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
      for (Path fd : fds) {
        String kind;
        try {
          String target = Files.readSymbolicLink(fd).toString();
          kind = target.startsWith("socket:") ? "socket" : target.startsWith("pipe:") ? "pipe"
              : target.startsWith("anon_inode:") ? target
              : (target.endsWith(" (deleted)") ? "deleted " : "") + (Path.of(target)
                  .getParent() == null ? target : Path.of(target).getParent() + "/*");
        } catch (IOException e) {
          continue; // closed while listing
        }
        kinds.merge(kind, 1, Integer::sum);
      }
    } catch (IOException e) {
      kinds.put("unreadable: " + e, 1);
    }
    return kinds;
  }

  private static Snapshot read(List<Gauge> gauges, boolean collect) {
    Map<String, Integer> working = new TreeMap<>();
    int idle = 0;
    for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
      if (!e.getKey().isAlive()) {
        continue;
      }
      if (idle(e.getValue())) {
        idle++;
      } else {
        working.merge(group(e.getKey().getName()), 1, Integer::sum);
      }
    }
    Map<String, Long> g = new LinkedHashMap<>();
    for (Gauge gauge : gauges) {
      g.put(gauge.name(), gauge.reading().getAsLong());
    }
    return new Snapshot(Map.copyOf(working), idle, fds(), collect ? heapAfterGc() : heapNow(),
        Map.copyOf(g));
  }

  private static boolean idle(StackTraceElement[] stack) {
    for (StackTraceElement f : stack) {
      if (IDLE_FRAMES.contains(f.getClassName() + "#" + f.getMethodName())) {
        return true;
      }
    }
    return false;
  }

  /** The thread name without its numbers: {@code qtp123-45} is {@code qtp-}. */
  static String group(String threadName) {
    return threadName.replaceAll("\\d+", "");
  }

  private static int fds() {
    try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
      int n = 0;
      for (Path ignored : fds) {
        n++;
      }
      return n - 1; // the descriptor of this listing
    } catch (IOException e) {
      throw new AssertionError("cannot list /proc/self/fd (Linux only): " + e, e);
    }
  }

  /** The least heap in use over a few full GCs (one GC may leave garbage behind). */
  private static long heapAfterGc() {
    long least = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      System.gc();
      sleep(100);
      least = Math.min(least, heapNow());
    }
    return least;
  }

  private static long heapNow() {
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** Starts recording the highest readings (heap without GC) every {@code every}. */
  public Peaks sampleEvery(Duration every) {
    return new Peaks(gauges, every);
  }

  /**
   * The highest thread count, descriptor count, heap in use and gauge readings seen while it
   * ran, for the figures a load test reports. Close it to stop sampling (before
   * {@link #assertBackWithin}: its own thread counts).
   */
  public static final class Peaks implements AutoCloseable {
    private final Thread sampler;
    private volatile boolean stop;
    private int threads;
    private int fds;
    private long heap;
    private final Map<String, Long> gauges = new TreeMap<>();

    private Peaks(List<Gauge> g, Duration every) {
      sampler = new Thread(() -> {
        while (!stop) {
          Snapshot s = read(g, false);
          synchronized (this) {
            threads = Math.max(threads, s.threads());
            fds = Math.max(fds, s.fds());
            heap = Math.max(heap, s.heapUsed());
            s.gauges().forEach((k, v) -> gauges.merge(k, v, Math::max));
          }
          try {
            Thread.sleep(every.toMillis());
          } catch (InterruptedException e) {
            return;
          }
        }
      }, "resource-peaks");
      sampler.setDaemon(true);
      sampler.start();
    }

    public synchronized int maxThreads() {
      return threads;
    }

    public synchronized int maxFds() {
      return fds;
    }

    public synchronized long maxHeapBytes() {
      return heap;
    }

    public synchronized Map<String, Long> maxGauges() {
      return Map.copyOf(gauges);
    }

    /** {@code max threads 123, max fds 456, max heap 789 MiB, max <gauge> n, ...}. */
    public synchronized String describe() {
      StringBuilder b = new StringBuilder("max threads " + threads + ", max fds " + fds
          + ", max heap used " + heap / MIB + " MiB");
      gauges.forEach((k, v) -> b.append(", max ").append(k).append(" ").append(v));
      return b.toString();
    }

    @Override
    public void close() {
      stop = true;
      sampler.interrupt();
      try {
        sampler.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
