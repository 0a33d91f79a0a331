package io.gitedge.store;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.internal.storage.file.FileRepository;
import org.eclipse.jgit.internal.storage.file.GC;
import org.eclipse.jgit.lib.Repository;

/**
 * Keeps mirrors cheap to serve: every fetch adds a pack, and only a pack with a bitmap index lets
 * JGit answer a clone by streaming it nearly verbatim. So after the first fetch, and once
 * {@code threshold} packs without a bitmap have piled up, the mirror is repacked into one
 * bitmapped pack. Auto-gc is off in mirrors; this is the only place gc runs.
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

  /** Repacks if no pack has a bitmap or too many lack one. Returns whether it repacked. */
  boolean maybeRepack(Repository repo) throws IOException {
    int withBitmap = 0;
    int without = 0;
    try (DirectoryStream<Path> packs =
        Files.newDirectoryStream(packDir(repo), "pack-*.pack")) {
      for (Path p : packs) {
        String base = p.getFileName().toString().replaceAll("\\.pack$", "");
        if (Files.exists(p.resolveSibling(base + ".bitmap"))) {
          withBitmap++;
        } else {
          without++;
        }
      }
    }
    if (without == 0 || (withBitmap > 0 && without < threshold)) {
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
