package io.gitedge.gateway;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gitedge.testing.ClientHome;
import io.gitedge.testing.DebianSources;
import io.gitedge.testing.DebianSources.Tarball;
import io.gitedge.testing.ProcessResult;
import io.gitedge.testing.TrustingHttp;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.TestAbortedException;

/**
 * The Go module proxy with real public modules: releases of {@code github.com/google/uuid},
 * {@code github.com/pkg/errors}, {@code github.com/cespare/xxhash/v2} and
 * {@code github.com/dgrijalva/jwt-go} (their trees from Debian's source archive,
 * {@link DebianSources}, pushed to the test upstream as their authors tagged them), downloaded
 * with the real {@code go} command through {@code /goproxy}, give the {@code go.sum} lines that
 * direct mode gives from the same mirror over git, and that the world has for those versions.
 *
 * <p>Hand-made modules can only show that the proxy and direct mode agree with each other; a
 * published hash also catches a rule both get wrong the same way here, and it is what a build
 * that moves from {@code proxy.golang.org} to the gateway checks its {@code go.sum} against.
 */
class GoProxyRealModulesTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * One release of a real module: the Debian tarball holding its tree, the upstream repository
   * it is pushed to, and its hashes as published. Releases of one repository are listed oldest
   * first: each is the next commit of {@code master}.
   */
  private record Release(Tarball tarball, String repo, String module, String version,
      String sum, String goModSum) {
    /** The tag: {@code +incompatible} is the go command's, not the repository's. */
    String tag() {
      return version.replace("+incompatible", "");
    }

    String query() {
      return module + "@" + version;
    }
  }

  /**
   * The releases and their published hashes. Each line is the same in sum.golang.org and in the
   * {@code go.sum} of the public projects named, and Go 1.19 in direct mode computes it from the
   * Debian tree tagged as the version.
   */
  private static final List<Release> RELEASES = List.of(
      // go.sum of containerd/containerd at 12a2a21083df (April 2021)
      new Release(DebianSources.GOOGLE_UUID_1_2_0, "google/uuid", "github.com/google/uuid",
          "v1.2.0", "h1:qJYtXnJRWmpe7m/3XlyhrsLrEURqHRM2kxzoxXqyUDs=",
          "h1:TIyPZe4MgqvfeYDBFedMoGGpEw/LqOeaOT+nhxU+yHo="),
      // go.sum of grpc/grpc-go at 50be6ae2f92c (November 2022)
      new Release(DebianSources.GOOGLE_UUID_1_3_0, "google/uuid", "github.com/google/uuid",
          "v1.3.0", "h1:t6JiXgmwXMjEs8VusXIJk2BXHsn+wx8BZdTaoZ5fu7I=",
          "h1:TIyPZe4MgqvfeYDBFedMoGGpEw/LqOeaOT+nhxU+yHo="),
      // go.sum of prometheus/client_golang at 00d2201d9b95
      new Release(DebianSources.GOOGLE_UUID_1_6_0, "google/uuid", "github.com/google/uuid",
          "v1.6.0", "h1:NIvaJDMOsjHA8n1jAhLSgzrAzy1Hgr+hNrb57e+94F0=",
          "h1:TIyPZe4MgqvfeYDBFedMoGGpEw/LqOeaOT+nhxU+yHo="),
      // go.sum of go-kit/kit at 0aeb4693cb4e (no go.mod: the go.mod hash is of the one the go
      // command writes, "module github.com/pkg/errors")
      new Release(DebianSources.PKG_ERRORS_0_9_1, "pkg/errors", "github.com/pkg/errors",
          "v0.9.1", "h1:FEBLx1zS214owpjy7qsBeixbURkuhQAwrK5UwLGTwt4=",
          "h1:bwawxfHBFNV+L2hUp1rHADufV3IMtnDRdf1r5NINEl0="),
      // go.sum of prometheus/client_golang at 00d2201d9b95 (the nested module xxhashbench/ is
      // no part of the zip)
      new Release(DebianSources.CESPARE_XXHASH_2_3_0, "cespare/xxhash",
          "github.com/cespare/xxhash/v2", "v2.3.0",
          "h1:UL815xU9SqsFlibzuggzjXhog7bL6oX9BbNZnL2UFvs=",
          "h1:VGX0DQ3Q6kWi7AoAeZDth3/j3BFtOZR5XLFGgcrjCOs="),
      // go.sum of go-kit/kit at 0aeb4693cb4e (v3 without go.mod: +incompatible)
      new Release(DebianSources.DGRIJALVA_JWT_GO_3_2_0, "dgrijalva/jwt-go",
          "github.com/dgrijalva/jwt-go", "v3.2.0+incompatible",
          "h1:7qlOGliEKZXTDg6OTjfoBKDXWrumCAMpl/TFQ4/5kLM=",
          "h1:E3ru+11k8xSBh+hMPgOLZmtrrCbhqsmaPHjLKYnJCaQ="));

  @TempDir static Path dir;
  private static GatewayHarness gw;
  /**
   * Why the tests cannot run here, or null. Each test skips with it: a skip in {@code @BeforeAll}
   * leaves no test and no reason in the reports.
   */
  private static String skipReason;

  @BeforeAll
  static void start() throws Exception {
    if (!ClientHome.installed("go") || !ClientHome.installed("tar")) {
      skipReason = "needs go and tar";
      return;
    }
    try {
      RELEASES.forEach(r -> DebianSources.fetch(r.tarball()));
    } catch (TestAbortedException e) {
      skipReason = e.getMessage();
      return;
    }
    GatewayHarness.Options options = GatewayHarness.Options.defaults()
        .withOnDemandUpstream("github.com");
    for (String owner : owners()) {
      options = options.withRule("github.com/" + owner + "/**", "groups: [eng]");
    }
    gw = GatewayHarness.start(dir, options);
    for (Release r : RELEASES) {
      DebianSources.commitAsTag(gw.upstream(), r.repo(), r.tarball(), r.tag());
    }
  }

  @BeforeEach
  void needsGoAndTheTarballs() {
    Assumptions.assumeTrue(skipReason == null, () -> skipReason);
  }

  @AfterAll
  static void stop() {
    if (gw != null) {
      gw.close();
    }
  }

  @Test
  void goModDownload_ofRealReleases_givesThePublishedHashes_throughTheProxyAsInDirectMode()
      throws Exception {
    Map<String, String> published = RELEASES.stream().collect(Collectors.toMap(
        Release::query, r -> goSum(r.module(), r.version(), r.sum(), r.goModSum()),
        (a, b) -> a, TreeMap::new));
    ClientHome directClient = directClient();
    Download direct = download(directClient, "direct-dl");
    Download proxy = download(proxyClient(), "proxy-dl");

    // the fixture first: the Debian trees, tagged, are the published releases
    assertEquals(published, direct.lines(), () -> "direct mode from the Debian trees is not"
        + " what is published: the fixture is wrong, not the proxy\n"
        + direct.process().describe());
    List<Executable> checks = new ArrayList<>();
    for (Release r : RELEASES) {
      checks.add(() -> assertEquals(published.get(r.query()), proxy.lines().get(r.query()),
          () -> "through the proxy, " + r.query() + " is not the published release\n"
              + zipDifference(r, directClient) + "\n" + proxy.process().describe()));
    }
    assertAll(checks);
  }

  @Test
  void versionList_throughTheProxy_isTheTagsPushed() {
    Map<String, String> expected = new TreeMap<>();
    for (Release r : RELEASES) {
      expected.put(r.module(), expected.getOrDefault(r.module(), r.module()) + " " + r.version());
    }
    assertEquals("github.com/google/uuid v1.2.0 v1.3.0 v1.6.0",
        expected.get("github.com/google/uuid"));

    assertEquals(expected, versions(directClient(), expected.keySet()),
        "direct mode: the fixture is wrong, not the proxy");
    assertEquals(expected, versions(proxyClient(), expected.keySet()));
  }

  // ------------------------------------------------------------------------- helpers

  /** What {@code go mod download -json} printed: query to its two go.sum lines (or error). */
  private record Download(Map<String, String> lines, ProcessResult process) {}

  /**
   * {@code go mod download -json} of every release. A module the go command could not get is
   * {@code error: <what it said>}, so one failure does not hide how the others came out.
   */
  private static Download download(ClientHome go, String name) throws IOException {
    List<String> args = new ArrayList<>(List.of("mod", "download", "-json"));
    RELEASES.forEach(r -> args.add(r.query()));
    ProcessResult p = go.go(gw.workDir(name), args.toArray(String[]::new));
    Map<String, String> lines = new TreeMap<>();
    try (var values = JSON.readerFor(JsonNode.class).<JsonNode>readValues(p.stdout())) {
      while (values.hasNext()) {
        JsonNode m = values.next();
        String query = m.path("Path").asText() + "@" + m.path("Version").asText();
        lines.put(query, m.has("Error") ? "error: " + m.get("Error").asText()
            : goSum(m.path("Path").asText(), m.path("Version").asText(),
                m.path("Sum").asText(), m.path("GoModSum").asText()));
      }
    }
    return new Download(lines, p);
  }

  /** The two {@code go.sum} lines of a module version. */
  private static String goSum(String module, String version, String sum, String goModSum) {
    return module + " " + version + " " + sum + "\n" + module + " " + version + "/go.mod "
        + goModSum;
  }

  /**
   * {@code go list -m -versions} of each module: {@code "module v1 v2 ..."}, or
   * {@code error: <what go said>}.
   */
  private static Map<String, String> versions(ClientHome go, Iterable<String> modules) {
    Map<String, String> out = new TreeMap<>();
    Path work = gw.workDir("versions");
    for (String module : modules) {
      ProcessResult p = go.go(work, "list", "-m", "-versions", module);
      out.put(module, p.ok() ? p.stdout().strip() : "error: " + p.stderr().strip());
    }
    return out;
  }

  /**
   * Which files the proxy's zip of {@code r} has that direct mode's does not, and the other way
   * round, and which differ in content: what a hash mismatch comes down to.
   */
  private static String zipDifference(Release r, ClientHome directClient) {
    try {
      String escaped = escape(r.module()) + "/@v/" + escape(r.version()) + ".zip";
      HttpResponse<byte[]> response = TrustingHttp.client(gw.certificate()).send(
          HttpRequest.newBuilder(URI.create(gw.url() + "/goproxy/" + escaped))
              .header("Authorization", "Bearer " + gw.token("alice")).GET().build(),
          HttpResponse.BodyHandlers.ofByteArray());
      if (response.statusCode() != 200) {
        return "the proxy's zip: HTTP " + response.statusCode() + " "
            + new String(response.body(), StandardCharsets.UTF_8);
      }
      Path directZip = Path.of(directClient.environment().get("GOMODCACHE"), "cache",
          "download", escaped);
      Map<String, String> proxyFiles = files(new ByteArrayInputStream(response.body()));
      Map<String, String> directFiles;
      try (InputStream in = Files.newInputStream(directZip)) {
        directFiles = files(in);
      }
      TreeSet<String> names = new TreeSet<>(proxyFiles.keySet());
      names.addAll(directFiles.keySet());
      StringBuilder out = new StringBuilder("zip " + escaped + " (proxy vs " + directZip
          + "):");
      for (String n : names) {
        String p = proxyFiles.get(n);
        String d = directFiles.get(n);
        if (d == null) {
          out.append("\n  only in the proxy's zip: ").append(n);
        } else if (p == null) {
          out.append("\n  only in direct mode's zip: ").append(n);
        } else if (!p.equals(d)) {
          out.append("\n  content differs: ").append(n);
        }
      }
      return proxyFiles.equals(directFiles) ? out + " the same files with the same contents"
          : out.toString();
    } catch (Exception e) {
      return "(cannot compare the zips: " + e + ")";
    }
  }

  /** The files of a zip: name to SHA-256 of the content. */
  private static Map<String, String> files(InputStream zip) throws Exception {
    Map<String, String> files = new LinkedHashMap<>();
    try (ZipInputStream in = new ZipInputStream(zip)) {
      for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        sha.update(in.readAllBytes());
        files.put(e.getName(), HexFormat.of().formatHex(sha.digest()));
      }
    }
    return files;
  }

  /** The go command's case encoding of module paths and versions: {@code A} is {@code !a}. */
  private static String escape(String s) {
    StringBuilder b = new StringBuilder();
    for (char c : s.toCharArray()) {
      if (Character.isUpperCase(c)) {
        b.append('!').append(Character.toLowerCase(c));
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  /** The owners on github.com the releases are under: alice's group may read them. */
  private static List<String> owners() {
    return RELEASES.stream().map(r -> r.repo().substring(0, r.repo().indexOf('/')))
        .distinct().toList();
  }

  /** A developer in direct mode: git fetches from the gateway's git door. */
  private static ClientHome directClient() {
    ClientHome c = gw.clientWithNetrc("alice").with("GOPROXY", "direct")
        .with("GOPRIVATE", owners().stream().map(o -> "github.com/" + o)
            .collect(Collectors.joining(",")));
    c.git(dir, "config", "--global", "url." + gw.url() + "/github.com/.insteadOf",
        "https://github.com/").assertOk();
    return c;
  }

  /**
   * A build with one GOPROXY line: the gateway's proxy, credentials in .netrc, no checksum
   * database (the test compares with the published hashes itself, offline).
   */
  private static ClientHome proxyClient() {
    return gw.clientWithNetrc("alice").with("GOPROXY", gw.url() + "/goproxy")
        .with("GONOSUMDB", "github.com").with("GOPRIVATE", "").with("GONOPROXY", "");
  }
}
