package io.gitedge.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a server costs, read from {@code /proc}: CPU seconds and resident memory of a process and
 * every live descendant. A process's {@code cutime}/{@code cstime} already hold the children it
 * has reaped (C git's short-lived {@code http-backend}, {@code upload-pack} and
 * {@code pack-objects}), so summing own plus reaped time over the live tree counts each CPU
 * second once.
 */
final class ProcTree {
  private static final double TICKS = 100.0; // USER_HZ on Linux

  private final List<ProcessHandle> roots;

  ProcTree(List<ProcessHandle> roots) {
    this.roots = List.copyOf(roots);
  }

  /** CPU seconds (user + system, reaped children included) of the roots and their trees. */
  double cpuSeconds() {
    long ticks = 0;
    for (ProcessHandle p : members()) {
      String[] f = stat(p.pid());
      if (f != null) {
        // fields after "(comm)": state is [0]; utime [11], stime [12], cutime [13], cstime [14]
        ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13])
            + Long.parseLong(f[14]);
      }
    }
    return ticks / TICKS;
  }

  /** Resident set of the roots and their trees now, in bytes. */
  long rssBytes() {
    long pages = 0;
    for (ProcessHandle p : members()) {
      try {
        String[] statm = Files.readString(Path.of("/proc", Long.toString(p.pid()), "statm"))
            .trim().split(" ");
        pages += Long.parseLong(statm[1]);
      } catch (IOException | RuntimeException e) {
        // gone meanwhile
      }
    }
    return pages * 4096;
  }

  private List<ProcessHandle> members() {
    List<ProcessHandle> all = new ArrayList<>();
    for (ProcessHandle r : roots) {
      all.add(r);
      r.descendants().forEach(all::add);
    }
    return all;
  }

  private static String[] stat(long pid) {
    try {
      String s = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      return s.substring(s.lastIndexOf(')') + 2).split(" ");
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** Samples {@link #rssBytes} every 50 ms until closed; {@link #peak} is the largest sample. */
  final class RssSampler implements AutoCloseable {
    private final AtomicLong peak = new AtomicLong();
    private final Thread thread;
    private volatile boolean stop;

    RssSampler() {
      thread = new Thread(() -> {
        while (!stop) {
          peak.accumulateAndGet(rssBytes(), Math::max);
          try {
            Thread.sleep(50);
          } catch (InterruptedException e) {
            return;
          }
        }
      }, "rss-sampler");
      thread.setDaemon(true);
      thread.start();
    }

    long peak() {
      return peak.get();
    }

    @Override
    public void close() throws InterruptedException {
      stop = true;
      thread.join();
      peak.accumulateAndGet(rssBytes(), Math::max);
    }
  }
}
