package io.gitedge.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Assumptions;

/**
 * Release trees of real public Go modules, taken from Debian's source archive: a package's
 * {@code .orig.tar.gz} is the upstream release tree as its authors tagged it. Tests that must
 * agree with hashes published for real modules (the {@code go.sum} lines the world has) seed
 * their upstream from these, because third-party code may not be committed into this
 * repository.
 *
 * <p>Debian's archive is served over plain HTTP (its integrity comes from signed indexes, which
 * this does not read), so each tarball's SHA-256 is pinned here and a download that does not
 * match is refused. Verified tarballs are kept in a cache folder reused across runs: {@code
 * $GITEDGE_TEST_CACHE/debian}, or {@code ~/.cache/gitedge-test/debian} without that variable;
 * each is written whole or not at all (a temporary file moved into place).
 *
 * <p>When the archive cannot be reached, a test using this is skipped with the reason, except
 * in CI ({@code CI=true}), where the archive is reachable and a skip would hide a test that did
 * not run: there it fails with the reason. A tarball the archive no longer has (404) or one that
 * does not match its pin always fails: the fixture needs another version.
 */
public final class DebianSources {
  /** Where Debian's pool is; {@code http}, as Debian serves it (see the class comment). */
  static final String ARCHIVE = "http://deb.debian.org/debian/pool/main/";

  private static final HttpClient HTTP = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(15))
      .followRedirects(HttpClient.Redirect.NORMAL)
      .build();

  /**
   * An upstream tarball of Debian's archive ({@code <package>_<version>.orig.tar.gz}), pinned
   * by the SHA-256 it had when this fixture was written.
   */
  public record Tarball(String sourcePackage, String version, String sha256) {
    /** The tarball's file name in the archive. */
    public String fileName() {
      return sourcePackage + "_" + version + ".orig.tar.gz";
    }

    /** Where the archive has it: the pool folder is the first letter ({@code lib*}: four). */
    public URI uri() {
      String pool = sourcePackage.startsWith("lib") ? sourcePackage.substring(0, 4)
          : sourcePackage.substring(0, 1);
      return URI.create(ARCHIVE + pool + "/" + sourcePackage + "/" + fileName());
    }

    @Override
    public String toString() {
      return fileName();
    }
  }

  /** {@code github.com/pkg/errors} v0.9.1 (no go.mod). */
  public static final Tarball PKG_ERRORS_0_9_1 = new Tarball("golang-github-pkg-errors",
      "0.9.1", "56bfd893023daa498508bfe161de1be83299fcf15376035e7df79cbd7d6fa608");
  /** {@code github.com/google/uuid} v1.2.0. */
  public static final Tarball GOOGLE_UUID_1_2_0 = new Tarball("golang-github-google-uuid",
      "1.2.0", "53ba896ce398435b3ba4f9375f5d4908b09c79daaa54ecd4e5000b7bef984380");
  /** {@code github.com/google/uuid} v1.3.0. */
  public static final Tarball GOOGLE_UUID_1_3_0 = new Tarball("golang-github-google-uuid",
      "1.3.0", "7f7f37c47980e0afcc178a9ffc390bec29ed2371919b4c07658eb01791a7f921");
  /** {@code github.com/google/uuid} v1.6.0. */
  public static final Tarball GOOGLE_UUID_1_6_0 = new Tarball("golang-github-google-uuid",
      "1.6.0", "ee63376b5675376c60e055ed66e5f3651ccc703bd580c022b8ad00cea309252d");
  /**
   * {@code github.com/cespare/xxhash/v2} v2.3.0: go.mod at the root names {@code /v2}, and the
   * tree holds a nested module ({@code xxhashbench/}) that is no part of the module's zip.
   */
  public static final Tarball CESPARE_XXHASH_2_3_0 = new Tarball(
      "golang-github-cespare-xxhash", "2.3.0",
      "0e3dda07b03a5f3733506218860ecb2d50c0f01f16299b5d60902ef5158cbde5");
  /** {@code github.com/dgrijalva/jwt-go} v3.2.0, without go.mod: {@code v3.2.0+incompatible}. */
  public static final Tarball DGRIJALVA_JWT_GO_3_2_0 = new Tarball(
      "golang-github-dgrijalva-jwt-go", "3.2.0",
      "197465ef53219f3aeb1a6940b70e16d288fe4e4108d4831b91ea101118440e63");

  private DebianSources() {}

  /**
   * The cache folder: {@code $GITEDGE_TEST_CACHE/debian}, or {@code ~/.cache/gitedge-test/debian}
   * without that variable.
   */
  public static Path cacheDir() {
    String root = System.getenv("GITEDGE_TEST_CACHE");
    Path base = root != null && !root.isBlank() ? Path.of(root)
        : Path.of(System.getProperty("user.home"), ".cache", "gitedge-test");
    return base.resolve("debian");
  }

  /**
   * The tarball on local disk, verified against its pin: from the cache, else downloaded into
   * it. A cached file that no longer matches (damaged) is downloaded again.
   *
   * @throws org.opentest4j.TestAbortedException outside CI, when the archive is out of reach
   * @throws IllegalStateException when the download does not match the pin, when the archive
   *     does not have the tarball, or (in CI) when the archive is out of reach
   */
  public static Path fetch(Tarball tarball) {
    try {
      Path dir = Files.createDirectories(cacheDir());
      Path cached = dir.resolve(tarball.fileName());
      if (Files.isRegularFile(cached)) {
        if (sha256(cached).equals(tarball.sha256())) {
          return cached;
        }
        Files.delete(cached);
      }
      Path part = Files.createTempFile(dir, tarball.fileName() + ".", ".part");
      try {
        download(tarball, part);
        String got = sha256(part);
        if (!got.equals(tarball.sha256())) {
          throw new IllegalStateException(tarball.uri() + " has SHA-256 " + got + ", not the "
              + tarball.sha256() + " pinned for it: refused (the archive is plain HTTP; an"
              + " altered file must not become a fixture)");
        }
        Files.move(part, cached, StandardCopyOption.ATOMIC_MOVE,
            StandardCopyOption.REPLACE_EXISTING);
        return cached;
      } finally {
        Files.deleteIfExists(part);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot keep " + tarball + " in " + cacheDir(), e);
    }
  }

  /**
   * Unpacks {@code tarball} (fetched as {@link #fetch} does) into {@code into}, a new or empty
   * folder, with the real {@code tar}, leaving out the tarball's top folder
   * ({@code uuid-1.3.0/}): {@code into} becomes the release tree.
   *
   * @throws IllegalStateException when the tarball is not one top folder holding everything
   */
  public static Path unpack(Tarball tarball, Path into) {
    Path file = fetch(tarball);
    try {
      Files.createDirectories(into);
      try (var entries = Files.list(into)) {
        if (entries.findAny().isPresent()) {
          throw new IllegalArgumentException(into + " is not empty");
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Set<String> tops = new TreeSet<>();
    for (String entry : tar(into, "-tzf", file.toString()).stdout().split("\n")) {
      if (!entry.isEmpty()) {
        tops.add(entry.contains("/") ? entry.substring(0, entry.indexOf('/')) + "/" : entry);
      }
    }
    if (tops.size() != 1 || !tops.iterator().next().endsWith("/")) {
      throw new IllegalStateException(tarball + " is not one top folder holding the tree: "
          + tops);
    }
    tar(into, "-xzf", file.toString(), "-C", into.toString(), "--strip-components=1",
        "--no-same-owner");
    return into;
  }

  /**
   * Makes {@code tarball}'s tree the next commit of branch {@code master} of {@code repo} in
   * {@code upstream} (the whole tree: files of the previous version that this one lacks are
   * gone) and tags it {@code tag} (lightweight), as a project's history of releases would. A
   * repository that does not exist yet is created, its HEAD naming {@code master}.
   *
   * @return the commit
   */
  public static String commitAsTag(TestUpstream upstream, String repo, Tarball tarball,
      String tag) {
    if (!Files.isDirectory(upstream.bare(repo))) {
      upstream.createRepo(repo);
      upstream.git(repo, "symbolic-ref", "HEAD", "refs/heads/master").assertOk();
    }
    Path tree;
    try {
      tree = Files.createTempDirectory("gitedge-debian-tree");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      unpack(tarball, tree);
      String commit = upstream.commitTree(repo, "master", tree,
          tag + " (Debian's " + tarball.fileName() + ")");
      upstream.tag(repo, tag, commit, false);
      return commit;
    } finally {
      deleteTree(tree);
    }
  }

  private static void download(Tarball tarball, Path to) throws IOException {
    HttpRequest request = HttpRequest.newBuilder(tarball.uri())
        .timeout(Duration.ofMinutes(2)).GET().build();
    HttpResponse<Path> response;
    try {
      response = HTTP.send(request, HttpResponse.BodyHandlers.ofFile(to));
    } catch (IOException e) {
      throw unreachable(tarball.uri() + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while downloading " + tarball.uri(), e);
    }
    int status = response.statusCode();
    if (status >= 500 || status == 429) {
      throw unreachable(tarball.uri() + " answered " + status, null);
    }
    if (status != 200) {
      throw new IllegalStateException(tarball.uri() + " answered " + status + ": the archive"
          + " does not have this tarball (any more?); the fixture needs a version it has");
    }
  }

  /**
   * Outside CI: aborts the test (a skip, with the reason). In CI: an error to throw, since CI
   * reaches the archive and a test that silently did not run there would pass for nothing.
   */
  private static IllegalStateException unreachable(String reason, Throwable cause) {
    String message = "Debian's archive is out of reach: " + reason;
    if (Requires.ci()) {
      return new IllegalStateException(message + " (CI=true: CI reaches the archive, so this"
          + " fails rather than skipping)", cause);
    }
    return Assumptions.abort(message + "; skipped (outside CI)");
  }


  private static ProcessResult tar(Path dir, String... args) {
    return ClientProcess.run(dir, ClientProcess.baseEnvironment(),
        ClientProcess.concat("tar", args), null).assertOk();
  }

  static String sha256(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[64 * 1024];
      for (int n; (n = in.read(buffer)) > 0; ) {
        sha.update(buffer, 0, n);
      }
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void deleteTree(Path root) {
    try {
      Files.walkFileTree(root, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
            throws IOException {
          Files.delete(file);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
          Files.delete(dir);
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + root, e);
    }
  }
}
