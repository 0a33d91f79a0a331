package io.gitedge.store;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.internal.storage.file.FileRepository;
import org.eclipse.jgit.internal.storage.file.GC;
import org.eclipse.jgit.lib.Repository;

/**
 * Keeps mirrors cheap to serve: every fetch adds a pack, and only a pack with a bitmap index lets
 * JGit answer a clone by streaming it nearly verbatim. So the mirror is repacked into one
 * bitmapped pack after the first fetch, once {@code threshold} packs without a bitmap have piled
 * up, and after a large fetch (packs without a bitmap reaching a quarter of the bitmapped pack's
 * size), since objects outside the bitmap are walked one by one for every clone. Auto-gc is off
 * in mirrors; this is the only place gc runs.
 *
 * <p>On a live mirror, replaced packs are kept for JGit's {@code gc.prunePackExpire} (an hour) so
 * clients streaming from them finish; a mirror still in its scratch folder has no readers, so its
 * old packs go at once.
 */
final class Repacker {
  private final int threshold;

  Repacker(int threshold) {
    this.threshold = threshold;
  }

  private record PackFile(long modified, long size, boolean bitmap) {}

  /**
   * Repacks if no pack has a bitmap, or too many or too large packs arrived after the newest
   * bitmapped one. Packs older than that were folded into it by the last repack (syncs and
   * repacks never overlap) and are only waiting out their expiry. Returns whether it repacked.
   */
  boolean maybeRepack(Repository repo) throws IOException {
    List<PackFile> packs = new ArrayList<>();
    try (DirectoryStream<Path> files =
        Files.newDirectoryStream(packDir(repo), "pack-*.pack")) {
      for (Path p : files) {
        String base = p.getFileName().toString().replaceAll("\\.pack$", "");
        packs.add(new PackFile(Files.getLastModifiedTime(p).toMillis(), Files.size(p),
            Files.exists(p.resolveSibling(base + ".bitmap"))));
      }
    }
    PackFile bitmapped = packs.stream().filter(PackFile::bitmap)
        .max(Comparator.comparingLong(PackFile::modified)).orElse(null);
    List<PackFile> newer = packs.stream().filter(p -> !p.bitmap())
        .filter(p -> bitmapped == null || p.modified() > bitmapped.modified()).toList();
    long newerBytes = newer.stream().mapToLong(PackFile::size).sum();
    boolean needed = !newer.isEmpty() && (bitmapped == null || newer.size() >= threshold
        || newerBytes * 4 >= bitmapped.size());
    if (!needed) {
      return false;
    }
    gc(repo, false);
    return true;
  }

  /** Repacks everything into one bitmapped pack; {@code dropOldPacksNow} only without readers. */
  void gc(Repository repo, boolean dropOldPacksNow) throws IOException {
    GC gc = new GC((FileRepository) repo);
    if (dropOldPacksNow) {
      gc.setPackExpire(Instant.now().plusSeconds(1));
      gc.setExpire(Instant.now().plusSeconds(1));
    }
    try {
      gc.gc().join();
    } catch (GitAPIException | java.text.ParseException e) {
      throw new IOException("repack failed: " + e.getMessage(), e);
    }
  }

  private static Path packDir(Repository repo) {
    return repo.getDirectory().toPath().resolve("objects").resolve("pack");
  }
}
