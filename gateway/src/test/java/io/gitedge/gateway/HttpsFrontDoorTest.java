package io.gitedge.gateway;

import static io.gitedge.gateway.GatewayHarness.LIB;
import io.gitedge.testing.Requires;
import static io.gitedge.gateway.GatewayHarness.VAULT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitedge.testing.ClientHome;
import io.gitedge.testing.TrustingHttp;
import io.gitedge.testing.ProcessResult;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What only the HTTPS front door does: HTTP credentials, go-get pages, dumb HTTP, health. */
class HttpsFrontDoorTest {
  @TempDir Path dir;
  GatewayHarness gw;
  HttpClient http;

  @BeforeEach
  void start() throws Exception {
    gw = GatewayHarness.start(dir);
    http = TrustingHttp.client(gw.certificate());
  }

  @AfterEach
  void stop() {
    gw.close();
  }

  private HttpResponse<String> get(String path, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gw.url() + path)).GET();
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  // ------------------------------------------------------------------------- credentials

  @ParameterizedTest(name = "protocol v{0}")
  @ValueSource(ints = {0, 2})
  void bearerTokenInExtraHeader_clones(int protocol) {
    ClientHome c = gw.client("header");
    Path work = gw.workDir("header-v" + protocol);
    c.git(work, "-c", "protocol.version=" + protocol, "-c",
        "http.extraHeader=Authorization: Bearer " + gw.token("alice"), "clone",
        gw.repoUrl(LIB), "lib").assertOk();
    assertTrue(Files.exists(work.resolve("lib/go.mod")));
  }

  @Test
  void missingToken_isAskedFor_andRefusedWithoutOne() throws Exception {
    ProcessResult r = gw.client("nobody").git(gw.workDir("none"), "ls-remote", gw.repoUrl(LIB))
        .assertFailed();
    assertTrue(r.stderr().contains("could not read Username"), r.describe());

    HttpResponse<String> rsp = get("/" + LIB + ".git/info/refs?service=git-upload-pack", null);
    assertEquals(401, rsp.statusCode());
    assertEquals("Basic realm=\"gitedge\"",
        rsp.headers().firstValue("WWW-Authenticate").orElse(""));
    // an anonymous caller learns nothing about which repositories exist
    assertEquals(rsp.body(), get("/github.com/acme/nope.git/info/refs?service=git-upload-pack",
        null).body());
  }

  @Test
  void aTokenCreatedWhileTheGatewayRuns_worksWithinSeconds() throws Exception {
    io.gitedge.auth.AccessToken fresh = io.gitedge.auth.AccessToken.generate();
    io.gitedge.auth.IdentityFile.addToken(dir.resolve("identity.yaml"), "alice",
        java.util.Set.of(), fresh.hash());
    ClientHome c = gw.client("fresh");
    c.addNetrc("127.0.0.1", "alice", fresh.reveal());
    ProcessResult r = c.git(gw.workDir("fresh"), "ls-remote", gw.repoUrl(LIB));
    for (int i = 0; i < 40 && !r.ok(); i++) {
      Thread.sleep(250);
      r = c.git(gw.workDir("fresh"), "ls-remote", gw.repoUrl(LIB));
    }
    assertTrue(r.ok(), "the new token never worked:\n" + r.describe());
  }

  @Test
  void wrongToken_isRefused() throws Exception {
    ClientHome c = gw.client("wrong");
    Files.writeString(c.home().resolve(".git-credentials"),
        "https://alice:" + gw.token("alice") + "x@127.0.0.1%3a" + gw.port() + "\n");
    c.git(dir, "config", "--global", "credential.helper", "store").assertOk();

    ProcessResult r = c.git(gw.workDir("wrong"), "ls-remote", gw.repoUrl(LIB)).assertFailed();

    assertTrue(r.stderr().contains("Authentication failed"), r.describe());
    assertEquals("", r.stdout());
    assertEquals(401, get("/" + LIB + ".git/info/refs?service=git-upload-pack",
        gw.token("alice") + "x").statusCode());
  }

  @Test
  void tokenAsBasicUserName_isAcceptedToo() throws Exception {
    String basic = java.util.Base64.getEncoder().encodeToString(
        (gw.token("alice") + ":").getBytes(java.nio.charset.StandardCharsets.UTF_8));
    HttpResponse<String> rsp = http.send(HttpRequest.newBuilder(
            URI.create(gw.url() + "/" + LIB + ".git/info/refs?service=git-upload-pack"))
        .header("Authorization", "Basic " + basic).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, rsp.statusCode());
    assertEquals("application/x-git-upload-pack-advertisement",
        rsp.headers().firstValue("Content-Type").orElse(""));
    assertTrue(rsp.body().startsWith("001e# service=git-upload-pack\n0000"), rsp.body());
  }

  // ------------------------------------------------------------------------- go-get

  @Test
  void goGetPage_carriesTheGoImportLineOfTheRepositoryRoot() throws Exception {
    String expected = "<meta name=\"go-import\" content=\"127.0.0.1/" + LIB + " git " + gw.url()
        + "/" + LIB + "\">";
    for (String path : new String[] {"/" + LIB, "/" + LIB + "/sub/pkg"}) {
      HttpResponse<String> rsp = get(path + "?go-get=1", gw.token("alice"));
      assertEquals(200, rsp.statusCode());
      assertTrue(rsp.body().contains(expected), rsp.body());
    }
  }

  @Test
  void goGetPage_forUnknownAndForbiddenRepositories_isTheSameNotFound() throws Exception {
    HttpResponse<String> forbidden = get("/" + VAULT + "?go-get=1", gw.token("alice"));
    HttpResponse<String> unknown = get("/github.com/secret/nope?go-get=1", gw.token("alice"));
    assertEquals(404, forbidden.statusCode());
    assertEquals(404, unknown.statusCode());
    assertEquals(forbidden.body(), unknown.body());
    assertEquals(200, get("/" + VAULT + "?go-get=1", gw.token("bob")).statusCode());
    assertEquals(401, get("/" + LIB + "?go-get=1", null).statusCode());
  }

  @Test
  void goModDownload_ofAModuleNamedAfterTheGatewaysOwnHost() throws Exception {
    gw.close();
    try (ServerSocket probe = new ServerSocket(443, 1,
        java.net.InetAddress.getByName("127.0.0.1"))) {
      probe.setReuseAddress(true);
    } catch (java.io.IOException e) {
      Requires.that(false, "cannot listen on 127.0.0.1:443 here (" + e.getMessage()
          + "); Go forbids ports in module paths, so this needs the default HTTPS port");
    }
    gw = GatewayHarness.start(dir.resolve("on443"), GatewayHarness.Options.defaults()
        .withListen("127.0.0.1:443").withPublicUrl("https://127.0.0.1"));
    ClientHome go = gw.clientWithNetrc("alice").with("GOPRIVATE", "127.0.0.1")
        .with("GOPROXY", "direct").with("GOFLAGS", "-mod=mod -modcacherw");

    ProcessResult r = go.go(gw.workDir("hosted"), "mod", "download", "-json",
        "127.0.0.1/github.com/acme/hosted@v1.0.0").assertOk();

    assertTrue(r.stdout().contains("\"URL\": \"https://127.0.0.1/github.com/acme/hosted\""),
        r.stdout());
    assertTrue(r.stdout().matches("(?s).*\"Sum\": \"h1:\\S{44}\".*"), r.stdout());
  }

  // ------------------------------------------------------------------------- dumb HTTP

  @Test
  void dumbHttp_isNotServed() throws Exception {
    String t = gw.token("alice");
    for (String p : new String[] {"/HEAD", "/info/refs", "/objects/info/packs",
        "/objects/info/alternates", "/config"}) {
      HttpResponse<String> rsp = get("/" + LIB + ".git" + p, t);
      assertEquals(404, rsp.statusCode(), p);
      assertFalse(rsp.body().contains("refs/heads"), p);
    }
    ClientHome c = gw.clientWithNetrc("alice").with("GIT_SMART_HTTP", "0");
    c.git(gw.workDir("dumb"), "clone", gw.repoUrl(LIB), "lib").assertFailed();
  }

  // ------------------------------------------------------------------------- operations

  @Test
  void healthAndReadiness_needNoCredentials_butMetricsAreForAdmins() throws Exception {
    assertEquals(200, get("/healthz", null).statusCode());
    assertEquals("ready\n", get("/readyz", null).body());
    gw.clientWithNetrc("alice").git(gw.workDir("m"), "ls-remote", gw.repoUrl(LIB)).assertOk();
    assertEquals(401, get("/metrics", null).statusCode());
    HttpResponse<String> developer = get("/metrics", gw.token("alice"));
    assertEquals(403, developer.statusCode());
    assertFalse(developer.body().contains(VAULT), "metrics name private mirrors");
    HttpResponse<String> admin = get("/metrics", gw.token("ops"));
    assertEquals(200, admin.statusCode());
    String metrics = admin.body();
    assertTrue(metrics.contains("gitedge_requests_total{door=\"https\",region=\"test\","
        + "service=\"git-upload-pack\",status=\"200\"}"), metrics);
    assertTrue(metrics.contains("gitedge_mirror_last_sync_age_seconds{mirror=\"" + LIB + "\""),
        metrics);
    assertTrue(metrics.contains("gitedge_syncs_total{mirror=\"" + LIB + "\",outcome=\"created\""),
        metrics);
    // the scrape itself is the one request in flight; every earlier one has ended
    assertTrue(metrics.contains("gitedge_requests_in_flight{region=\"test\"} 1.0\n"), metrics);
    // http.tlsProvider's default, auto: Conscrypt wherever it loads (as it does in this JVM)
    String auto = org.conscrypt.Conscrypt.isAvailable() ? "conscrypt" : "jdk";
    assertTrue(metrics.contains("gitedge_https_tls_provider{provider=\"" + auto
        + "\",region=\"test\"} 1.0\n"), metrics);
  }

  // ------------------------------------------------------------------------- TLS providers

  /**
   * Issue 16: with either TLS implementation behind the listener, the real clients (git's
   * GnuTLS; go's crypto/tls through the module proxy) clone, list and download modules, the
   * proxy's zip hashing as direct mode's, and {@code /metrics} names the one serving.
   */
  @ParameterizedTest(name = "http.tlsProvider: {0}")
  @ValueSource(strings = {"jdk", "conscrypt"})
  void eachTlsProvider_servesCloneLsRemoteAndGo_andMetricsNameIt(String provider)
      throws Exception {
    Requires.tools("go");
    gw.close();
    gw = GatewayHarness.start(dir.resolve(provider), GatewayHarness.Options.defaults()
        .withHttp("tlsProvider", provider));
    http = TrustingHttp.client(gw.certificate());
    ClientHome alice = gw.clientWithNetrc("alice");
    Path work = gw.workDir("tls-" + provider);
    String v1 = gw.upstream().refs("acme/lib").get("refs/tags/v1.0.0");

    String listed = alice.git(work, "ls-remote", gw.repoUrl(LIB)).assertOk().stdout();
    alice.git(work, "clone", "--branch", "v1.0.0", gw.repoUrl(LIB), "lib").assertOk();
    alice.git(work, "config", "--global", "url." + gw.url() + "/github.com/.insteadOf",
        "https://github.com/").assertOk();
    List<String> sums = ReadPathSpec.goSums(alice, gw.workDir("go-" + provider));
    // go's own TLS client, straight to the listener: the module proxy
    ProcessResult proxied = gw.clientWithNetrc("alice").with("GOPROXY", gw.url() + "/goproxy")
        .with("GONOSUMDB", "github.com/acme").with("GOPRIVATE", "").with("GONOPROXY", "")
        .with("GOFLAGS", "-modcacherw")
        .go(gw.workDir("proxy-" + provider), "mod", "download", "-json",
            "github.com/acme/lib@v1.0.0").assertOk();

    assertTrue(listed.contains(v1 + "\trefs/tags/v1.0.0"), listed);
    assertEquals(v1, alice.git(work.resolve("lib"), "rev-parse", "HEAD").assertOk().stdout()
        .trim());
    assertEquals(6, sums.size(), String.join("\n", sums));
    assertTrue(sums.contains("github.com/acme/lib v1.0.0 "
        + proxied.stdout().replaceAll("(?s).*\"Sum\": \"([^\"]+)\".*", "$1")), proxied.stdout());
    String metrics = get("/metrics", gw.token("ops")).body();
    assertTrue(metrics.contains("gitedge_https_tls_provider{provider=\"" + provider
        + "\",region=\"test\"} 1.0\n"), metrics);
  }
}
