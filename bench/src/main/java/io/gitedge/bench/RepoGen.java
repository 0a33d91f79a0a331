package io.gitedge.bench;

import io.gitedge.testing.ClientProcess;
import io.gitedge.testing.ProcessResult;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Builds the benchmark's bare repositories with {@code git fast-import}, deterministically (fixed
 * seeds), then gives them what a Git host's copy has: one pack with deltas, a bitmap, a
 * commit-graph and packed refs.
 *
 * <ul>
 *   <li><b>medium</b>: about 250k objects; 2,000 files in 40 folders, each commit changing a few
 *       lines of two or three files (so blobs delta well), 4,500 feature branches (one in ten
 *       with a commit of its own) and an annotated tag every 56 commits: over 5,000 refs.
 *   <li><b>small</b>: a Go module {@code github.com/acme/small} with 300 commits and 16 release
 *       tags {@code v1.0.0} to {@code v1.0.15}, for {@code go mod download} and many clones.
 *   <li><b>ginlike</b>: a Go module {@code github.com/acme/ginlike} shaped like a popular web
 *       framework's repository: 240 Go files in 14 packages (median about 65 lines, a few over a
 *       thousand; about 1 MB in all), an initial import and 1,000 commits each editing a few lines of two or three
 *       files, and 100 annotated release tags ({@code v0.1.0}…, {@code v1.0.0} to
 *       {@code v1.0.15}, {@code v1.1.0}…), for the small-request benchmark
 *       ({@link SmallRequests}).
 * </ul>
 */
final class RepoGen {
  static final String SMALL_MODULE = "github.com/acme/small";
  static final String GINLIKE_MODULE = "github.com/acme/ginlike";

  private final Random random;
  private final OutputStream out;
  private long time = 1_600_000_000L;
  private int marks;

  private RepoGen(long seed, OutputStream out) {
    this.random = new Random(seed);
    this.out = out;
  }

  /** The medium repository at {@code bare}, made unless it is there already. */
  static Path medium(Path bare, Map<String, String> env) throws IOException, InterruptedException {
    return make(bare, env, 42, g -> g.writeMedium(34_000, 40, 50, 4_500, 56));
  }

  /** The small Go module at {@code bare}, made unless it is there already. */
  /** Copies repository {@code from} to {@code to} as hard links where the file system allows. */
  static void linkOrCopy(Path work, Map<String, String> env, Path from, Path to) {
    ProcessResult r = ClientProcess.run(work, env, List.of("cp", "-al", from.toString(),
        to.toString()), null);
    if (r.exitCode() != 0) {
      ClientProcess.run(work, env, List.of("cp", "-a", from.toString(), to.toString()), null)
          .assertOk();
    }
  }

  static Path small(Path bare, Map<String, String> env) throws IOException, InterruptedException {
    return make(bare, env, 7, g -> g.writeSmall(300));
  }

  /** The gin-like Go module at {@code bare}, made unless it is there already. */
  static Path ginLike(Path bare, Map<String, String> env) throws IOException, InterruptedException {
    return make(bare, env, 16, g -> g.writeGinLike(1_001, 10));
  }

  /** Appends {@code n} commits to {@code main} of {@code bare}, each changing a few files. */
  static void appendCommits(Path bare, Map<String, String> env, int n, long seed)
      throws IOException, InterruptedException {
    importInto(bare, env, seed, g -> {
      for (int i = 0; i < n; i++) {
        g.commit("refs/heads/main", i == 0 ? "refs/heads/main^0" : null,
            "change " + seed + "." + i, Map.of("incoming/change-" + seed + "-" + i + ".txt",
                g.lines(20)));
      }
    });
    git(bare, env, "repack", "-d", "-q");
  }

  private interface Body {
    void write(RepoGen g) throws IOException;
  }

  private static Path make(Path bare, Map<String, String> env, long seed, Body body)
      throws IOException, InterruptedException {
    if (Files.exists(bare.resolve("objects/info/commit-graph"))) {
      return bare;
    }
    Path scratch = bare.resolveSibling(bare.getFileName() + ".tmp");
    ClientProcess.run(bare.getParent(), env, List.of("rm", "-rf", scratch.toString()), null)
        .assertOk();
    Files.createDirectories(scratch);
    git(scratch, env, "init", "-q", "--bare", "-b", "main");
    importInto(scratch, env, seed, body);
    git(scratch, env, "repack", "-a", "-d", "-f", "-b", "-q", "--window=10", "--depth=50");
    git(scratch, env, "pack-refs", "--all");
    git(scratch, env, "commit-graph", "write", "--reachable");
    git(scratch, env, "config", "http.receivepack", "false");
    Files.move(scratch, bare);
    return bare;
  }

  private static void importInto(Path bare, Map<String, String> env, long seed, Body body)
      throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder("git", "fast-import", "--quiet", "--done")
        .directory(bare.toFile()).redirectErrorStream(true)
        .redirectOutput(bare.resolve("fast-import.log").toFile());
    pb.environment().clear();
    pb.environment().putAll(env);
    Process p = pb.start();
    try (OutputStream o = new BufferedOutputStream(p.getOutputStream(), 1 << 20)) {
      RepoGen g = new RepoGen(seed, o);
      body.write(g);
      g.raw("done\n");
    }
    if (p.waitFor() != 0) {
      throw new IOException("git fast-import failed: "
          + Files.readString(bare.resolve("fast-import.log")));
    }
    Files.delete(bare.resolve("fast-import.log"));
  }

  private static void git(Path dir, Map<String, String> env, String... args) {
    List<String> cmd = new ArrayList<>(List.of("git"));
    cmd.addAll(List.of(args));
    ClientProcess.run(dir, env, cmd, null).assertOk();
  }

  private void writeMedium(int commits, int dirs, int filesPerDir, int branches, int tagEvery)
      throws IOException {
    List<List<String>> files = new ArrayList<>();
    List<String> paths = new ArrayList<>();
    Map<String, String> first = new java.util.LinkedHashMap<>();
    for (int d = 0; d < dirs; d++) {
      for (int f = 0; f < filesPerDir; f++) {
        String path = "pkg" + d + "/file" + f + ".go";
        List<String> lines = new ArrayList<>(lines(30 + random.nextInt(50)).lines().toList());
        files.add(lines);
        paths.add(path);
        first.put(path, String.join("\n", lines) + "\n");
      }
    }
    int[] mainMarks = new int[commits];
    mainMarks[0] = commit("refs/heads/main", null, "initial import", first);
    int tags = 0;
    for (int c = 1; c < commits; c++) {
      Map<String, String> changes = new java.util.LinkedHashMap<>();
      int n = 2 + random.nextInt(2);
      for (int k = 0; k < n; k++) {
        int i = random.nextInt(files.size());
        List<String> lines = files.get(i);
        int edits = 1 + random.nextInt(3);
        for (int e = 0; e < edits; e++) {
          if (random.nextInt(4) == 0) {
            lines.add(random.nextInt(lines.size() + 1), line());
          } else {
            lines.set(random.nextInt(lines.size()), line());
          }
        }
        changes.put(paths.get(i), String.join("\n", lines) + "\n");
      }
      mainMarks[c] = commit("refs/heads/main", null, "change " + c + ": " + line(), changes);
      if (c % tagEvery == 0) {
        tags++;
        tag("v0." + (tags / 100) + "." + (tags % 100), mainMarks[c]);
      }
    }
    for (int b = 0; b < branches; b++) {
      String ref = String.format("refs/heads/feature/%04d", b);
      int base = mainMarks[commits / 2 + random.nextInt(commits / 2)];
      if (b % 10 == 0) {
        int i = random.nextInt(paths.size());
        List<String> lines = new ArrayList<>(files.get(i));
        lines.set(random.nextInt(lines.size()), line());
        commitFrom(ref, base, "feature " + b, Map.of(paths.get(i), String.join("\n", lines) + "\n"));
      } else {
        raw("reset " + ref + "\nfrom :" + base + "\n\n");
      }
    }
  }

  private void writeSmall(int commits) throws IOException {
    commit("refs/heads/main", null, "initial", Map.of("go.mod", "module " + SMALL_MODULE
        + "\n\ngo 1.19\n", "README.md", "# small\n" + lines(40), "small.go",
        "package small\n\nconst Version = \"v0\"\n"));
    int release = 0;
    for (int c = 1; c < commits; c++) {
      Map<String, String> changes = new java.util.LinkedHashMap<>();
      changes.put("data/part" + (c % 20) + ".txt", lines(60));
      boolean tagged = c % (commits / 16) == 0 && release < 16;
      if (tagged) {
        changes.put("small.go", "package small\n\nconst Version = \"v1.0." + release + "\"\n");
      }
      int mark = commit("refs/heads/main", null, "change " + c, changes);
      if (tagged) {
        tag("v1.0." + release, mark);
        release++;
      }
    }
  }

  private static final String[] PACKAGES = {"", "binding", "render", "internal/bytesconv",
      "internal/json", "internal/fs", "middleware/logger", "middleware/recovery",
      "middleware/cors", "testdata/protoexample", "examples/basic", "examples/upload",
      "ginS", "codec/json"};

  /**
   * 240 Go files (a third of them tests) over {@link #PACKAGES}, plus go.mod, README, CHANGELOG
   * and LICENSE; {@code commits} commits each editing a few lines of two or three files; an
   * annotated tag every {@code tagEvery} commits: 20 {@code v0.x.y}, then {@code v1.0.0} to
   * {@code v1.0.15}, then {@code v1.1.0} onwards, ten patch releases per minor.
   */
  private void writeGinLike(int commits, int tagEvery) throws IOException {
    List<List<String>> files = new ArrayList<>();
    List<String> paths = new ArrayList<>();
    Map<String, String> first = new java.util.LinkedHashMap<>();
    first.put("go.mod", "module " + GINLIKE_MODULE + "\n\ngo 1.19\n");
    first.put("README.md", "# ginlike\n\n" + lines(120));
    first.put("CHANGELOG.md", "# Changelog\n\n" + lines(400));
    first.put("LICENSE", "MIT License\n\n" + lines(18));
    for (int f = 0; f < 240; f++) {
      String dir = PACKAGES[f % PACKAGES.length];
      String pkg = dir.isEmpty() ? "ginlike" : dir.substring(dir.lastIndexOf('/') + 1);
      String path = (dir.isEmpty() ? "" : dir + "/") + "file" + f + (f % 3 == 2 ? "_test" : "")
          + ".go";
      // log-normal line counts, as in real packages: median about 65, a few over a thousand
      int n = (int) Math.min(1_500, 15 + Math.exp(3.9 + 0.9 * random.nextGaussian()));
      List<String> body = new ArrayList<>(List.of("package " + pkg, "", "import (",
          "\t\"fmt\"", "\t\"net/http\"", ")", ""));
      body.addAll(lines(n).lines().toList());
      files.add(body);
      paths.add(path);
      first.put(path, String.join("\n", body) + "\n");
    }
    int tags = 0;
    commit("refs/heads/main", null, "initial import", first);
    for (int c = 1; c < commits; c++) {
      Map<String, String> changes = new java.util.LinkedHashMap<>();
      int n = 2 + random.nextInt(2);
      for (int k = 0; k < n; k++) {
        int i = random.nextInt(files.size());
        List<String> body = files.get(i);
        for (int e = 1 + random.nextInt(4); e > 0; e--) {
          int at = 7 + random.nextInt(body.size() - 6);
          if (random.nextInt(3) == 0 || at >= body.size()) {
            body.add(at, line());
          } else {
            body.set(at, line());
          }
        }
        changes.put(paths.get(i), String.join("\n", body) + "\n");
      }
      int mark = commit("refs/heads/main", null, "change " + c + ": " + line().trim(), changes);
      if (c % tagEvery == 0) {
        int t = tags++;
        tag(t < 20 ? "v0." + (1 + t / 10) + "." + (t % 10)
            : t < 36 ? "v1.0." + (t - 20)
            : "v1." + (1 + (t - 36) / 10) + "." + ((t - 36) % 10), mark);
      }
    }
  }

  private int commit(String ref, String from, String message, Map<String, String> files)
      throws IOException {
    return commitFrom(ref, from == null ? -1 : 0, from, message, files);
  }

  private int commitFrom(String ref, int fromMark, String message, Map<String, String> files)
      throws IOException {
    return commitFrom(ref, fromMark, null, message, files);
  }

  private int commitFrom(String ref, int fromMark, String fromRef, String message,
      Map<String, String> files) throws IOException {
    int mark = ++marks;
    time += 600;
    StringBuilder s = new StringBuilder();
    s.append("commit ").append(ref).append("\nmark :").append(mark).append('\n')
        .append("author Dev ").append(mark % 37).append(" <dev").append(mark % 37)
        .append("@example.com> ").append(time).append(" +0000\n")
        .append("committer Dev ").append(mark % 37).append(" <dev").append(mark % 37)
        .append("@example.com> ").append(time).append(" +0000\n");
    raw(s.toString());
    data(message + "\n");
    if (fromRef != null) {
      raw("from " + fromRef + "\n");
    } else if (fromMark > 0) {
      raw("from :" + fromMark + "\n");
    }
    for (Map.Entry<String, String> f : files.entrySet()) {
      raw("M 100644 inline " + f.getKey() + "\n");
      data(f.getValue());
    }
    raw("\n");
    return mark;
  }

  private void tag(String name, int mark) throws IOException {
    raw("tag " + name + "\nfrom :" + mark + "\ntagger Release Bot <release@example.com> " + time
        + " +0000\n");
    data("Release " + name + "\n");
  }

  private void data(String text) throws IOException {
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    raw("data " + b.length + "\n");
    out.write(b);
    raw("\n");
  }

  private void raw(String s) throws IOException {
    out.write(s.getBytes(StandardCharsets.UTF_8));
  }

  private String lines(int n) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < n; i++) {
      s.append(line()).append('\n');
    }
    return s.toString();
  }

  private static final String[] WORDS = ("func return if else for range var const type struct "
      + "interface map chan go defer select case switch err nil ctx value index buffer reader "
      + "writer client server request response config cache mirror fetch clone pack ref tag "
      + "commit tree blob delta window stream").split(" ");

  private String line() {
    StringBuilder s = new StringBuilder("\t");
    int n = 4 + random.nextInt(8);
    for (int i = 0; i < n; i++) {
      s.append(WORDS[random.nextInt(WORDS.length)]).append(i % 3 == 2 ? "(" : " ");
      if (random.nextInt(6) == 0) {
        s.append(random.nextInt(100_000));
      }
    }
    return s.toString();
  }
}
