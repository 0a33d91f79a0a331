package io.gitedge.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.eclipse.jgit.api.Git;

/**
 * Catalogue row F02, the store's half: any repository name a client can send, through
 * {@link MirrorName#parse} and {@link MirrorStore#find} on a real store.
 *
 * <p>Property: a name is rejected with {@link InvalidMirrorNameException} and nothing else, or it
 * is canonical (parsing its value, with or without {@code .git} or a trailing slash, gives it
 * back) and its folder is a normalized path strictly inside the mirror root, ending in
 * {@code .git}, below no other {@code .git} folder, and clear of the store's own {@code .lock}
 * and {@code .incoming}. A mirror {@code find} returns lives, symbolic links resolved, under the
 * root: the fixture root holds {@code example.com/acme/escape.git}, a symbolic link to a real
 * repository outside it, which must never be found.
 *
 * <p>Stored inputs: {@code src/test/resources/io/gitedge/store/MirrorNameFuzzTestInputs/}: the
 * names of catalogue rows H07 and S05 ({@code ..}, {@code a/..}, {@code ./a}, {@code %2e%2e},
 * backslashes, NUL, NFD, {@code .git} variants, absolute paths, 4 KiB names, the link).
 */
class MirrorNameFuzzTest {
  private static final Fixture FIXTURE = new Fixture();

  @FuzzTest(maxDuration = "10m")
  void f02_mirrorName_isUnderTheRootOrRejected(byte[] input) throws IOException {
    String raw = new String(input, StandardCharsets.UTF_8);
    MirrorName name;
    try {
      name = MirrorName.parse(raw);
    } catch (InvalidMirrorNameException e) {
      return;
    } catch (RuntimeException e) {
      fail("F02: parsing a name threw " + e + " instead of InvalidMirrorNameException", e);
      return;
    }
    Path root = FIXTURE.root;
    Path relative = name.relativeDirectory();
    Path dir = root.resolve(relative);
    String shown = "F02: name " + printable(raw) + " -> " + relative + ": ";
    assertFalse(relative.isAbsolute(), shown + "absolute");
    assertEquals(dir.normalize(), dir, shown + "not normalized (. or .. segments)");
    assertTrue(dir.startsWith(root) && !dir.equals(root), shown + "not inside the root");
    assertTrue(relative.getNameCount() >= 2, shown + "no host folder");
    for (int i = 0; i < relative.getNameCount(); i++) {
      String seg = relative.getName(i).toString();
      assertFalse(seg.isEmpty() || seg.equals(".") || seg.equals(".."), shown + "segment " + seg);
      assertFalse(seg.contains("\\") || seg.indexOf(0) >= 0, shown + "segment " + seg);
      assertEquals(i == relative.getNameCount() - 1, seg.endsWith(".git"),
          shown + "only the last folder ends in .git");
    }
    String first = relative.getName(0).toString();
    assertFalse(first.equals(".lock") || first.equals(".incoming"), shown + "the store's own");
    assertEquals(name, parseOrFail(name.value()), shown + "value does not parse back to itself");
    assertEquals(name, parseOrFail(name.value() + ".git"), shown + "value.git is another name");
    assertEquals(name, parseOrFail(name.value() + "/"), shown + "value/ is another name");
    assertEquals(name.value(), name.host() + "/" + name.path(), shown + "host/path");

    Optional<Mirror> found = FIXTURE.store.find(name);
    if (found.isPresent()) {
      Path real = found.get().repository().getDirectory().toPath().toRealPath();
      assertTrue(real.startsWith(FIXTURE.realRoot), shown + "found at " + real
          + ", outside the root " + FIXTURE.realRoot);
    }
  }

  private static MirrorName parseOrFail(String s) {
    try {
      return MirrorName.parse(s);
    } catch (InvalidMirrorNameException e) {
      throw new AssertionError("F02: " + printable(s) + " no longer parses: " + e.getMessage());
    }
  }

  private static String printable(String s) {
    StringBuilder b = new StringBuilder("\"");
    s.codePoints().limit(120).forEach(c -> b.append(c < 0x20 || c > 0x7e
        ? String.format("\\u%04x", c) : Character.toString(c)));
    return b.append(s.length() > 120 ? "...\"" : "\"").toString();
  }

  /**
   * A store with one real mirror ({@code example.com/acme/lib}) and, next to it, a symbolic
   * link {@code example.com/acme/escape.git} to a repository outside the root.
   */
  private static final class Fixture {
    final Path root;
    final Path realRoot;
    final MirrorStore store;

    Fixture() {
      try {
        Path dir = Files.createTempDirectory("gitedge-f02-");
        root = dir.resolve("mirrors");
        Path outside = dir.resolve("outside.git");
        Git.init().setBare(true).setDirectory(outside.toFile()).call().close();
        Path lib = root.resolve("example.com/acme/lib.git");
        Git.init().setBare(true).setDirectory(lib.toFile()).call().close();
        Files.createSymbolicLink(root.resolve("example.com/acme/escape.git"), outside);
        store = MirrorStore.open(StoreConfig.defaults(root));
        realRoot = root.toRealPath();
      } catch (Exception e) {
        throw new IllegalStateException("F02 fixture", e);
      }
    }
  }
}
