package io.gitedge.gateway;

import static io.gitedge.gateway.GatewayHarness.LIB;
import io.gitedge.testing.Requires;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gitedge.testing.ClientHome;
import io.gitedge.testing.ProcessResult;
import io.gitedge.testing.TrustingHttp;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sync end to end: real pushes into a real upstream (C git behind http-backend), webhooks signed
 * the way the hosts sign them, the admin API, peers, freshness on read, and clients (git, go)
 * reading through the gateway.
 */
class SyncEndToEndTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SECRET = "webhook-secret-of-the-upstream";
  @TempDir Path dir;

  private static GatewayHarness.Options withWebhooks(Path dir) throws Exception {
    Files.writeString(dir.resolve("webhook.secret"), SECRET + "\n");
    return GatewayHarness.Options.defaults().withUpstream("webhookSecretFile", "webhook.secret");
  }

  /** The payload GitHub sends for a push to {@code repo} of the test upstream. */
  private static String pushPayload(GatewayHarness gw, String repo) {
    String url = gw.upstreamHttp().url() + "/" + repo;
    return """
        {"ref":"refs/heads/main","repository":{"full_name":"%s","clone_url":"%s.git",\
        "html_url":"%s","ssh_url":"git@example.invalid:%s.git"}}""".formatted(repo, url, url, repo);
  }

  private static String githubSignature(String body, String secret) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
  }

  private static HttpResponse<String> github(HttpClient http, GatewayHarness gw, String body,
      String signature, String delivery) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(gw.url() + "/hooks/github"))
        .header("Content-Type", "application/json").header("X-GitHub-Event", "push")
        .header("X-GitHub-Delivery", delivery).header("X-Hub-Signature-256", signature)
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode api(HttpClient http, GatewayHarness gw, String method, String path,
      String user, int expectedStatus) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gw.url() + path))
        .method(method, HttpRequest.BodyPublishers.noBody());
    if (user != null) {
      b.header("Authorization", "Bearer " + gw.token(user));
    }
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(expectedStatus, r.statusCode(), r.body());
    return r.statusCode() / 100 == 2 ? JSON.readTree(r.body()) : null;
  }

  /** The id {@code ref} has when listed through the gateway, or "" when it is not there. */
  private static String servedId(ClientHome client, Path dir, String url, String ref) {
    String out = client.git(dir, "ls-remote", url, ref).assertOk().stdout();
    return out.isBlank() ? "" : out.split("\t")[0];
  }

  /** Polls until {@code probe} gives {@code expected} (at most 30 s); returns the last value. */
  private static String await(String expected, Supplier<String> probe) throws Exception {
    String seen = probe.get();
    for (int i = 0; i < 300 && !expected.equals(seen); i++) {
      Thread.sleep(100);
      seen = probe.get();
    }
    return seen;
  }

  private static String metrics(HttpClient http, GatewayHarness gw) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(gw.url() + "/metrics"))
        .header("Authorization", "Bearer " + gw.token("ops")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }

  /** Syncs of {@code mirror} so far, whatever their outcome, as the metrics count them. */
  private static long syncs(HttpClient http, GatewayHarness gw, String mirror) throws Exception {
    var m = java.util.regex.Pattern.compile("(?m)^gitedge_syncs_total\\{mirror=\"\\Q" + mirror
        + "\\E\",outcome=\"\\w+\",region=\"test\"} (\\d+)\\.0$").matcher(metrics(http, gw));
    long n = 0;
    while (m.find()) {
      n += Long.parseLong(m.group(1));
    }
    return n;
  }

  /** Connections the gateway made to the upstream for {@code repo}: one per sync. */
  private static long upstreamListings(GatewayHarness gw, String repo) {
    return gw.upstreamHttp().requests().stream()
        .filter(r -> r.startsWith("GET /" + repo + ".git/info/refs")
            && r.endsWith("-> 200")).count();
  }

  private static long upstreamRequests(GatewayHarness gw, String repo) {
    return gw.upstreamHttp().requests().stream().filter(r -> r.contains("/" + repo + ".git/"))
        .count();
  }

  // ------------------------------------------------------------------------------- webhooks

  @Test
  void aRealPushWhosePostReceiveHookPostsAWebhook_makesTheTagVisible() throws Exception {
    Requires.tools("curl", "openssl");
    try (GatewayHarness gw = GatewayHarness.start(dir, withWebhooks(dir))) {
      gw.upstream().postWebhooksOnPush("acme/lib", pushPayload(gw, "acme/lib"), SECRET,
          gw.certificate(), gw.url() + "/hooks/github");
      ClientHome alice = gw.clientWithNetrc("alice");
      long before = upstreamListings(gw, "acme/lib");

      String commit = gw.upstream().commit("acme/lib", "main",
          Map.of("v2.go", "package lib\n\nconst V2 = true\n"), "v1.2.0");
      gw.upstream().pushTag("acme/lib", "v1.2.0", commit);

      assertEquals(commit, await(commit,
          () -> servedId(alice, dir, gw.repoUrl(LIB), "refs/tags/v1.2.0")),
          "the webhook did not bring the new tag (schedule is 1h, so only the hook could)");
      assertTrue(upstreamListings(gw, "acme/lib") > before);
      String metrics = metrics(TrustingHttp.client(gw.certificate()), gw);
      assertTrue(metrics.matches("(?s).*gitedge_webhooks_total\\{outcome=\"accepted\","
          + "provider=\"github\",region=\"test\"} [1-9].*"), metrics);
    }
  }

  @Test
  void wrongSignatures_oversizedBodies_andDuplicateDeliveries_causeNoExtraFetch()
      throws Exception {
    try (GatewayHarness gw = GatewayHarness.start(dir, withWebhooks(dir))) {
      HttpClient http = TrustingHttp.client(gw.certificate());
      ClientHome alice = gw.clientWithNetrc("alice");
      String body = pushPayload(gw, "acme/lib");
      String commit = gw.upstream().commit("acme/lib", "main",
          Map.of("dup.go", "package lib\n"), "pushed once");
      long requests = upstreamRequests(gw, "acme/lib");

      HttpResponse<String> wrong = github(http, gw, body, githubSignature(body, "not-the-secret"),
          UUID.randomUUID().toString());
      HttpResponse<String> reserialised = github(http, gw, body.replace(",", ", "),
          githubSignature(body, SECRET), UUID.randomUUID().toString());
      HttpResponse<String> huge = http.send(HttpRequest.newBuilder(
              URI.create(gw.url() + "/hooks/github"))
          .header("X-Hub-Signature-256", githubSignature(body, SECRET))
          .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[2 << 20])).build(),
          HttpResponse.BodyHandlers.ofString());

      assertEquals(401, wrong.statusCode(), wrong.body());
      assertTrue(wrong.body().contains("signature does not match"), wrong.body());
      assertEquals(401, reserialised.statusCode(), reserialised.body());
      assertEquals(413, huge.statusCode(), huge.body());
      assertEquals(requests, upstreamRequests(gw, "acme/lib"), "a refused webhook reached out");
      assertNotEquals(commit, servedId(alice, dir, gw.repoUrl(LIB), "refs/heads/main"));

      long syncs = syncs(http, gw, LIB);
      String delivery = UUID.randomUUID().toString();
      String signature = githubSignature(body, SECRET);
      for (int i = 0; i < 100; i++) {
        HttpResponse<String> r = github(http, gw, body, signature, delivery);
        assertEquals(202, r.statusCode(), r.body());
      }
      assertEquals(commit, await(commit,
          () -> servedId(alice, dir, gw.repoUrl(LIB), "refs/heads/main")));
      // every delivery has been answered, and the receiver asks the scheduler for its sync
      // before it answers: all triggers are in. A sync asked for now runs after every sync they
      // started (one flight per mirror), and its result comes only once those are counted, so
      // the count below is final, not a snapshot racing a late sync
      assertTrue(gw.sync(LIB).succeeded());
      assertEquals(syncs + 2, syncs(http, gw, LIB),
          "100 deliveries of one event, one sync (and the one asked for after them)");

      // a repository that is not mirrored here gets the same answer and no fetch
      long all = gw.upstreamHttp().requests().size();
      String other = pushPayload(gw, "acme/unknown");
      HttpResponse<String> unknown = github(http, gw, other, githubSignature(other, SECRET),
          UUID.randomUUID().toString());
      assertEquals(202, unknown.statusCode());
      assertEquals(all, gw.upstreamHttp().requests().size());
    }
  }

  // -------------------------------------------------------------------------------- admin API

  @Test
  void aMovedTagKeepsItsFirstCommit_andTheApiShowsTheConflict() throws Exception {
    try (GatewayHarness gw = GatewayHarness.start(dir)) {
      HttpClient http = TrustingHttp.client(gw.certificate());
      ClientHome alice = gw.clientWithNetrc("alice");
      String first = servedId(alice, dir, gw.repoUrl(LIB), "refs/tags/v1.0.0");
      String moved = gw.upstream().commit("acme/lib", "main",
          Map.of("lib.go", "package lib\n\n// rewritten\n"), "rewrite history");
      gw.upstream().tag("acme/lib", "v1.0.0", moved, true);

      JsonNode sync = api(http, gw, "POST", "/api/v1/mirrors/" + LIB + "/sync?wait=true", "ops",
          200);

      assertEquals("updated", sync.path("outcome").asText(), sync.toString());
      assertEquals(first, servedId(alice, dir, gw.repoUrl(LIB), "refs/tags/v1.0.0"));
      assertEquals(moved, servedId(alice, dir, gw.repoUrl(LIB), "refs/heads/main"),
          "branches follow the upstream");
      JsonNode mirror = api(http, gw, "GET", "/api/v1/mirrors/" + LIB, "ops", 200);
      JsonNode conflict = mirror.path("tagConflicts").path(0);
      assertEquals("refs/tags/v1.0.0", conflict.path("ref").asText(), mirror.toString());
      assertEquals(first, conflict.path("kept").asText());
      assertEquals(moved, conflict.path("upstream").asText());
      assertEquals("ok", mirror.path("state").asText());
      assertEquals("test", mirror.path("region").asText());
      JsonNode list = api(http, gw, "GET", "/api/v1/mirrors", "ops", 200);
      assertTrue(list.path("mirrors").size() >= 4, list.toString());
      String metrics = metrics(http, gw);
      assertTrue(metrics.contains("gitedge_mirror_tag_conflicts{mirror=\"" + LIB
          + "\",region=\"test\"} 1.0"), metrics);

      api(http, gw, "GET", "/api/v1/mirrors", "alice", 403);
      api(http, gw, "GET", "/api/v1/mirrors", null, 401);
      api(http, gw, "POST", "/api/v1/mirrors/" + LIB + "/sync", "alice", 403);
      api(http, gw, "GET", "/api/v1/mirrors/github.com/acme/nothing", "ops", 404);
    }
  }

  @Test
  void withTagsFollow_aMovedTagMoves() throws Exception {
    try (GatewayHarness gw = GatewayHarness.start(dir,
        GatewayHarness.Options.defaults().withUpstream("tags", "follow"))) {
      ClientHome alice = gw.clientWithNetrc("alice");
      String moved = gw.upstream().commit("acme/lib", "main",
          Map.of("lib.go", "package lib\n\n// rewritten\n"), "rewrite history");
      gw.upstream().tag("acme/lib", "v1.0.0", moved, true);

      assertTrue(gw.sync(LIB).succeeded());

      assertEquals(moved, servedId(alice, dir, gw.repoUrl(LIB), "refs/tags/v1.0.0"));
    }
  }

  // ---------------------------------------------------------------------- upstream down, age

  @Test
  void withTheUpstreamDown_clonesSucceedAndSayHowOld_thenSyncResumes() throws Exception {
    try (GatewayHarness gw = GatewayHarness.start(dir, GatewayHarness.Options.defaults()
        .withSync("backoffInitial", "1s"))) {
      ClientHome alice = gw.clientWithNetrc("alice");
      gw.upstreamHttp().setDown(true);
      assertFalse(gw.sync(LIB).succeeded());

      ProcessResult clone = alice.git(dir, "clone", "--progress", gw.repoUrl(LIB),
          dir.resolve("while-down").toString()).assertOk();
      ProcessResult sshClone = gw.clientWithSshKey("alice").git(dir, "clone",
          gw.sshUrl(LIB), dir.resolve("while-down-ssh").toString()).assertOk();
      ProcessResult headers = alice.bash(dir, "curl -sS -D - -o /dev/null --netrc --cacert '"
          + gw.certificate() + "' '" + gw.repoUrl(LIB) + "/info/refs?service=git-upload-pack'");

      String upstream = gw.upstreamHttp().url() + "/acme/lib.git";
      assertTrue(clone.stderr().matches("(?s).*remote: gitedge: mirror of \\Q" + upstream
          + "\\E last synced \\S+ ago \\(upstream unreachable\\).*"), clone.stderr());
      assertTrue(sshClone.stderr().contains("gitedge: mirror of " + upstream + " last synced"),
          sshClone.stderr());
      assertTrue(headers.stdout()
          .matches("(?s).*X-GitEdge-Mirror-Age: \\d+; upstream unreachable.*"), headers.stdout());
      assertTrue(Files.exists(dir.resolve("while-down/lib.go")));

      String pushed = gw.upstream().commit("acme/lib", "main",
          Map.of("back.go", "package lib\n"), "pushed while the gateway could not see it");
      gw.upstreamHttp().setDown(false);

      assertEquals(pushed, await(pushed,
          () -> servedId(alice, dir, gw.repoUrl(LIB), "refs/heads/main")),
          "the backoff retry did not pick the upstream up again");
      ProcessResult fresh = alice.git(dir, "clone", "--progress", gw.repoUrl(LIB),
          dir.resolve("after").toString()).assertOk();
      assertFalse(fresh.stderr().contains("last synced"), fresh.stderr());
    }
  }

  // --------------------------------------------------------------------------- fresh reads

  /** A client for Go modules under github.com/acme, through the gateway. */
  private static ClientHome goClient(GatewayHarness gw) {
    ClientHome go = gw.clientWithNetrc("alice").with("GOPRIVATE", "github.com/acme")
        .with("GOPROXY", "direct").with("GOFLAGS", "-mod=mod -modcacherw")
        .with("GIT_TERMINAL_PROMPT", "0");
    go.git(gw.workDir("go"), "config", "--global", "url." + gw.url() + "/github.com/.insteadOf",
        "https://github.com/").assertOk();
    return go;
  }

  @Test
  void withFreshness_goModDownloadOfAVersionTaggedASecondAgo_succeedsAtOnce() throws Exception {
    Requires.tools("go");
    try (GatewayHarness gw = GatewayHarness.start(dir,
        GatewayHarness.Options.defaults().withUpstream("freshness", "1m"))) {
      ClientHome go = goClient(gw);
      String commit = gw.upstream().commit("acme/lib", "main",
          Map.of("fresh.go", "package lib\n\nconst Fresh = true\n"), "v1.3.0");
      gw.upstream().tag("acme/lib", "v1.3.0", commit, false);
      // the mirror's last check is now older than its freshness bound
      gw.clock().advance(java.time.Duration.ofSeconds(61));

      ProcessResult dl = go.go(gw.workDir("go"), "mod", "download", "-json",
          "github.com/acme/lib@v1.3.0");

      assertEquals(0, dl.exitCode(), dl.stderr() + dl.stdout());
      assertTrue(dl.stdout().contains("\"Version\": \"v1.3.0\""), dl.stdout());
      assertTrue(dl.stdout().matches("(?s).*\"Sum\": \"h1:\\S{44}\".*"), dl.stdout());
    }
  }

  @Test
  void aFetchWantingACommitTheMirrorLacks_waitsForASyncInsteadOfFailing() throws Exception {
    try (GatewayHarness gw = GatewayHarness.start(dir)) {
      ClientHome alice = gw.clientWithNetrc("alice");
      String pinned = gw.upstream().commit("acme/lib", "main",
          Map.of("pinned.go", "package lib\n"), "a commit a superproject pins");
      Path work = gw.workDir("pin");
      alice.git(work, "init", "-q").assertOk();

      ProcessResult fetch = alice.git(work, "fetch", "-q", gw.repoUrl(LIB), pinned);

      assertEquals(0, fetch.exitCode(), fetch.stderr());
      assertEquals(pinned, alice.git(work, "rev-parse", "FETCH_HEAD").assertOk().stdout().trim());
    }
  }

  @Test
  void mirrorOnDemand_letsAGoBuildUseAnUnlistedPrivateModule() throws Exception {
    Requires.tools("go");
    try (GatewayHarness gw = GatewayHarness.start(dir,
        GatewayHarness.Options.defaults().withUpstream("mirrorOnDemand", "true"))) {
      gw.upstream().createRepo("acme/extra");
      String c = gw.upstream().commit("acme/extra", "main", Map.of(
          "go.mod", "module github.com/acme/extra\n\ngo 1.19\n",
          "extra.go", "package extra\n\nfunc Hello() string { return \"on demand\" }\n"),
          "extra v0.1.0");
      gw.upstream().tag("acme/extra", "v0.1.0", c, false);
      ClientHome go = goClient(gw);
      Path work = gw.workDir("consumer");
      go.go(work, "mod", "init", "example.com/consumer").assertOk();
      Files.writeString(work.resolve("main.go"), "package main\n\nimport (\n"
          + "\t\"fmt\"\n\t\"github.com/acme/extra\"\n)\n\n"
          + "func main() { fmt.Println(extra.Hello()) }\n");

      ProcessResult get = go.go(work, "get", "github.com/acme/extra@v0.1.0");
      ProcessResult run = go.go(work, "run", ".");

      assertEquals(0, get.exitCode(), get.stderr());
      assertEquals("on demand", run.assertOk().stdout().trim());
      assertTrue(Files.isDirectory(gw.mirrorDir("github.com/acme/extra")));
      ProcessResult missing = gw.clientWithNetrc("alice").git(dir, "ls-remote",
          gw.repoUrl("github.com/acme/nowhere"));
      assertNotEquals(0, missing.exitCode());
      assertTrue(missing.stderr().contains("repository not found"), missing.stderr());
    }
  }

  // ------------------------------------------------------------------------------------ peers

  @Test
  void aWebhookToOneRegion_makesItsPeerServeThePushToo() throws Exception {
    Path usDir = Files.createDirectories(dir.resolve("us"));
    Path euDir = Files.createDirectories(dir.resolve("eu"));
    Files.writeString(usDir.resolve("peer.secret"), "shared-by-all-regions\n");
    Files.writeString(euDir.resolve("peer.secret"), "shared-by-all-regions\n");
    try (GatewayHarness us = GatewayHarness.start(usDir, GatewayHarness.Options.defaults()
            .withTopLevel("peers:\n  urls: []\n  secretFile: peer.secret\n"));
        GatewayHarness eu = GatewayHarness.startBeside(euDir, us, withWebhooks(euDir)
            .withTopLevel("peers:\n  urls: [" + us.url() + "]\n  secretFile: peer.secret\n"
                + "  caFile: " + us.certificate() + "\n"))) {
      HttpClient http = TrustingHttp.client(eu.certificate());
      ClientHome inUs = us.clientWithNetrc("alice");
      ClientHome inEu = eu.clientWithNetrc("alice");
      String commit = us.upstream().commit("acme/lib", "main",
          Map.of("fanout.go", "package lib\n"), "pushed once, seen in both regions");
      String body = pushPayload(eu, "acme/lib");

      HttpResponse<String> r = github(http, eu, body, githubSignature(body, SECRET),
          UUID.randomUUID().toString());

      assertEquals(202, r.statusCode(), r.body());
      assertEquals(commit, await(commit,
          () -> servedId(inEu, dir, eu.repoUrl(LIB), "refs/heads/main")));
      assertEquals(commit, await(commit,
          () -> servedId(inUs, dir, us.repoUrl(LIB), "refs/heads/main")),
          "the peer did not sync on the event (its schedule is 1h)");
      assertTrue(metrics(TrustingHttp.client(us.certificate()), us)
          .matches("(?s).*gitedge_peer_events_total\\{direction=\"received\","
              + "outcome=\"synced\".*"));
    }
  }
}
