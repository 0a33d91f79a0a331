package io.gitedge.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A legitimate user cloning over and over while a test attacks the server: real {@code git
 * clone}s in a loop on their own threads, each into a fresh folder (deleted after it succeeded),
 * every attempt recorded with its time and output. For the catalogue's "a real clone keeps
 * working during the attack" criteria (H05, H06, H09, S07, S08).
 *
 * <pre>{@code
 * try (BackgroundClones clones = BackgroundClones.start(gw.clientWithNetrc("alice"),
 *     gw.repoUrl(LIB), gw.workDir("legit"))) {
 *   ... the attack ...
 *   clones.awaitAttempts(3, Duration.ofSeconds(60));
 * }
 * clones.assertAllSucceeded("H09", Duration.ofSeconds(20));
 * }</pre>
 *
 * Closing stops the loops and waits for the clones running at that moment to finish. Thread-safe.
 */
public final class BackgroundClones implements AutoCloseable {
  /** One clone: its number, how long it took, and what git said (or why it did not run). */
  public record Attempt(int number, Duration took, int exitCode, String output) {
    public boolean ok() {
      return exitCode == 0;
    }
  }

  private final List<Attempt> attempts = new ArrayList<>();
  private final List<Thread> loops = new ArrayList<>();
  private final AtomicInteger next = new AtomicInteger();
  private volatile boolean stop;

  private BackgroundClones(int parallel, ClientHome client, String url, Path work,
      String[] cloneOptions) {
    for (int i = 0; i < parallel; i++) {
      Thread t = new Thread(() -> loop(client, url, work, cloneOptions), "background-clones-"
          + i);
      t.setDaemon(true);
      loops.add(t);
    }
    loops.forEach(Thread::start);
  }

  /**
   * Starts one loop cloning {@code url} as {@code client} into folders under {@code work}.
   *
   * @param cloneOptions put after {@code git clone}: {@code "--depth", "1"}, or
   *     {@code "-c", "protocol.version=0"}
   */
  public static BackgroundClones start(ClientHome client, String url, Path work,
      String... cloneOptions) {
    return new BackgroundClones(1, client, url, work, cloneOptions);
  }

  /** {@link #start(ClientHome, String, Path, String...)} with {@code parallel} loops. */
  public static BackgroundClones start(int parallel, ClientHome client, String url, Path work,
      String... cloneOptions) {
    if (parallel < 1) {
      throw new IllegalArgumentException("parallel must be at least 1, got " + parallel);
    }
    return new BackgroundClones(parallel, client, url, work, cloneOptions);
  }

  private void loop(ClientHome client, String url, Path work, String[] options) {
    while (!stop) {
      int n = next.incrementAndGet();
      Path to = work.resolve("background-clone-" + n);
      List<String> args = new ArrayList<>(List.of("clone", "-q"));
      args.addAll(List.of(options));
      args.add(url);
      args.add(to.toString());
      long start = System.nanoTime();
      Attempt a;
      try {
        ProcessResult r = client.git(work, args.toArray(String[]::new));
        a = new Attempt(n, Duration.ofNanos(System.nanoTime() - start), r.exitCode(),
            r.describe());
        if (r.ok()) {
          deleteRecursively(to);
        }
      } catch (RuntimeException | AssertionError e) {
        a = new Attempt(n, Duration.ofNanos(System.nanoTime() - start), -1, e.toString());
      }
      synchronized (attempts) {
        attempts.add(a);
        attempts.notifyAll();
      }
    }
  }

  /** Every finished attempt so far, in the order they finished. */
  public List<Attempt> attempts() {
    synchronized (attempts) {
      return List.copyOf(attempts);
    }
  }

  /**
   * Waits until at least {@code n} attempts finished (failed or not).
   *
   * @throws AssertionError if they did not within {@code timeout}
   */
  public void awaitAttempts(int n, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (attempts) {
      while (attempts.size() < n) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError("only " + attempts.size() + " of " + n + " background clones"
              + " finished within " + timeout.toSeconds() + " s");
        }
        try {
          attempts.wait(Math.max(1, left / 1_000_000));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError("interrupted", e);
        }
      }
    }
  }

  /**
   * Fails unless at least one clone ran, every clone succeeded, and none took longer than
   * {@code slo}; the message starts with {@code row}, names the criterion, and holds git's
   * output of the first failure.
   */
  public void assertAllSucceeded(String row, Duration slo) {
    List<Attempt> all = attempts();
    if (all.isEmpty()) {
      throw new AssertionError(row + ": no legit clone finished during the attack");
    }
    for (Attempt a : all) {
      if (!a.ok()) {
        throw new AssertionError(row + ": legit clone during the attack failed (" + summary()
            + "): attempt " + a.number() + ":\n" + a.output());
      }
    }
    Attempt slowest = all.stream().max(Comparator.comparing(Attempt::took)).orElseThrow();
    if (slowest.took().compareTo(slo) > 0) {
      throw new AssertionError(row + ": legit clone during the attack took "
          + slowest.took().toMillis() + " ms, over the " + slo.toMillis() + " ms allowed ("
          + summary() + ")");
    }
  }

  /** {@code "12 clones, 0 failed, slowest 2345 ms"}. */
  public String summary() {
    List<Attempt> all = attempts();
    long failed = all.stream().filter(a -> !a.ok()).count();
    long slowest = all.stream().mapToLong(a -> a.took().toMillis()).max().orElse(0);
    return all.size() + " clones, " + failed + " failed, slowest " + slowest + " ms";
  }

  /** Stops the loops; waits for the clones running now to end. */
  @Override
  public void close() {
    stop = true;
    for (Thread t : loops) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private static void deleteRecursively(Path dir) {
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
