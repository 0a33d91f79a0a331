package io.gitedge.goproxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The go command itself as the judge, when {@code go} and {@code git} are installed (skipped
 * otherwise): {@code go mod download} in direct mode zips a tagged commit of a local git
 * repository with its own x/mod, and its {@code h1:} hashes must be those {@link ModuleZip}
 * gives for the same files; a tree it refuses is refused with the same words. Also checks
 * {@link GoText}'s Unicode answers against Go's {@code unicode} package for every code point.
 *
 * <p>The installed go may predate go 1.24's vendor rules, so the trees here say go 1.21.
 */
class ModuleZipGoCommandTest {
  private static final String MODULE = "example.com/m.git";

  @TempDir Path dir;

  @BeforeAll
  static void needGoAndGit() {
    Assumptions.assumeTrue(runs("go", "version") && runs("git", "--version"),
        "no go or git here");
  }

  @Test
  void directModeZip_hasTheHashesCreateGives() throws Exception {
    Path repo = dir.resolve("repos/m");
    Map<String, String> tree = new HashMap<>();
    tree.put("go.mod", "module example.com/m.git\n\ngo 1.21\n");
    tree.put("m.go", "package m\n");
    tree.put("LICENSE", "license\n");
    tree.put("empty.txt", "");
    tree.put("vendor/modules.txt", "# kept before go 1.24\n");
    tree.put("vendor/a/a.go", "package a\n");
    tree.put("vendor/v.go", "package vendor\n");
    tree.put("pkg/vendor/v.go", "package vendor\n");
    tree.put("sub/go.mod", "module example.com/m.git/sub\n");
    tree.put("sub/s.go", "package sub\n");
    tree.put("c/GO.MOD", "module example.com/m.git/c\n");
    tree.put("c/c.go", "package c\n");
    tree.put("d/go.mod/a.go", "package a\n");
    tree.put(".hg/hgrc", "[ui]\n");
    tree.put(".hg_archival.txt", "repo: 0\n");
    tree.put("e/.hg_archival.txt", "kept\n");
    tree.put("\u00e9t\u00e9/\u00fc ber.txt", "unicode and a space\n");
    writeRepo(repo, tree);
    Files.createSymbolicLink(repo.resolve("link.go"), Path.of("m.go"));
    git(repo, "add", "-A");
    git(repo, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "v1");
    git(repo, "tag", "v1.0.0");

    Map<String, String> download = goModDownload();

    ByteArrayOutputStream zip = new ByteArrayOutputStream();
    String hash = ModuleZip.create(MODULE, "v1.0.0", filesOf(repo), zip);
    assertEquals(download.get("Sum"), hash);
    assertEquals(download.get("GoModSum"),
        ModuleZip.goModHash(tree.get("go.mod").getBytes(StandardCharsets.UTF_8)));
    // Left out: sub/ and c/ (nested modules), vendor/a/ and pkg/vendor/ (vendored before
    // go 1.24), the root .hg_archival.txt and the symbolic link.
    assertEquals(List.of("LICENSE", "empty.txt", "go.mod", "m.go", "d/go.mod/a.go",
        "e/.hg_archival.txt", ".hg/hgrc", "vendor/modules.txt", "vendor/v.go",
        "\u00e9t\u00e9/\u00fc ber.txt").stream().sorted().toList(),
        ModuleZipTest.readZip(zip.toByteArray()).keySet().stream()
            .map(n -> n.substring((MODULE + "@v1.0.0/").length())).sorted().toList());
  }

  @Test
  void directMode_refusesACaseCollision_inCreatesWords() throws Exception {
    Path repo = dir.resolve("repos/m");
    writeRepo(repo, Map.of("go.mod", "module example.com/m.git\n", "a.go", "package a\n",
        "A.go", "package a\n"));
    git(repo, "add", "-A");
    git(repo, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "v1");
    git(repo, "tag", "v1.0.0");

    Result go = goCommand("mod", "download", MODULE + "@v1.0.0");

    String refusal;
    try {
      ModuleZip.create(MODULE, "v1.0.0", filesOf(repo), new ByteArrayOutputStream());
      refusal = "none";
    } catch (GoModuleException.BadModule e) {
      refusal = e.getMessage();
    }
    assertNotEquals(0, go.exit());
    assertTrue(go.out().contains(refusal), go.out() + "\nlacks\n" + refusal);
  }

  @Test
  void unicodeAnswers_areGos_forEveryCodePoint() throws Exception {
    Path program = dir.resolve("unicode/main.go");
    Files.createDirectories(program.getParent());
    Files.writeString(program, """
        package main

        import (
        \t"bufio"
        \t"fmt"
        \t"os"
        \t"strconv"
        \t"unicode"
        )

        func main() {
        \tw := bufio.NewWriter(os.Stdout)
        \tdefer w.Flush()
        \tfor r := rune(0); r <= unicode.MaxRune; r++ {
        \t\tif r >= 0xd800 && r <= 0xdfff {
        \t\t\tcontinue
        \t\t}
        \t\tfold := r
        \t\tfor f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
        \t\t\tif f < fold {
        \t\t\t\tfold = f
        \t\t\t}
        \t\t}
        \t\tq := strconv.Quote(string(r))
        \t\tfmt.Fprintf(w, "%x %x %t %t %t %s\\n", r, fold, unicode.IsPrint(r),
        \t\t\tunicode.IsSpace(r), unicode.IsLetter(r), q[1:len(q)-1])
        \t}
        }
        """);
    Result go = goCommand("run", program.toString());
    assertEquals(0, go.exit(), go.out());
    Map<Integer, Integer> goClassToOurs = new HashMap<>();
    Map<Integer, Integer> ourClassToGos = new HashMap<>();
    int checked = 0;
    for (String line : go.out().split("\n")) {
      String[] f = line.split(" ", 6);
      int r = Integer.parseInt(f[0], 16);
      if (Character.getType(r) == Character.UNASSIGNED && !f[2].equals("false")) {
        // Assigned in a Unicode newer than this JDK's: a known limit of GoText.
        continue;
      }
      int goFold = Integer.parseInt(f[1], 16);
      int ourFold = GoText.foldRune(r);
      String quoted = GoText.quote(new String(Character.toChars(r)));
      // Same orbits: each of Go's folds maps to one of ours and back.
      boolean same = goClassToOurs.computeIfAbsent(goFold, k -> ourFold) == ourFold
          && ourClassToGos.computeIfAbsent(ourFold, k -> goFold) == goFold
          && Boolean.parseBoolean(f[2]) == GoText.isPrint(r)
          && Boolean.parseBoolean(f[3]) == GoText.isSpace(r)
          && Boolean.parseBoolean(f[4]) == GoText.isLetter(r)
          && f[5].equals(quoted.substring(1, quoted.length() - 1));
      if (!same) {
        assertEquals(line, Integer.toHexString(r) + " fold " + Integer.toHexString(ourFold)
            + " " + GoText.isPrint(r) + " " + GoText.isSpace(r) + " " + GoText.isLetter(r)
            + " " + quoted);
      }
      checked++;
    }
    assertTrue(checked > 0x110000 - 0x800 - 10_000, checked + " code points compared");
  }

  // Helpers.

  private static void writeRepo(Path repo, Map<String, String> tree) throws Exception {
    Files.createDirectories(repo);
    git(repo, "init", "-q", "-b", "main", ".");
    for (Map.Entry<String, String> f : tree.entrySet()) {
      Path p = repo.resolve(f.getKey());
      Files.createDirectories(p.getParent());
      Files.writeString(p, f.getValue());
    }
  }

  /** The repository's files at HEAD, in git's order, as a git tree would give them. */
  private static List<ModuleFile> filesOf(Path repo) throws Exception {
    List<ModuleFile> files = new ArrayList<>();
    for (String path : run(repo, "git", "ls-tree", "-r", "-z", "--name-only", "HEAD").out()
        .split("\0")) {
      Path p = repo.resolve(path);
      boolean regular = Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS);
      byte[] data = regular ? Files.readAllBytes(p)
          : Files.readSymbolicLink(p).toString().getBytes(StandardCharsets.UTF_8);
      MemoryFile file = MemoryFile.of(path, data);
      files.add(regular ? file : file.irregular());
    }
    return files;
  }

  /** {@code go mod download -json} of v1.0.0 in direct mode; its JSON's string fields. */
  private Map<String, String> goModDownload() throws Exception {
    Result go = goCommand("mod", "download", "-json", MODULE + "@v1.0.0");
    assertEquals(0, go.exit(), go.out());
    Map<String, String> fields = new HashMap<>();
    Matcher m = Pattern.compile("\"(\\w+)\": \"([^\"]*)\"").matcher(go.out());
    while (m.find()) {
      fields.put(m.group(1), m.group(2));
    }
    return fields;
  }

  /**
   * Runs the go command with its caches in the test directory, fetching {@code example.com/*}
   * from the local repositories (git's {@code insteadOf}) and asking no checksum database.
   */
  private Result goCommand(String... args) throws Exception {
    Path home = Files.createDirectories(dir.resolve("home"));
    Files.writeString(home.resolve(".gitconfig"), "[url \"file://" + dir.resolve("repos")
        + "/\"]\n\tinsteadOf = https://example.com/\n");
    List<String> command = new ArrayList<>(List.of("go"));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile())
        .redirectErrorStream(true);
    Map<String, String> env = pb.environment();
    env.put("HOME", home.toString());
    env.put("GOPATH", dir.resolve("gopath").toString());
    env.put("GOMODCACHE", dir.resolve("modcache").toString());
    env.put("GOCACHE", dir.resolve("gocache").toString());
    env.put("GOPROXY", "direct");
    env.put("GOSUMDB", "off");
    env.put("GOFLAGS", "-modcacherw");
    env.put("GO111MODULE", "on");
    env.put("GOTOOLCHAIN", "local");
    env.put("GIT_CONFIG_NOSYSTEM", "1");
    env.put("GIT_TERMINAL_PROMPT", "0");
    return run(pb);
  }

  private static void git(Path repo, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("git"));
    command.addAll(List.of(args));
    Result r = run(new ProcessBuilder(command).directory(repo.toFile()).redirectErrorStream(true));
    assertEquals(0, r.exit(), r.out());
  }

  private record Result(int exit, String out) {}

  private static Result run(Path in, String... command) throws Exception {
    Result r = run(new ProcessBuilder(command).directory(in.toFile()).redirectErrorStream(true));
    assertEquals(0, r.exit(), r.out());
    return r;
  }

  private static Result run(ProcessBuilder pb) throws Exception {
    Process p = pb.start();
    p.getOutputStream().close();
    byte[] out;
    try (InputStream in = p.getInputStream()) {
      out = in.readAllBytes();
    }
    assertTrue(p.waitFor(5, TimeUnit.MINUTES), "still running: " + pb.command());
    return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }

  private static boolean runs(String... command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }
}
