package io.gitedge.gateway.packcache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.gitedge.store.MirrorName;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The disk tier of {@link PackCache}: one {@link PackFile} per entry under
 * {@code <dataDir>/pack-cache}, indexed by a Caffeine cache weighed by file size (in KiB, so a
 * single weight fits an {@code int}) whose removal listener deletes the file. Files are written
 * in {@code tmp/} and moved into place atomically, so a file under its final name is always
 * whole; {@code tmp/} is emptied at start, and the files already in place are indexed again (the
 * refs digest in every key makes files from before a sync unreachable, and size eviction removes
 * them in time).
 *
 * <p>A disk that fails (full, read-only, permissions) never fails a client's request: the
 * operation is dropped, the first such failure is logged at warn and the next ones at debug
 * until a write succeeds again. Every file name is unique, so deleting an evicted or replaced
 * entry can never remove a newer file with the same key. Thread-safe.
 */
final class DiskTier {
  private static final Logger log = LoggerFactory.getLogger(DiskTier.class);

  private final Path root;
  private final Path tmp;
  private final Cache<PackKey, Entry> entries;
  private final AtomicBoolean warned = new AtomicBoolean();

  /** An entry: its file and layout; {@code verified} once its checksum has been seen to hold. */
  private static final class Entry {
    final Path file;
    final PackFile.Layout layout;
    volatile boolean verified;

    Entry(Path file, PackFile.Layout layout, boolean verified) {
      this.file = file;
      this.layout = layout;
      this.verified = verified;
    }

    long size() {
      return layout.headerLength() + layout.bodyLength() + PackFile.TRAILER;
    }
  }

  private DiskTier(Path root, long maxBytes, Executor executor) {
    this.root = root;
    this.tmp = root.resolve("tmp");
    this.entries = Caffeine.newBuilder()
        .executor(executor)
        .maximumWeight(Math.max(1, maxBytes >> 10))
        .<PackKey, Entry>weigher((k, e) -> (int) Math.min(Integer.MAX_VALUE,
            (e.size() + 1023) >> 10))
        .removalListener((k, e, cause) -> {
          if (e != null) {
            delete(e.file);
          }
        })
        .build();
  }

  /**
   * Opens the tier in {@code root}, creating it if needed, removing leftover temporary files
   * and indexing the entries already there.
   *
   * @throws IOException if the folders cannot be made: the gateway should not start
   */
  static DiskTier open(Path root, long maxBytes, Executor executor) throws IOException {
    DiskTier t = new DiskTier(root, maxBytes, executor);
    Files.createDirectories(t.tmp);
    try (Stream<Path> leftovers = Files.list(t.tmp)) {
      leftovers.forEach(DiskTier::delete);
    }
    t.index();
    return t;
  }

  private void index() throws IOException {
    List<Path> files;
    try (Stream<Path> all = Files.walk(root)) {
      files = all.filter(p -> p.getFileName().toString().endsWith(PackFile.SUFFIX)
          && !p.startsWith(tmp) && Files.isRegularFile(p)).toList();
    } catch (UncheckedIOException e) {
      // an unreadable folder: start with what can be read rather than not at all
      failed("index " + root, e.getCause());
      return;
    }
    int kept = 0;
    for (Path f : files) {
      Optional<PackKey> key = PackFile.keyOf(root, f);
      Optional<PackFile.Layout> layout = Optional.empty();
      try {
        layout = key.isPresent() ? PackFile.check(f, key.get()) : Optional.empty();
      } catch (IOException e) {
        log.debug("cannot read {}", f, e);
      }
      if (layout.isEmpty()) {
        log.warn("pack cache: removing {}: not a whole cache file", f);
        delete(f);
        continue;
      }
      Entry old = entries.asMap().putIfAbsent(key.get(), new Entry(f, layout.get(), false));
      if (old != null) {
        delete(f); // two files for one key (a crash between move and eviction): keep one
      } else {
        kept++;
      }
    }
    entries.cleanUp();
    log.info("pack cache: {} entries on disk, {} bytes", kept, bytes());
  }

  /** The entry under {@code key}, opened, its checksum verified if this is its first use. */
  Optional<CachedPack> open(PackKey key) {
    Entry e = entries.getIfPresent(key);
    if (e == null) {
      return Optional.empty();
    }
    FileChannel ch = null;
    try {
      ch = FileChannel.open(e.file, StandardOpenOption.READ);
      if (!e.verified) {
        if (!PackFile.verify(ch, e.layout)) {
          log.warn("pack cache: {} does not match its checksum; removing it", e.file);
          ch.close();
          entries.asMap().remove(key, e);
          return Optional.empty();
        }
        e.verified = true;
      }
      return Optional.of(CachedPack.onDisk(ch, e.layout.headerLength(), e.layout.bodyLength()));
    } catch (NoSuchFileException gone) {
      entries.asMap().remove(key, e); // evicted between lookup and open, or removed by hand
      return Optional.empty();
    } catch (IOException ex) {
      failed("read " + e.file, ex);
      closeQuietly(ch);
      return Optional.empty();
    }
  }

  /** A new file to write an entry for {@code key} into, in {@code tmp/}. */
  PackFile.Writer create(PackKey key) throws IOException {
    return new PackFile.Writer(tmp.resolve(UUID.randomUUID() + ".tmp"), key);
  }

  /**
   * Moves a finished file into place and indexes it; on failure the file is deleted. Returns
   * whether the entry was stored.
   */
  boolean commit(PackKey key, Path file, PackFile.Layout layout) {
    Path target = PackFile.path(root, key, unique());
    try {
      Files.createDirectories(target.getParent());
      Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
      entries.put(key, new Entry(target, layout, true));
      warned.set(false);
      return true;
    } catch (IOException e) {
      failed("store a response in " + target.getParent(), e);
      delete(file);
      return false;
    }
  }

  /** Writes {@code body} as the entry of {@code key}; a memory entry spilled to disk. */
  void store(PackKey key, byte[] body) {
    PackFile.Writer w = null;
    try {
      w = create(key);
      w.write(body, 0, body.length);
      PackFile.Layout layout = w.finish(key);
      commit(key, w.file(), layout);
    } catch (IOException e) {
      failed("spill a response to " + tmp, e);
      if (w != null) {
        w.close();
        delete(w.file());
      }
    }
  }

  /** Removes every entry of {@code mirror}, and so its files. */
  void invalidate(MirrorName mirror) {
    entries.asMap().keySet().removeIf(k -> k.mirror().equals(mirror));
  }

  /** Bytes of all indexed files. */
  long bytes() {
    return entries.asMap().values().stream().mapToLong(Entry::size).sum();
  }

  long count() {
    return entries.estimatedSize();
  }

  /** Runs pending evictions (and so deletions) now; for shutdown and tests. */
  void cleanUp() {
    entries.cleanUp();
  }

  /** A disk problem: dropped, and told once. */
  void failed(String what, Exception e) {
    if (warned.compareAndSet(false, true)) {
      log.warn("pack cache: cannot {}; serving without the disk tier until a write succeeds: {}",
          what, e.toString());
    } else {
      log.debug("pack cache: cannot {}", what, e);
    }
  }

  static void delete(Path f) {
    try {
      Files.deleteIfExists(f);
    } catch (IOException e) {
      log.debug("cannot delete {}", f, e);
    }
  }

  private static void closeQuietly(FileChannel ch) {
    if (ch != null) {
      try {
        ch.close();
      } catch (IOException e) {
        // read-only; nothing lost
      }
    }
  }

  private static String unique() {
    return HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
  }
}
