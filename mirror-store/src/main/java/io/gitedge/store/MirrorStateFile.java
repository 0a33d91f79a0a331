package io.gitedge.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * Reads and writes a mirror's {@link MirrorState} as {@code gitedge-state.properties} inside its
 * git directory (git ignores unknown files there); tag conflicts are lines
 * {@code tagConflict.N=<ref> <kept id> <upstream id> <since>} (ref names hold no spaces).
 * Writes go to a temporary file that is renamed
 * over the old one, so a crash leaves the old state or the new one.
 */
final class MirrorStateFile {
  static final String NAME = "gitedge-state.properties";

  private MirrorStateFile() {}

  static Optional<MirrorState> read(Path gitDir) {
    Properties p = new Properties();
    try (InputStream in = Files.newInputStream(gitDir.resolve(NAME))) {
      p.load(in);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
    List<TagConflict> conflicts = new ArrayList<>();
    for (int i = 0; p.getProperty("tagConflict." + i) != null; i++) {
      String[] f = p.getProperty("tagConflict." + i).split(" ");
      Optional<Instant> since = f.length == 4 ? instant(f[3]) : Optional.empty();
      if (since.isPresent()) {
        conflicts.add(new TagConflict(f[0], f[1], f[2], since.get()));
      }
    }
    return Optional.of(new MirrorState(p.getProperty("upstream", ""),
        instant(p.getProperty("lastSuccess")), instant(p.getProperty("lastAttempt")),
        Optional.ofNullable(p.getProperty("lastError")),
        Boolean.parseBoolean(p.getProperty("held")), conflicts,
        Optional.ofNullable(p.getProperty("refsDigest"))));
  }

  static void write(Path gitDir, MirrorState s) throws IOException {
    Properties p = new Properties();
    p.setProperty("upstream", s.upstreamUrl());
    s.lastSuccess().ifPresent(t -> p.setProperty("lastSuccess", t.toString()));
    s.lastAttempt().ifPresent(t -> p.setProperty("lastAttempt", t.toString()));
    s.lastError().ifPresent(e -> p.setProperty("lastError", e));
    s.refsDigest().ifPresent(d -> p.setProperty("refsDigest", d));
    if (s.held()) {
      p.setProperty("held", "true");
    }
    for (int i = 0; i < s.tagConflicts().size(); i++) {
      TagConflict c = s.tagConflicts().get(i);
      p.setProperty("tagConflict." + i, c.ref() + " " + c.keptId() + " " + c.upstreamId() + " "
          + c.since());
    }
    Path tmp = gitDir.resolve(NAME + ".tmp");
    try {
      try (OutputStream out = Files.newOutputStream(tmp)) {
        p.store(out, "GitEdge mirror state; written by the gateway, do not edit");
      }
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ch.force(true);
      }
      try {
        Files.move(tmp, gitDir.resolve(NAME), StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, gitDir.resolve(NAME), StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      // a write cut short (a full disk, or the interrupt of a shutdown closing the channel)
      // must not leave its temporary file, which would count as a leftover of a broken sync
      Files.deleteIfExists(tmp);
      throw e;
    }
  }

  private static Optional<Instant> instant(String s) {
    try {
      return s == null ? Optional.empty() : Optional.of(Instant.parse(s));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
