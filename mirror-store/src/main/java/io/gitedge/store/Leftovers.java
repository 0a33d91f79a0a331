package io.gitedge.store;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What a killed process or an interrupted sync leaves behind, and how it goes. */
final class Leftovers {
  private static final Logger log = LoggerFactory.getLogger(Leftovers.class);

  private Leftovers() {}

  /**
   * Removes what a killed process or an interrupted sync left inside the mirrors under
   * {@code under}: lock files (a stale {@code packed-refs.lock} would fail every later sync),
   * JGit's temporary {@code incoming_*} packs (in {@code objects/} and {@code objects/pack/}) and
   * pack {@code .keep} files, and half-written
   * state files. Only this store writes under {@code root}, holding the root's lock, and each
   * mirror has one writer, so these are stale whenever no sync of theirs runs.
   */
  static void remove(Path root, Path under) throws IOException {
    Files.walkFileTree(under, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes a) {
        Path name = dir.getFileName();
        // loose objects are numerous and never leftovers; packs are looked at below
        return name != null && name.toString().length() == 2 && dir.getParent() != null
            && dir.getParent().getFileName().toString().equals("objects")
            ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes a) throws IOException {
        String n = file.getFileName().toString();
        String parent = file.getParent().getFileName().toString();
        boolean inPacks = parent.equals("pack");
        // JGit receives a pack as objects/incoming_*.pack (+ .idx) and keeps it with a .keep
        // while it moves into objects/pack
        boolean inObjects = inPacks || parent.equals("objects");
        boolean stale = (n.endsWith(".lock") && !file.getParent().equals(root))
            || n.endsWith(MirrorStateFile.NAME + ".tmp")
            || (inObjects && n.startsWith("incoming_"))
            || (inPacks && n.endsWith(".keep"));
        if (stale) {
          log.warn("removing {}, left behind by an interrupted sync", file);
          Files.delete(file);
        }
        return FileVisitResult.CONTINUE;
      }
    });
  }

  static void deleteRecursively(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    Files.walkFileTree(p, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes a) throws IOException {
        Files.delete(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
        Files.delete(dir);
        return FileVisitResult.CONTINUE;
      }
    });
  }
}
