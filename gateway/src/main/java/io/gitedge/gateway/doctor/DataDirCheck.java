package io.gitedge.gateway.doctor;

import io.gitedge.gateway.config.GatewayConfig;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The data folder: there (or creatable), a folder, writable by this user (tried with a file,
 * which is the only honest test: root passes any mode check), owned by this user, not
 * world-writable, with free space, and its mirrors readable.
 *
 * <p>Free space: under {@link #MIN_FREE_BYTES} fails (a sync or the pack cache would soon fill
 * the disk), under {@link #MIN_FREE_SHARE} of the volume warns.
 */
final class DataDirCheck {
  /** Less free space than this fails. */
  static final long MIN_FREE_BYTES = 1L << 30;
  /** Less free space than this share of the volume warns. */
  static final double MIN_FREE_SHARE = 0.05;
  private static final String SUBJECT = "data folder";

  private final GatewayConfig config;
  private final Places places;

  private DataDirCheck(GatewayConfig config) {
    this.config = config;
    this.places = new Places(config.origin());
  }

  static List<Outcome> check(GatewayConfig config) {
    return new DataDirCheck(config).run();
  }

  private List<Outcome> run() {
    Path dir = config.dataDir();
    String subject = SUBJECT + " " + dir;
    List<Outcome> out = new ArrayList<>();
    if (Files.exists(dir) && !Files.isDirectory(dir)) {
      out.add(Outcome.fail(subject, "is not a folder (a file is there): point "
          + places.at("dataDir") + " at a folder, or move the file away"));
      return out;
    }
    if (!Files.exists(dir)) {
      Path parent = existingAncestor(dir);
      if (parent == null || !Files.isDirectory(parent)) {
        out.add(Outcome.fail(subject, "does not exist and cannot be created: " + parent
            + " is not a folder; fix " + places.at("dataDir")));
        return out;
      }
      Outcome writable = writable(parent, subject, "does not exist yet; the gateway creates it in "
          + parent + ", which is writable");
      out.add(writable);
      if (writable.status() == Outcome.Status.OK) {
        out.add(freeSpace(parent));
      }
      return out;
    }
    out.add(writable(dir, subject, "a folder this user (" + user() + ") can write to"));
    out.add(owner(dir, subject));
    for (Path d : List.of(dir, config.mirrorsDir(), config.keysDir())) {
      if (Files.isDirectory(d) && worldWritable(d)) {
        out.add(Outcome.fail("folder " + d, "is world-writable (" + mode(d) + "): any local user"
            + " could replace mirrors or keys; chmod o-w " + d));
      }
    }
    out.add(freeSpace(dir));
    out.add(mirrors());
    return out;
  }

  private static Path existingAncestor(Path dir) {
    Path p = dir.toAbsolutePath().getParent();
    while (p != null && !Files.exists(p)) {
      p = p.getParent();
    }
    return p;
  }

  /** Creates and removes a file in {@code dir}: the write the gateway will make. */
  private Outcome writable(Path dir, String subject, String okDetail) {
    try {
      Path probe = Files.createTempFile(dir, ".gitedge-doctor-", ".tmp");
      Files.delete(probe);
      return Outcome.ok(subject, okDetail);
    } catch (IOException e) {
      return Outcome.fail(subject, "this user (" + user() + ") cannot write in " + dir + " ("
          + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": "
          + e.getMessage()) + "): give the gateway's user the folder (chown), or point "
          + places.at("dataDir") + " elsewhere");
    }
  }

  private Outcome owner(Path dir, String subject) {
    try {
      String owner = Files.getOwner(dir).getName();
      if (!owner.equals(user())) {
        return Outcome.warn(subject, "owned by " + owner + ", not by this user (" + user()
            + "): run doctor as the user the gateway runs as, or chown the folder to it");
      }
      return Outcome.ok(subject, "owned by " + owner + ", mode " + mode(dir));
    } catch (IOException | UnsupportedOperationException e) {
      return Outcome.warn(subject, "cannot tell its owner: " + e.getMessage());
    }
  }

  private Outcome freeSpace(Path dir) {
    String subject = "free space for " + dir;
    try {
      FileStore store = Files.getFileStore(dir);
      long free = store.getUsableSpace();
      long total = store.getTotalSpace();
      String amount = gib(free) + " free of " + gib(total);
      if (free < MIN_FREE_BYTES) {
        return Outcome.fail(subject, amount + ": under 1 GiB, syncs and the pack cache will fail;"
            + " free space or move " + places.at("dataDir"));
      }
      if (total > 0 && free < total * MIN_FREE_SHARE) {
        return Outcome.warn(subject, amount + ": under 5 % of the volume; mirrors grow with"
            + " their upstreams");
      }
      return Outcome.ok(subject, amount);
    } catch (IOException e) {
      return Outcome.warn(subject, "cannot tell: " + e.getMessage());
    }
  }

  /** Every mirror folder ({@code *.git} under mirrors/) readable: served as it stands. */
  private Outcome mirrors() {
    Path root = config.mirrorsDir();
    String subject = "mirrors in " + root;
    if (!Files.isDirectory(root)) {
      return Outcome.ok(subject, "none yet (the gateway makes them at its first syncs)");
    }
    List<Path> found = new ArrayList<>();
    List<Path> unreadable = new ArrayList<>();
    try {
      Files.walkFileTree(root, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
          if (!Files.isReadable(d) || !Files.isExecutable(d)) {
            unreadable.add(d);
            return FileVisitResult.SKIP_SUBTREE;
          }
          if (d.getFileName().toString().endsWith(".git")
              && Files.isDirectory(d.resolve("objects"), LinkOption.NOFOLLOW_LINKS)) {
            found.add(d);
            if (!Files.isReadable(d.resolve("objects")) || !Files.isReadable(d.resolve("refs"))) {
              unreadable.add(d);
            }
            return FileVisitResult.SKIP_SUBTREE;
          }
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path f, IOException e) {
          unreadable.add(f);
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      return Outcome.fail(subject, "cannot be read: " + e.getMessage());
    }
    if (!unreadable.isEmpty()) {
      return Outcome.fail(subject, unreadable.size() + " not readable by this user (" + user()
          + "), e.g. " + unreadable.get(0) + ": chown -R the mirrors to the gateway's user");
    }
    return Outcome.ok(subject, found.size() + " mirror folder" + (found.size() == 1 ? "" : "s")
        + " readable");
  }

  private static boolean worldWritable(Path d) {
    try {
      return Files.getPosixFilePermissions(d).contains(PosixFilePermission.OTHERS_WRITE);
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }

  static String mode(Path p) {
    try {
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p);
      int m = 0;
      for (PosixFilePermission x : perms) {
        m |= 1 << (8 - x.ordinal());
      }
      return String.format("%04o %s", m, PosixFilePermissions.toString(perms));
    } catch (IOException | UnsupportedOperationException e) {
      return "mode unknown";
    }
  }

  private static String gib(long bytes) {
    return String.format("%.1f GiB", bytes / (double) (1L << 30));
  }

  static String user() {
    return System.getProperty("user.name");
  }
}
