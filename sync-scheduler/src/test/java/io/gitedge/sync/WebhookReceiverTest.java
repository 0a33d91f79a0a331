package io.gitedge.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitedge.store.MirrorName;
import io.gitedge.store.MirrorStore;
import io.gitedge.store.StoreConfig;
import io.gitedge.store.Upstream;
import io.gitedge.store.UpstreamRoute;
import io.gitedge.testing.TestUpstream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Catalogue rows W01 (signatures, per provider), W02 (replays), W03 (malformed bodies) and W05
 * (payload URLs are matched, never contacted), against a real store and scheduler.
 */
class WebhookReceiverTest {
  private static final String SECRET = "It's a Secret to Everybody";
  @TempDir Path dir;
  private TestUpstream upstream;
  private MirrorStore real;
  private WatchedStore counting;
  private SyncScheduler scheduler;
  private WebhookReceiver receiver;
  private MirrorName lib;

  @BeforeEach
  void setUp() throws Exception {
    upstream = TestUpstream.create(dir);
    upstream.createRepo("acme/lib");
    upstream.commit("acme/lib", "main", Map.of("README", "hi\n"), "first");
    real = MirrorStore.open(StoreConfig.defaults(dir.resolve("mirrors")));
    counting = new WatchedStore(real, false);
    lib = MirrorName.parse("github.com/acme/lib");
    // the upstream is really on disk; the route says where webhooks will claim it lives
    UpstreamRoute route = new UpstreamRoute("github.com/acme", "https://github.com/acme",
        Optional.empty(), ".git");
    SyncPlan plan = new SyncPlan(lib, new Upstream(upstream.fileUrl() + "/acme/lib.git",
        Optional.empty()), Duration.ofHours(1));
    scheduler = new SyncScheduler(counting, List.of(plan), SyncConfig.DEFAULT,
        SyncListener.NONE);
    Path secret = Files.writeString(dir.resolve("hook.secret"), SECRET + "\n");
    receiver = new WebhookReceiver(List.of(new WebhookReceiver.Target(route, secret)), scheduler,
        Clock.systemUTC());
  }

  @AfterEach
  void tearDown() {
    scheduler.close();
    real.close();
    upstream.close();
  }

  private static String githubPush(String repo) {
    return "{\"ref\":\"refs/tags/v1.2.0\",\"repository\":{\"full_name\":\"acme/" + repo + "\","
        + "\"clone_url\":\"https://github.com/acme/" + repo + ".git\","
        + "\"html_url\":\"https://github.com/acme/" + repo + "\","
        + "\"ssh_url\":\"git@github.com:acme/" + repo + ".git\"}}";
  }

  private static String hmac(String secret, String body) {
    return HexFormat.of().formatHex(HookSignatures.hmac(secret.getBytes(StandardCharsets.UTF_8),
        body.getBytes(StandardCharsets.UTF_8)));
  }

  private WebhookReceiver.Answer send(WebhookProvider p, Map<String, String> headers,
      String body) {
    Map<String, String> lower = new HashMap<>();
    headers.forEach((k, v) -> lower.put(k.toLowerCase(), v));
    return receiver.receive(p, lower::get, body.getBytes(StandardCharsets.UTF_8));
  }

  private void awaitSyncs(int n) throws Exception {
    scheduler.requestSync(lib, Trigger.ADMIN).get(60, TimeUnit.SECONDS); // drains the flight
    assertEquals(n + 1, counting.total.get(), "syncs besides the draining one");
  }

  // ------------------------------------------------------------------------------ W01

  @Test
  void w01_eachProvidersOwnSignature_isAccepted() throws Exception {
    String gh = githubPush("lib");
    assertEquals(WebhookReceiver.Outcome.ACCEPTED, send(WebhookProvider.GITHUB,
        Map.of("X-Hub-Signature-256", "sha256=" + hmac(SECRET, gh)), gh).outcome());
    assertEquals(List.of(lib), send(WebhookProvider.GITEA,
        Map.of("X-Gitea-Signature", hmac(SECRET, gh)), gh).synced());
    String bb = "{\"repository\":{\"links\":{\"html\":{\"href\":\"https://github.com/acme/lib\"},"
        + "\"clone\":[{\"name\":\"ssh\",\"href\":\"ssh://git@github.com/acme/lib.git\"}]}}}";
    assertEquals(List.of(lib), send(WebhookProvider.BITBUCKET,
        Map.of("X-Hub-Signature", "sha256=" + hmac(SECRET, bb)), bb).synced());
    String gl = "{\"object_kind\":\"tag_push\",\"project\":{\"git_http_url\":"
        + "\"https://github.com/acme/lib.git\",\"git_ssh_url\":\"git@github.com:acme/lib.git\"}}";
    assertEquals(List.of(lib), send(WebhookProvider.GITLAB, Map.of("X-Gitlab-Token", SECRET), gl)
        .synced());
    String generic = "{\"repository\":\"https://github.com/acme/lib.git\"}";
    assertEquals(List.of(lib), send(WebhookProvider.GENERIC, Map.of("X-GitEdge-Signature",
        HookSignatures.sign(generic.getBytes(StandardCharsets.UTF_8),
            SECRET.getBytes(StandardCharsets.UTF_8), Instant.now())), generic).synced());
  }

  @Test
  void w01_missingWrongOldOrReserialisedSignatures_are401_andSyncNothing() throws Exception {
    String gh = githubPush("lib");
    String pretty = gh.replace(",", ", ").replace(":", ": ");
    String sha1 = HexFormat.of().formatHex(sha1(SECRET, gh));
    List<Map<String, String>> bad = List.of(
        Map.of(),
        Map.of("X-Hub-Signature-256", "sha256=" + hmac("wrong secret", gh)),
        Map.of("X-Hub-Signature", "sha1=" + sha1),
        Map.of("X-Hub-Signature-256", "SHA256=" + hmac(SECRET, gh)),
        Map.of("X-Hub-Signature-256", hmac(SECRET, gh)),
        Map.of("X-Hub-Signature-256", "sha256=" + hmac(SECRET, pretty)),
        Map.of("X-Hub-Signature-256", "sha256=" + hmac(SECRET, gh).substring(2)),
        Map.of("X-Hub-Signature-256", "sha256=zz" + hmac(SECRET, gh).substring(2)));
    for (Map<String, String> h : bad) {
      WebhookReceiver.Answer a = send(WebhookProvider.GITHUB, h, gh);
      assertEquals(WebhookReceiver.Outcome.BAD_SIGNATURE, a.outcome(), h.toString());
    }
    assertEquals(WebhookReceiver.Outcome.BAD_SIGNATURE, send(WebhookProvider.GITLAB, Map.of("X-Gitlab-Token", SECRET + "x"), gh)
        .outcome());
    assertEquals(WebhookReceiver.Outcome.BAD_SIGNATURE, send(WebhookProvider.GITLAB, Map.of("X-Gitlab-Token", ""), gh).outcome());
    assertEquals(WebhookReceiver.Outcome.BAD_SIGNATURE, send(WebhookProvider.GITEA, Map.of("X-Gitea-Signature",
        hmac("nope", gh)), gh).outcome());
    awaitSyncs(0);
  }

  /**
   * W01, the code check: signatures and tokens are compared with {@code MessageDigest.isEqual}
   * (constant time), never with {@code equals} or {@code Arrays.equals}, which stop at the first
   * differing byte.
   */
  @Test
  void w01_signaturesAreComparedInConstantTime() throws Exception {
    String source = Files.readString(Path.of("src/main/java/io/gitedge/sync/HookSignatures.java"));
    assertTrue(source.split("MessageDigest\\.isEqual\\(", -1).length - 1 >= 2,
        "W01: HMAC and token comparisons must use MessageDigest.isEqual");
    for (String unsafe : List.of("Arrays.equals(", "equalsIgnoreCase(", ".equals(expected",
        ".equals(secret", ".equals(given", ".equals(hex", ".equals(token")) {
      assertTrue(!source.contains(unsafe), "W01: HookSignatures compares with " + unsafe);
    }
  }

  private static byte[] sha1(String secret, String body) throws Exception {
    javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA1");
    mac.init(new javax.crypto.spec.SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8),
        "HmacSHA1"));
    return mac.doFinal(body.getBytes(StandardCharsets.UTF_8));
  }

  // ------------------------------------------------------------------------------ W02

  @Test
  void w02_oneDeliveryReceivedFiftyTimes_syncsOnce() throws Exception {
    String gh = githubPush("lib");
    Map<String, String> h = Map.of("X-Hub-Signature-256", "sha256=" + hmac(SECRET, gh),
        "X-GitHub-Delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958");
    assertEquals(WebhookReceiver.Outcome.ACCEPTED, send(WebhookProvider.GITHUB, h, gh)
        .outcome());
    scheduler.requestSync(lib, Trigger.ADMIN).get(60, TimeUnit.SECONDS);
    int before = counting.total.get();
    for (int i = 0; i < 49; i++) {
      WebhookReceiver.Answer a = send(WebhookProvider.GITHUB, h, gh);
      assertEquals(WebhookReceiver.Outcome.DUPLICATE, a.outcome());
    }
    assertEquals(before, counting.total.get(), "duplicates must not sync");
  }

  @Test
  void w02_aReplayAfterTheDedupeTtl_syncsAtMostOnceMore() throws Exception {
    io.gitedge.testing.TestClock clock = new io.gitedge.testing.TestClock();
    WebhookReceiver timed = new WebhookReceiver(List.of(new WebhookReceiver.Target(
        new UpstreamRoute("github.com/acme", "https://github.com/acme", Optional.empty(), ".git"),
        dir.resolve("hook.secret"))), scheduler, clock);
    String gh = githubPush("lib");
    Map<String, String> h = new HashMap<>(Map.of("x-hub-signature-256", "sha256="
        + hmac(SECRET, gh), "x-github-delivery", "replayed-delivery-1"));
    byte[] body = gh.getBytes(StandardCharsets.UTF_8);
    assertEquals(WebhookReceiver.Outcome.ACCEPTED, timed.receive(WebhookProvider.GITHUB, h::get,
        body).outcome());
    scheduler.requestSync(lib, Trigger.ADMIN).get(60, TimeUnit.SECONDS);
    int before = counting.total.get();
    clock.advance(WebhookReceiver.DEDUPE_TTL.minusSeconds(1));
    assertEquals(WebhookReceiver.Outcome.DUPLICATE, timed.receive(WebhookProvider.GITHUB, h::get,
        body).outcome(), "W02: a redelivery within the dedupe TTL must be a duplicate");
    assertEquals(before, counting.total.get(), "W02: a duplicate synced");

    clock.advance(Duration.ofSeconds(2));
    assertEquals(WebhookReceiver.Outcome.ACCEPTED, timed.receive(WebhookProvider.GITHUB, h::get,
        body).outcome(), "W02: a redelivery after the dedupe TTL is a new delivery");
    for (int i = 0; i < 19; i++) {
      assertEquals(WebhookReceiver.Outcome.DUPLICATE, timed.receive(WebhookProvider.GITHUB,
          h::get, body).outcome(), "W02: the replay after the TTL is remembered again");
    }
    scheduler.requestSync(lib, Trigger.ADMIN).get(60, TimeUnit.SECONDS);
    int after = counting.total.get() - before;
    assertTrue(after >= 1 && after <= 2, "W02: 20 replays after the TTL made " + after
        + " syncs besides the draining one's; at most one more is allowed");
  }

  @Test
  void w02_aGenericSignatureOlderThanFiveMinutes_isRefused() {
    String generic = "{\"repository\":\"https://github.com/acme/lib.git\"}";
    String old = HookSignatures.sign(generic.getBytes(StandardCharsets.UTF_8),
        SECRET.getBytes(StandardCharsets.UTF_8), Instant.now().minusSeconds(301));
    assertEquals(WebhookReceiver.Outcome.BAD_SIGNATURE, send(WebhookProvider.GENERIC, Map.of("X-GitEdge-Signature", old), generic)
        .outcome());
    // a timestamp beyond what a date can hold is as wrong, not an error of the gateway's
    assertEquals(WebhookReceiver.Outcome.BAD_SIGNATURE, send(WebhookProvider.GENERIC, Map.of("X-GitEdge-Signature",
        "t=99999999999999999,v1=00"), generic).outcome());
    assertEquals(WebhookReceiver.Outcome.BAD_SIGNATURE, send(WebhookProvider.GENERIC, Map.of("X-GitEdge-Signature",
        "t=-9223372036854775808,v1=00"), generic).outcome());
  }

  // ------------------------------------------------------------------------------ W03

  @Test
  void w03_signedButMalformedOrDeeplyNestedBodies_are400() {
    for (String body : List.of("not json", "[1,2]", "{\"repository\":" + "[".repeat(5000)
        + "]".repeat(5000) + "}", "{\"repository\": {\"clone_url\": ")) {
      WebhookReceiver.Answer a = send(WebhookProvider.GITHUB,
          Map.of("X-Hub-Signature-256", "sha256=" + hmac(SECRET, body)), body);
      assertEquals(WebhookReceiver.Outcome.MALFORMED, a.outcome(),
          body.substring(0, Math.min(40, body.length())));
    }
  }

  // ------------------------------------------------------------------------------ W05

  @Test
  void w05_urlsInPayloads_areOnlyCompared_neverContacted_andUnknownReposGetTheSame202()
      throws Exception {
    try (ServerSocket trap = new ServerSocket(0, 50,
        java.net.InetAddress.getLoopbackAddress())) {
      trap.setSoTimeout(1);
      String body = "{\"repository\":{\"clone_url\":\"http://127.0.0.1:" + trap.getLocalPort()
          + "/acme/lib.git\",\"html_url\":\"file:///etc/passwd\",\"ssh_url\":"
          + "\"ext::sh -c touch% /tmp/pwned\",\"git_url\":\"--upload-pack=touch /tmp/pwned\"}}";
      WebhookReceiver.Answer a = send(WebhookProvider.GITHUB,
          Map.of("X-Hub-Signature-256", "sha256=" + hmac(SECRET, body)), body);
      assertEquals(WebhookReceiver.Outcome.IGNORED, a.outcome());
      String unknown = githubPush("not-mirrored");
      WebhookReceiver.Answer u = send(WebhookProvider.GITHUB,
          Map.of("X-Hub-Signature-256", "sha256=" + hmac(SECRET, unknown)), unknown);
      assertEquals(WebhookReceiver.Outcome.IGNORED, u.outcome());
      assertEquals(a.body(), u.body(), "the sender cannot tell what is mirrored");
      awaitSyncs(0);
      try {
        trap.accept().close();
        throw new AssertionError("a payload URL was contacted");
      } catch (java.net.SocketTimeoutException expected) {
        // nobody called
      }
      assertTrue(java.nio.file.Files.notExists(Path.of("/tmp/pwned")));
    }
  }

  @Test
  void repositoryUrls_compareAcrossSchemesAndSpellings() {
    assertEquals(Optional.of("github.com/acme/lib"), RepoUrls.key("git@github.com:acme/lib.git"));
    assertEquals(Optional.of("github.com/acme/lib"), RepoUrls.key("https://GitHub.com/acme/lib/"));
    assertEquals(Optional.of("github.com/acme/lib"), RepoUrls.key("ssh://git@github.com:22/acme/lib"));
    assertEquals(Optional.of("git.example.com:8443/acme/lib"),
        RepoUrls.key("https://git.example.com:8443/acme/lib.git"));
    assertEquals(Optional.empty(), RepoUrls.key("file:///etc/passwd"));
    assertEquals(Optional.empty(), RepoUrls.key("ext::sh -c touch"));
    assertEquals(Optional.empty(), RepoUrls.key("https://github.com/acme/../etc"));
  }
}
