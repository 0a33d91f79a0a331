package io.gitedge.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import io.gitedge.testing.Requires;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gitedge.testing.ClientHome;
import io.gitedge.testing.ProcessResult;
import io.gitedge.testing.TestUpstream;
import io.gitedge.testing.TrustingHttp;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Go module proxy ({@code /goproxy}) with the real {@code go} command: for a set of modules
 * covering the go command's rules (modules in subdirectories, nested modules, vendor folders,
 * {@code /vN} in a subdirectory and on a major branch, {@code +incompatible}, no go.mod,
 * pseudo-versions of all three forms, case encoding), {@code go mod download} through the proxy
 * gives exactly what direct mode computes from the same mirror over git: versions, {@code h1:}
 * hashes of zips and go.mod files. And the proxy refuses as the git door does.
 */
class GoProxyTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SECRET = "webhook-secret-of-the-upstream";

  @TempDir static Path dir;
  private static GatewayHarness gw;
  /** Module queries whose answers direct mode and the proxy must agree on. */
  private static final List<String> QUERIES = new ArrayList<>();
  private static final Map<String, String> COMMITS = new LinkedHashMap<>();

  @BeforeAll
  static void start() throws Exception {
    Requires.tools("go");
    Files.writeString(dir.resolve("webhook.secret"), SECRET + "\n");
    gw = GatewayHarness.start(dir, GatewayHarness.Options.defaults()
        .withUpstream("mirrorOnDemand", "true")
        .withUpstream("webhookSecretFile", "webhook.secret"));
    seedModules(gw.upstream());
  }

  @AfterAll
  static void stop() {
    if (gw != null) {
      gw.close();
    }
  }

  /** The module set, pushed to the upstream as a developer would; mirrored on demand. */
  private static void seedModules(TestUpstream u) {
    String mods = "acme/mods";
    u.createRepo(mods);
    Map<String, String> tree = new TreeMap<>();
    tree.put("go.mod", "module github.com/acme/mods\n\ngo 1.19\n");
    tree.put("mods.go", "package mods\n\nconst V = 1\n");
    tree.put("LICENSE", "Copyright the acme authors. All rights reserved.\n");
    tree.put("README.md", "# mods\n");
    tree.put("vendor/modules.txt", "# example.com/x v1.0.0\n");
    tree.put("vendor/example.com/x/x.go", "package x\n");
    tree.put("pkg/pkg.go", "package pkg\n");
    tree.put("pkg/vendor/vendor.go", "package vendor\n");
    tree.put("nested/go.mod", "module github.com/acme/mods/nested\n\ngo 1.19\n");
    tree.put("nested/nested.go", "package nested\n");
    tree.put("sub/go.mod", "module github.com/acme/mods/sub\n\ngo 1.19\n");
    tree.put("sub/sub.go", "package sub\n");
    tree.put("sub/testdata/data.txt", "data\n");
    tree.put("tools/run.sh", "#!/bin/sh\necho run\n");
    String c1 = u.commit(mods, "main", tree, "mods v1.0.0");
    u.tag(mods, "v1.0.0", c1, false);
    u.tag(mods, "sub/v0.1.0", c1, false);
    u.annotatedTag(mods, "nested/v0.1.0", c1);
    String c2 = u.commit(mods, "main", Map.of("mods.go", "package mods\n\nconst V = 2\n"),
        "rc");
    u.tag(mods, "v1.1.0-rc.1", c2, false);
    u.commit(mods, "main", Map.of("mods.go", "package mods\n\nconst V = 3\n"), "after rc");
    QUERIES.addAll(List.of("github.com/acme/mods@v1.0.0", "github.com/acme/mods@v1.1.0-rc.1",
        "github.com/acme/mods@main", "github.com/acme/mods/sub@v0.1.0",
        "github.com/acme/mods/nested@v0.1.0"));

    String released = "acme/released";
    u.createRepo(released);
    String r1 = u.commit(released, "main", Map.of("go.mod",
        "module github.com/acme/released\n\ngo 1.19\n", "r.go", "package released\n"), "r1");
    u.tag(released, "v1.2.3", r1, false);
    u.commit(released, "main", Map.of("r.go", "package released\n\nconst Next = 1\n"), "r2");
    COMMITS.put("released", r1);
    QUERIES.addAll(List.of("github.com/acme/released@v1.2.3", "github.com/acme/released@main",
        "github.com/acme/released@" + r1.substring(0, 12)));

    String fresh = "acme/fresh";
    u.createRepo(fresh);
    u.commit(fresh, "main", Map.of("go.mod", "module github.com/acme/fresh\n\ngo 1.19\n",
        "f.go", "package fresh\n"), "untagged");
    QUERIES.add("github.com/acme/fresh@main");

    String majors = "acme/majors";
    u.createRepo(majors);
    String m1 = u.commit(majors, "main", Map.of(
        "go.mod", "module github.com/acme/majors\n\ngo 1.19\n", "m.go", "package majors\n",
        "v2/go.mod", "module github.com/acme/majors/v2\n\ngo 1.19\n",
        "v2/m.go", "package majors\n\nconst Major = 2\n"), "v1 at the root, v2 in v2/");
    u.tag(majors, "v1.0.0", m1, false);
    u.tag(majors, "v2.0.0", m1, false);
    QUERIES.addAll(List.of("github.com/acme/majors@v1.0.0", "github.com/acme/majors/v2@v2.0.0"));

    String branchy = "acme/branchy";
    u.createRepo(branchy);
    String b1 = u.commit(branchy, "main", Map.of(
        "go.mod", "module github.com/acme/branchy\n\ngo 1.19\n", "b.go", "package branchy\n"),
        "v1");
    u.tag(branchy, "v1.0.0", b1, false);
    String b3 = u.commit(branchy, "main", Map.of(
        "go.mod", "module github.com/acme/branchy/v3\n\ngo 1.19\n"), "v3 on the major branch");
    u.tag(branchy, "v3.0.0", b3, false);
    String b31 = u.commit(branchy, "main", Map.of("b.go", "package branchy\n\nconst X = 1\n"),
        "v3.1");
    u.tag(branchy, "v3.1.0", b31, false);
    QUERIES.addAll(List.of("github.com/acme/branchy@v1.0.0", "github.com/acme/branchy/v3@v3.0.0",
        "github.com/acme/branchy/v3@v3.1.0"));

    String legacy = "acme/legacy";
    u.createRepo(legacy);
    String l1 = u.commit(legacy, "main", Map.of("l.go", "package legacy\n"), "no go.mod");
    u.tag(legacy, "v1.0.0", l1, false);
    String l2 = u.commit(legacy, "main", Map.of("l.go", "package legacy\n\nconst V = 2\n"),
        "v2 without go.mod");
    u.tag(legacy, "v2.0.0", l2, false);
    String l3 = u.commit(legacy, "main", Map.of("l.go", "package legacy\n\nconst V = 3\n"),
        "v3 without go.mod");
    u.tag(legacy, "v3.1.0", l3, false);
    QUERIES.addAll(List.of("github.com/acme/legacy@v1.0.0",
        "github.com/acme/legacy@v2.0.0+incompatible", "github.com/acme/legacy@v3.1.0+incompatible"));

    String camel = "acme/CamelCase";
    u.createRepo(camel);
    String k1 = u.commit(camel, "main", Map.of(
        "go.mod", "module github.com/acme/CamelCase\n\ngo 1.19\n", "Camel.go", "package camel\n"),
        "upper-case letters in the path and a version");
    u.tag(camel, "v1.0.0", k1, false);
    u.tag(camel, "v1.0.1-RC", k1, false);
    QUERIES.addAll(List.of("github.com/acme/CamelCase@v1.0.0",
        "github.com/acme/CamelCase@v1.0.1-RC"));
  }

  // ------------------------------------------------------------------------ same bytes as direct

  @Test
  void goModDownload_throughTheProxy_givesWhatDirectModeComputes() throws Exception {
    List<String> direct = download(directClient(), "direct-dl");
    List<String> proxy = download(proxyClient(), "proxy-dl");

    assertEquals(String.join("\n", direct), String.join("\n", proxy));
    // every query answered (the commit hash of released v1.2.3 is that version again)
    assertEquals(QUERIES.size() - 1, direct.size(), String.join("\n", direct));
    // the forms that make a proxy go wrong are really in play
    for (String expected : List.of("github.com/acme/legacy v2.0.0+incompatible h1:",
        "github.com/acme/released v1.2.4-0.", "github.com/acme/mods v1.1.0-rc.1.0.",
        "github.com/acme/fresh v0.0.0-", "github.com/acme/CamelCase v1.0.1-RC h1:",
        "github.com/acme/branchy/v3 v3.1.0 h1:", "github.com/acme/majors/v2 v2.0.0 h1:")) {
      assertTrue(direct.stream().anyMatch(l -> l.startsWith(expected)),
          expected + " in\n" + String.join("\n", direct));
    }
  }

  @Test
  void versionLists_throughTheProxy_areDirectModes() throws Exception {
    List<String> modules = List.of("github.com/acme/mods", "github.com/acme/mods/sub",
        "github.com/acme/legacy", "github.com/acme/branchy", "github.com/acme/branchy/v3",
        "github.com/acme/majors/v2", "github.com/acme/CamelCase", "github.com/acme/fresh");
    Map<String, String> direct = versions(directClient(), "direct-list", modules);
    Map<String, String> proxy = versions(proxyClient(), "proxy-list", modules);

    assertEquals(direct, proxy);
    assertEquals("github.com/acme/legacy v1.0.0 v2.0.0+incompatible v3.1.0+incompatible",
        direct.get("github.com/acme/legacy"));
  }

  @Test
  void theZipHoldsWhatTheRulesKeep() throws Exception {
    ClientHome go = proxyClient();
    Path work = gw.workDir("zip-content");
    JsonNode dl = JSON.readTree("[" + go.go(work, "mod", "download", "-json",
        "github.com/acme/mods@v1.0.0", "github.com/acme/mods/sub@v0.1.0").assertOk().stdout()
        .replace("}\n{", "},\n{") + "]");
    Path root = dirOf(dl, "github.com/acme/mods");
    assertTrue(Files.exists(root.resolve("pkg/pkg.go")));
    assertTrue(Files.exists(root.resolve("vendor/modules.txt")), "go 1.19: modules.txt stays");
    assertFalse(Files.exists(root.resolve("vendor/example.com/x/x.go")), "vendored package");
    assertFalse(Files.exists(root.resolve("pkg/vendor/vendor.go")), "go < 1.24: dropped");
    assertFalse(Files.exists(root.resolve("nested")), "a nested module is not part of it");
    assertFalse(Files.exists(root.resolve("sub")), "a nested module is not part of it");
    Path sub = dirOf(dl, "github.com/acme/mods/sub");
    assertTrue(Files.exists(sub.resolve("LICENSE")), "the root's LICENSE comes along");
    assertTrue(Files.exists(sub.resolve("testdata/data.txt")));
  }

  // ------------------------------------------------------------------------- who gets what

  @Test
  void aForbiddenModule_looksExactlyLikeAnUnknownOne_andNoCredentialsAreAskedFor()
      throws Exception {
    HttpClient http = TrustingHttp.client(gw.certificate());
    HttpResponse<String> forbidden = get(http, "/goproxy/github.com/secret/vault/@v/list",
        "alice");
    HttpResponse<String> unknown = get(http, "/goproxy/github.com/secret/nope/@v/list", "alice");
    assertEquals(404, forbidden.statusCode());
    assertEquals(unknown.statusCode(), forbidden.statusCode());
    assertEquals(unknown.body(), forbidden.body());
    assertEquals(200, get(http, "/goproxy/github.com/secret/vault/@v/list", "bob").statusCode());

    HttpResponse<String> anonymous = get(http, "/goproxy/github.com/acme/lib/@v/list", null);
    assertEquals(401, anonymous.statusCode());
    assertEquals("Basic realm=\"gitedge\"",
        anonymous.headers().firstValue("WWW-Authenticate").orElse(""));
    HttpResponse<String> anonymousUnknown = get(http, "/goproxy/github.com/x/y/@v/list", null);
    assertEquals(401, anonymousUnknown.statusCode());
  }

  @Test
  void anUnknownVersion_isNotFound_withTheReason() throws Exception {
    HttpClient http = TrustingHttp.client(gw.certificate());
    HttpResponse<String> r = get(http, "/goproxy/github.com/acme/lib/@v/v9.9.9.info", "alice");
    assertEquals(404, r.statusCode());
    assertTrue(r.body().startsWith("not found: github.com/acme/lib@v9.9.9: "), r.body());
  }

  @Test
  void aModuleTheGatewayDoesNotServe_fallsThroughToDirectMode() throws Exception {
    TestUpstream u = gw.upstream();
    u.createRepo("other/mod");
    String c = u.commit("other/mod", "main", Map.of("go.mod",
        "module github.com/other/mod\n\ngo 1.19\n", "o.go", "package mod\n"), "elsewhere");
    u.tag("other/mod", "v0.1.0", c, false);
    ClientHome go = proxyClient().with("GOPROXY", gw.url() + "/goproxy,direct")
        .with("GONOSUMDB", "github.com/acme,github.com/other");
    // direct mode reaches the upstream itself, under another name so .netrc tells them apart
    String upstream = gw.upstreamHttp().url().replace("127.0.0.1", "localhost");
    go.git(dir, "config", "--global", "url." + upstream + "/other/.insteadOf",
        "https://github.com/other/").assertOk();
    go.addNetrc("localhost", "x-access-token", "upstream-secret");

    ProcessResult r = go.go(gw.workDir("fallthrough"), "mod", "download", "-json",
        "github.com/other/mod@v0.1.0", "github.com/acme/lib@v1.1.0");
    r.assertOk();
    assertTrue(r.stdout().contains("\"Version\": \"v0.1.0\""), r.stdout());
    assertTrue(r.stdout().contains("\"Version\": \"v1.1.0\""), r.stdout());
    assertTrue(gw.upstreamHttp().requests().stream().anyMatch(l -> l.contains("/other/mod")),
        "the module the gateway does not serve came from the upstream directly");
  }

  // ------------------------------------------------------------------------- fresh tags

  @Test
  void aTagPushedAMomentAgo_isDownloadableRightAfterItsWebhook() throws Exception {
    Requires.tools("curl", "openssl");
    TestUpstream u = gw.upstream();
    String repo = "acme/hooked";
    u.createRepo(repo);
    String c1 = u.commit(repo, "main", Map.of("go.mod",
        "module github.com/acme/hooked\n\ngo 1.19\n", "h.go", "package hooked\n"), "v1.0.0");
    u.tag(repo, "v1.0.0", c1, false);
    ClientHome go = proxyClient();
    Path work = gw.workDir("hooked");
    go.go(work, "mod", "download", "-json", "github.com/acme/hooked@v1.0.0").assertOk();
    String url = gw.upstreamHttp().url() + "/" + repo;
    u.postWebhooksOnPush(repo, """
        {"ref":"refs/tags/v1.1.0","repository":{"full_name":"%s","clone_url":"%s.git",\
        "html_url":"%s"}}""".formatted(repo, url, url), SECRET, gw.certificate(),
        gw.url() + "/hooks/github");

    String c2 = u.commit(repo, "main", Map.of("h.go", "package hooked\n\nconst New = true\n"),
        "v1.1.0");
    u.pushTag(repo, "v1.1.0", c2);
    ProcessResult r = go.go(work, "mod", "download", "-json", "github.com/acme/hooked@v1.1.0");

    r.assertOk();
    assertTrue(r.stdout().contains("\"Version\": \"v1.1.0\""), r.stdout());
    assertEquals("github.com/acme/hooked v1.1.0", go.go(work, "list", "-m",
        "github.com/acme/hooked@latest").assertOk().stdout().strip());
  }

  // ------------------------------------------------------------------------- hostile input

  @Test
  void hostileRequests_getClearRefusals() throws Exception {
    HttpClient http = TrustingHttp.client(gw.certificate());
    String lib = "/goproxy/github.com/acme/lib";
    for (String path : List.of("/goproxy/github.com/acme/lib/../../secret/vault/@v/list",
        "/goproxy/github.com%2Fsecret%2Fvault/@v/list",
        lib + "/@v/v1.0.0%2F..%2F..%2F..%2Fsecret.info",
        lib + "/@v/" + "v1." + "9".repeat(5000) + ".info",
        "/goproxy/github.com/!!acme/lib/@v/list",
        "/goproxy/github.com/acme/lib/@v/v1.0.0.exe",
        "/goproxy/github.com/acme/lib/@v/master.zip",
        "/goproxy/github.com/acme/lib/@v/v1.0.0.zip/../../../vault/@v/list",
        "/goproxy/%00/@v/list", "/goproxy/", "/goproxy/@v/list")) {
      HttpResponse<String> r = get(http, path, "alice");
      assertTrue(r.statusCode() >= 400 && r.statusCode() < 500, path + ": " + r.statusCode());
      assertFalse(r.body().contains("top secret"), path);
    }
    HttpResponse<String> absurd = get(http, lib + "/@v/v99999999999999999999.0.0.info",
        "alice");
    assertEquals(404, absurd.statusCode());
    assertTrue(absurd.body().startsWith("not found: "), absurd.body());
    // go asks whether the checksum database is proxied: only 404 lets it ask the database itself
    HttpResponse<String> sumdb = get(http, "/goproxy/sumdb/sum.golang.org/supported", "alice");
    assertEquals(404, sumdb.statusCode(), sumdb.body());
    HttpResponse<String> badEscape = get(http, "/goproxy/github.com/!!acme/lib/@v/list", "alice");
    assertEquals(400, badEscape.statusCode());
    assertTrue(badEscape.body().startsWith("bad request: "), badEscape.body());
    HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create(gw.url() + lib
        + "/@v/list")).header("Authorization", "Bearer " + gw.token("alice"))
        .POST(HttpRequest.BodyPublishers.ofString("x")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(405, post.statusCode());
  }

  @Test
  void aModuleBeyondTheZipLimits_isRefusedWithTheReason_andNotBuilt() throws Exception {
    TestUpstream u = gw.upstream();
    u.createRepo("acme/huge");
    // a go.mod past the go command's 16 MiB limit (it compresses to almost nothing in git)
    String goMod = "module github.com/acme/huge\n\ngo 1.19\n"
        + "// padding\n".repeat((17 << 20) / 11);
    String c = u.commit("acme/huge", "main", Map.of("go.mod", goMod, "h.go", "package huge\n"),
        "too large");
    u.tag("acme/huge", "v1.0.0", c, false);
    HttpClient http = TrustingHttp.client(gw.certificate());

    HttpResponse<String> zip = get(http, "/goproxy/github.com/acme/huge/@v/v1.0.0.zip", "alice");
    HttpResponse<String> mod = get(http, "/goproxy/github.com/acme/huge/@v/v1.0.0.mod", "alice");

    assertEquals(404, zip.statusCode(), zip.body());
    assertTrue(zip.body().contains("go.mod file too large"), zip.body());
    assertEquals(404, mod.statusCode(), mod.body().substring(0, Math.min(200,
        mod.body().length())));
    try (var files = Files.list(gw.dataDir().resolve("goproxy"))) {
      assertTrue(files.noneMatch(f -> f.toString().endsWith(".zip")
          && f.toFile().length() > (16 << 20)), "nothing of it kept");
    }
  }

  // ------------------------------------------------------------------------- helpers

  /**
   * {@code go mod download -json} of every query: {@code "path version sum gomodsum"} of each
   * module version, sorted.
   */
  private static List<String> download(ClientHome go, String name) throws Exception {
    Path work = gw.workDir(name);
    List<String> args = new ArrayList<>(List.of("mod", "download", "-json"));
    args.addAll(QUERIES);
    ProcessResult r = go.go(work, args.toArray(String[]::new));
    r.assertOk();
    JsonNode all = JSON.readTree("[" + r.stdout().replace("}\n{", "},\n{") + "]");
    java.util.SortedSet<String> out = new java.util.TreeSet<>();
    for (JsonNode m : all) {
      assertTrue(m.path("Error").isMissingNode(), m.toString());
      out.add(m.get("Path").asText() + " " + m.get("Version").asText() + " "
          + m.get("Sum").asText() + " " + m.get("GoModSum").asText());
    }
    return List.copyOf(out);
  }

  /** {@code go list -m -versions} of each module: {@code module -> "module v1 v2 ..."}. */
  private static Map<String, String> versions(ClientHome go, String name, List<String> modules) {
    Map<String, String> out = new TreeMap<>();
    Path work = gw.workDir(name);
    for (String m : modules) {
      out.put(m, go.go(work, "list", "-m", "-versions", m).assertOk().stdout().strip());
    }
    return out;
  }

  private static Path dirOf(JsonNode downloads, String module) {
    for (JsonNode m : downloads) {
      if (module.equals(m.get("Path").asText())) {
        return Path.of(m.get("Dir").asText());
      }
    }
    throw new AssertionError(module + " not downloaded: " + downloads);
  }

  /** A developer in direct mode: git fetches from the gateway's git door. */
  private static ClientHome directClient() {
    ClientHome c = gw.clientWithNetrc("alice").with("GOPRIVATE", "github.com/acme").with("GOPROXY", "direct");
    c.git(dir, "config", "--global", "url." + gw.url() + "/github.com/.insteadOf",
        "https://github.com/").assertOk();
    return c;
  }

  /** A CI job with one GOPROXY line: the gateway's proxy, credentials in .netrc. */
  private static ClientHome proxyClient() {
    return gw.clientWithNetrc("alice").with("GOPROXY", gw.url() + "/goproxy").with("GONOSUMDB", "github.com/acme")
        .with("GOPRIVATE", "").with("GONOPROXY", "");
  }

  private static HttpResponse<String> get(HttpClient http, String path, String user)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gw.url() + path)).GET();
    if (user != null) {
      b.header("Authorization", "Bearer " + gw.token(user));
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
