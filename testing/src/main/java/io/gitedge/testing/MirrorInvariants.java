package io.gitedge.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What must hold of a gateway's mirrors whenever it has stopped, whatever a test did to it: every
 * mirror passes {@code git fsck} (the real git's, with its strict object checks but for zero-padded
 * file modes, which mirrors take as git's fetch does), and nothing a
 * sync writes while it runs is left behind: no lock file, no temporary or {@code .keep} pack, no
 * half-written state file, no mirror half-made in {@code .incoming}. Run after every integration
 * test by the harnesses that start gateways ({@code GatewayHarness.close()}).
 */
public final class MirrorInvariants {
  private MirrorInvariants() {}

  /**
   * Checks every bare mirror under {@code mirrorsRoot} ({@code <dataDir>/mirrors}).
   *
   * @throws AssertionError naming every mirror that fails and every file left behind
   */
  public static void check(Path mirrorsRoot) {
    if (!Files.isDirectory(mirrorsRoot)) {
      return;
    }
    List<String> problems = new ArrayList<>();
    problems.addAll(leftovers(mirrorsRoot));
    for (Path mirror : mirrors(mirrorsRoot)) {
      Map<String, String> env = ClientProcess.baseEnvironment();
      env.put("GIT_CONFIG_NOSYSTEM", "1");
      env.put("GIT_CONFIG_GLOBAL", "/dev/null");
      ProcessResult fsck = ClientProcess.run(mirror, env, List.of("git", "--git-dir", mirror.toString(),
          // a zero-padded file mode is let in, as git's own fetch does (old histories have them)
          "-c", "fsck.zeroPaddedFilemode=ignore", "fsck", "--strict", "--no-dangling",
              "--no-progress"), null);
      if (fsck.exitCode() != 0) {
        problems.add("git fsck of " + mirrorsRoot.relativize(mirror) + " failed:\n"
            + fsck.describe());
      }
    }
    if (!problems.isEmpty()) {
      throw new AssertionError("mirrors left in a bad state:\n" + String.join("\n", problems));
    }
  }

  /** The bare repositories under {@code root}, {@code .incoming} aside. */
  static List<Path> mirrors(Path root) {
    try (Stream<Path> all = Files.walk(root)) {
      return all.filter(p -> p.getFileName().toString().endsWith(".git")
              && Files.isRegularFile(p.resolve("HEAD"))
              && !root.relativize(p).startsWith(".incoming"))
          .sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Files a sync writes only while it runs, and half-made mirrors. */
  static List<String> leftovers(Path root) {
    try (Stream<Path> all = Files.walk(root)) {
      List<String> found = new ArrayList<>(all.filter(Files::isRegularFile)
          .filter(p -> !p.getParent().equals(root) || !p.getFileName().toString().equals(".lock"))
          .filter(p -> {
            String n = p.getFileName().toString();
            return n.endsWith(".lock") || n.startsWith("incoming_") || n.endsWith(".keep")
                || n.endsWith(".tmp") || n.endsWith("_tmp");
          })
          .map(p -> "left behind: " + root.relativize(p))
          .toList());
      Path incoming = root.resolve(".incoming");
      if (Files.isDirectory(incoming)) {
        try (Stream<Path> half = Files.list(incoming)) {
          half.forEach(p -> found.add("half-made mirror: " + root.relativize(p)));
        }
      }
      return found;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
