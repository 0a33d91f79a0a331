package io.gitedge.goproxy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import org.eclipse.jgit.lib.ObjectId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Module zips kept on disk, one per module, version and commit, so a version's zip is built once
 * and then served like a static file. A version's commit never changes here (tags are kept at
 * their first commit), so an entry never goes stale; the commit is in the key all the same, so a
 * moved tag accepted by an operator can never be answered with the old bytes.
 *
 * <p>Each entry is {@code <key>.zip} and {@code <key>.h1} (its {@code h1:} hash, then module,
 * version and commit), written to a
 * temporary name and moved into place, so a crash leaves either a whole entry or none; leftovers
 * are removed when the cache opens. Concurrent requests for one missing zip build it once (single
 * flight). The total size of the zips is kept at most {@code maxBytes}, least recently used out
 * first; a zip being read while it is evicted stays readable by its open stream.
 *
 * <p>Thread-safe.
 */
public final class ZipCache {
  private static final Logger log = LoggerFactory.getLogger(ZipCache.class);
  private static final String ZIP = ".zip";
  private static final String HASH = ".h1";
  private static final String TEMPORARY = ".tmp";

  /** What a lookup did. */
  public enum Outcome {
    /** The zip was on disk already, or built by a concurrent request this one waited for. */
    HIT,
    /** This request built the zip. */
    BUILT
  }

  /** Writes a zip to {@code out} and returns its {@code h1:} hash ({@link ModuleZip#create}). */
  @FunctionalInterface
  public interface Builder {
    String write(OutputStream out) throws IOException, GoModuleException;
  }

  /** A zip found or built: its hash and size, and a stream over it the caller closes. */
  public record Opened(String hash, long size, Outcome outcome, InputStream stream) {}

  /** A zip the cache holds: which version of which module, from which commit, its hash. */
  public record Built(String module, String version, String commit, String hash) {}

  private record Entry(Path zip, String hash, long size, Built built) {}

  private final Path dir;
  private final long maxBytes;
  /** Entries in access order, the least recently used first; guarded by {@code this}. */
  private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>(64, 0.75f, true);
  private final Map<String, CompletableFuture<Entry>> building = new ConcurrentHashMap<>();
  private long bytes;

  private ZipCache(Path dir, long maxBytes) {
    this.dir = dir;
    this.maxBytes = maxBytes;
  }

  /**
   * Opens the cache in {@code dir} (created if missing), keeping the entries a previous run left
   * (oldest first out) and removing half-written ones.
   */
  public static ZipCache open(Path dir, long maxBytes) throws IOException {
    if (maxBytes < 1) {
      throw new IllegalArgumentException("the zip cache must hold at least 1 byte");
    }
    Files.createDirectories(dir);
    ZipCache cache = new ZipCache(dir, maxBytes);
    cache.load();
    return cache;
  }

  private void load() throws IOException {
    List<Path> zips = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path f : files) {
        String name = f.getFileName().toString();
        if (name.contains(TEMPORARY)) {
          Files.deleteIfExists(f);
        } else if (name.endsWith(ZIP)) {
          zips.add(f);
        }
      }
    }
    zips.sort((a, b) -> Long.compare(modified(a), modified(b)));
    for (Path zip : zips) {
      String key = zip.getFileName().toString();
      key = key.substring(0, key.length() - ZIP.length());
      Path hashFile = dir.resolve(key + HASH);
      List<String> lines = Files.exists(hashFile)
          ? Files.readAllLines(hashFile, StandardCharsets.UTF_8) : List.of();
      String[] what = lines.size() == 2 ? lines.get(1).split(" ") : new String[0];
      if (what.length != 3 || !lines.get(0).startsWith("h1:")) {
        Files.deleteIfExists(zip);
        Files.deleteIfExists(hashFile);
        continue;
      }
      Entry e = new Entry(zip, lines.get(0), Files.size(zip),
          new Built(what[0], what[1], what[2], lines.get(0)));
      synchronized (this) {
        entries.put(key, e);
        bytes += e.size();
      }
    }
    trim();
  }

  /**
   * The zip of {@code module@version} at {@code commit}: from disk, or written by
   * {@code builder} now (once, however many ask at the same time).
   *
   * @throws GoModuleException what {@code builder} threw; nothing is kept then
   */
  public Opened get(String module, String version, ObjectId commit, Builder builder)
      throws IOException, GoModuleException {
    String key = key(module, version, commit);
    for (int attempt = 0; ; attempt++) {
      synchronized (this) {
        Entry e = entries.get(key);
        if (e != null) {
          try {
            return new Opened(e.hash(), e.size(), Outcome.HIT, Files.newInputStream(e.zip()));
          } catch (NoSuchFileException gone) {
            forget(key); // removed behind our back: build it again
          }
        }
      }
      CompletableFuture<Entry> mine = new CompletableFuture<>();
      CompletableFuture<Entry> running = building.putIfAbsent(key, mine);
      if (running == null) {
        try {
          Entry e = build(key, new Built(module, version, commit.name(), ""), builder);
          mine.complete(e);
          return new Opened(e.hash(), e.size(), Outcome.BUILT, Files.newInputStream(e.zip()));
        } catch (IOException | GoModuleException | RuntimeException failure) {
          mine.completeExceptionally(failure);
          throw failure;
        } finally {
          building.remove(key, mine);
        }
      }
      try {
        running.get();
      } catch (ExecutionException e) {
        if (e.getCause() instanceof GoModuleException g) {
          throw g;
        }
        if (attempt > 0) {
          throw new IOException("building the zip failed", e.getCause());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while another request built the zip", e);
      }
    }
  }

  private Entry build(String key, Built what, Builder builder)
      throws IOException, GoModuleException {
    Path tmpZip = Files.createTempFile(dir, key, TEMPORARY);
    Path tmpHash = dir.resolve(tmpZip.getFileName() + HASH);
    try {
      String hash;
      try (OutputStream out = Files.newOutputStream(tmpZip)) {
        hash = builder.write(out);
      }
      Files.writeString(tmpHash, hash + "\n" + what.module() + " " + what.version() + " "
          + what.commit() + "\n", StandardCharsets.UTF_8);
      Path zip = dir.resolve(key + ZIP);
      move(tmpHash, dir.resolve(key + HASH));
      move(tmpZip, zip);
      Entry e = new Entry(zip, hash, Files.size(zip),
          new Built(what.module(), what.version(), what.commit(), hash));
      synchronized (this) {
        Entry old = entries.put(key, e);
        bytes += e.size() - (old == null ? 0 : old.size());
      }
      trim();
      return e;
    } finally {
      Files.deleteIfExists(tmpZip);
      Files.deleteIfExists(tmpHash);
    }
  }

  /** Evicts the least recently used entries until the zips fit, keeping the newest one. */
  private void trim() {
    List<Entry> evicted = new ArrayList<>();
    synchronized (this) {
      Iterator<Map.Entry<String, Entry>> it = entries.entrySet().iterator();
      while (bytes > maxBytes && entries.size() > 1 && it.hasNext()) {
        Entry e = it.next().getValue();
        it.remove();
        bytes -= e.size();
        evicted.add(e);
      }
    }
    for (Entry e : evicted) {
      try {
        Files.deleteIfExists(e.zip());
        String name = e.zip().getFileName().toString();
        Files.deleteIfExists(dir.resolve(name.substring(0, name.length() - ZIP.length()) + HASH));
      } catch (IOException ex) {
        log.warn("cannot remove {} from the Go module zip cache: {}", e.zip(), ex.toString());
      }
    }
  }

  private synchronized void forget(String key) {
    Entry e = entries.remove(key);
    if (e != null) {
      bytes -= e.size();
    }
  }

  /**
   * Every zip held, the least recently used first (so of one version held from two commits, the
   * one served now comes last).
   */
  public synchronized List<Built> built() {
    return entries.values().stream().map(Entry::built).toList();
  }

  /** The bytes of zips held. */
  public synchronized long bytes() {
    return bytes;
  }

  /** The number of zips held. */
  public synchronized int entries() {
    return entries.size();
  }

  /** The cache key: a digest of module, version and commit (file-name safe, any case). */
  static String key(String module, String version, ObjectId commit) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update((module + "@" + version + "@" + commit.name()).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static long modified(Path p) {
    try {
      return Files.getLastModifiedTime(p).toMillis();
    } catch (IOException e) {
      return 0;
    }
  }
}
