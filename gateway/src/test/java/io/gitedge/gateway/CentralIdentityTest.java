package io.gitedge.gateway;

import static io.gitedge.gateway.GatewayHarness.LIB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitedge.auth.SshKey;
import io.gitedge.testing.ClientHome;
import io.gitedge.testing.ClientProcess;
import io.gitedge.testing.HttpStub;
import io.gitedge.testing.ProcessResult;
import java.net.InetAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One central identity source for every region's gateway: JWTs from a real OpenID Connect
 * provider (mock-oauth2-server), opaque tokens through introspection, SSH keys from a central key
 * service; caches that bound revocation and ride out outages.
 */
class CentralIdentityTest {
  @TempDir Path dir;
  MockOAuth2Server idp;
  HttpStub central;
  GatewayHarness gw;
  final Map<String, String> activeTokens = new ConcurrentHashMap<>();
  final Map<String, String> keyOwners = new ConcurrentHashMap<>();

  @BeforeEach
  void start() throws Exception {
    idp = new MockOAuth2Server();
    idp.start(InetAddress.getByName("127.0.0.1"), 0);
    central = HttpStub.start();
    central.route("POST", "/introspect", r -> {
      String token = URLDecoder.decode(r.body().replaceAll("^token=([^&]*).*$", "$1"),
          StandardCharsets.UTF_8);
      String user = activeTokens.get(token);
      return HttpStub.Response.ok(user == null ? "{\"active\":false}"
          : "{\"active\":true,\"aud\":[\"gitedge\"],\"username\":\"" + user + "\",\"groups\":[\"eng\"],\"exp\":"
              + Instant.now().plusSeconds(3600).getEpochSecond() + "}");
    });
    central.route("GET", "/ssh-keys", r -> {
      String fp = URLDecoder.decode(r.query().replace("fingerprint=", ""),
          StandardCharsets.UTF_8);
      String user = keyOwners.get(fp);
      return user == null ? new HttpStub.Response(404, "")
          : HttpStub.Response.ok("{\"user\":\"" + user + "\",\"groups\":[\"eng\"]}");
    });
    Path secret = Files.writeString(dir.resolve("idp.secret"), "client-secret\n");
    gw = GatewayHarness.start(dir.resolve("gw"), GatewayHarness.Options.defaults()
        // the provider's first discovery and key fetch can take seconds on a loaded 2-core
        // machine: these tests are about decisions, not about the 5 s default timeout
        .withIdentity("oidc", "{ issuer: \"" + idp.issuerUrl("default")
            + "\", audience: gitedge, timeout: 30s }")
        .withIdentity("introspection", "{ url: \"" + central.url("/introspect")
            + "\", clientId: gitedge, audience: gitedge, clientSecretFile: " + secret + " }")
        .withIdentity("httpKeys", "{ url: \"" + central.url("/ssh-keys") + "\" }")
        .withIdentity("cacheTtl", "5m")
        .withIdentity("negativeTtl", "30s"));
  }

  @AfterEach
  void stop() {
    if (gw != null) {
      gw.close();
    }
    central.close();
    idp.shutdown();
  }

  private String jwt(String user, String audience, List<String> groups) {
    return idp.issueToken("default", user, audience,
        Map.of("preferred_username", user, "groups", groups), 3600).serialize();
  }

  private ProcessResult lsRemote(ClientHome c) {
    return c.git(gw.workDir("ls"), "ls-remote", gw.repoUrl(LIB));
  }

  // ------------------------------------------------------------------------- OIDC

  @Test
  void aTokenFromTheOidcProvider_clonesAsBearerAndAsBasicPassword() {
    String token = jwt("carol", "gitedge", List.of("eng"));
    ClientHome bearer = gw.client("bearer");
    Path work = gw.workDir("oidc");
    bearer.git(work, "-c", "http.extraHeader=Authorization: Bearer " + token, "clone",
        gw.repoUrl(LIB), "lib-bearer").assertOk();
    ClientHome basic = gw.client("basic");
    basic.addNetrc("127.0.0.1", "carol", token);
    basic.git(work, "clone", gw.repoUrl(LIB), "lib-basic").assertOk();
    assertTrue(Files.exists(work.resolve("lib-basic/go.mod")));
  }

  @Test
  void aTokenForAnotherAudienceOrWithoutTheGroup_doesNotRead() {
    ClientHome other = gw.client("other");
    other.addNetrc("127.0.0.1", "carol", jwt("carol", "another-api", List.of("eng")));
    lsRemote(other).assertFailed();
    ClientHome noGroup = gw.client("nogroup");
    noGroup.addNetrc("127.0.0.1", "carol", jwt("carol", "gitedge", List.of("marketing")));
    ProcessResult r = lsRemote(noGroup).assertFailed();
    assertTrue(r.stderr().contains("repository not found"), r.describe());
  }

  // ------------------------------------------------------------------------- introspection

  /** The cacheTtl these tests configure: a revoked credential must stop working within it. */
  private static final Duration CACHE_TTL = Duration.ofMinutes(5);
  /** How far the clock moves between two tries while a test waits for a refusal. */
  private static final Duration STEP = Duration.ofSeconds(20);

  /**
   * Moves the gateway's clock on by {@link #STEP} until {@code stillAccepted} says no, and returns
   * how long after {@code revokedAt} (on that clock) the refusal came; fails if it never comes
   * within twice the cacheTtl. The first try is made at once.
   */
  private Duration refusalLatency(Instant revokedAt, java.util.concurrent.Callable<Boolean>
      stillAccepted, String row) throws Exception {
    while (Duration.between(revokedAt, gw.clock().instant()).compareTo(CACHE_TTL.multipliedBy(2))
        <= 0) {
      if (!stillAccepted.call()) {
        return Duration.between(revokedAt, gw.clock().instant());
      }
      gw.clock().advance(STEP);
    }
    throw new AssertionError(row + ": still accepted " + CACHE_TTL.multipliedBy(2)
        + " after revocation; cacheTtl is " + CACHE_TTL);
  }

  /** The status of {@code GET info/refs} for {@code token} as basic-auth password. */
  private int infoRefsStatus(String user, String token) throws Exception {
    String basic = java.util.Base64.getEncoder().encodeToString((user + ":" + token)
        .getBytes(StandardCharsets.UTF_8));
    return io.gitedge.testing.TrustingHttp.client(gw.certificate()).send(
        java.net.http.HttpRequest.newBuilder(java.net.URI.create(gw.repoUrl(LIB)
            + "/info/refs?service=git-upload-pack")).header("Authorization", "Basic " + basic)
            .build(), java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  @Test
  void t06_anIntrospectedToken_clones_andIsRefusedWithinTheCacheTtlAfterRevocation()
      throws Exception {
    activeTokens.put("opaque-dave-1", "dave");
    ClientHome dave = gw.client("dave");
    dave.addNetrc("127.0.0.1", "dave", "opaque-dave-1");
    lsRemote(dave).assertOk();
    assertEquals(200, infoRefsStatus("dave", "opaque-dave-1"), "accepted before revocation");

    activeTokens.remove("opaque-dave-1");
    Duration latency = refusalLatency(gw.clock().instant(),
        () -> infoRefsStatus("dave", "opaque-dave-1") == 200, "T06");

    System.out.println("T06: a revoked token refused " + latency + " after revocation (cacheTtl "
        + CACHE_TTL + ", checked every " + STEP + ")");
    assertTrue(latency.compareTo(CACHE_TTL.plus(STEP)) <= 0, "T06: a revoked token was still"
        + " accepted " + latency + " after revocation; cacheTtl is " + CACHE_TTL);
    ProcessResult r = lsRemote(dave).assertFailed();
    assertTrue(r.stderr().contains("could not read") || r.stderr().contains("Authentication"),
        r.describe());
  }

  @Test
  void t06_whileIntrospectionIsDown_aRecentTokenStillWorks_andANewOneGets503() throws Exception {
    activeTokens.put("opaque-known", "dave");
    activeTokens.put("opaque-new", "dave");
    ClientHome known = gw.client("known");
    known.addNetrc("127.0.0.1", "dave", "opaque-known");
    lsRemote(known).assertOk();

    central.setDown(true);
    gw.clock().advance(Duration.ofMinutes(6)); // past cacheTtl: only the stale-if-error copy

    lsRemote(known).assertOk();
    ClientHome fresh = gw.client("fresh");
    fresh.addNetrc("127.0.0.1", "dave", "opaque-new");
    ProcessResult r = lsRemote(fresh).assertFailed();
    assertTrue(r.stderr().contains("gitedge: identity source unavailable"), r.describe());
    assertTrue(r.stderr().contains("503"), r.describe());
  }

  // ------------------------------------------------------------------------- central SSH keys

  private Path sshKey(String name) {
    Path key = dir.resolve("keys").resolve(name);
    ClientProcess.run(dir, ClientProcess.baseEnvironment(), List.of("bash", "-c", "mkdir -p "
        + key.getParent() + " && ssh-keygen -q -t ed25519 -N '' -C " + name + " -f " + key),
        null).assertOk();
    return key;
  }

  @Test
  void aKeyKnownOnlyToTheCentralService_logsIn_andSurvivesItsOutage_butANewKeyDoesNot()
      throws Exception {
    Path erin = sshKey("erin");
    keyOwners.put(SshKey.fromOpenSshLine(GatewayHarness.publicKeyLine(erin)).fingerprint(),
        "erin");
    ClientHome erinClient = gw.client("erin").with("GIT_SSH_COMMAND", gw.sshCommand(erin));
    erinClient.git(dir, "ls-remote", gw.sshUrl(LIB)).assertOk();

    central.setDown(true);
    gw.clock().advance(Duration.ofMinutes(6)); // past cacheTtl: only the stale-if-error copy
    erinClient.git(dir, "ls-remote", gw.sshUrl(LIB)).assertOk();
    gw.clock().advance(Duration.ofMinutes(55)); // past staleIfError (1h) as well
    ProcessResult stale = erinClient.git(dir, "ls-remote", gw.sshUrl(LIB)).assertFailed();
    assertTrue(stale.stderr().contains("Permission denied") || stale.stderr().contains(
        "identity source unavailable"), stale.describe());

    Path frank = sshKey("frank");
    keyOwners.put(SshKey.fromOpenSshLine(GatewayHarness.publicKeyLine(frank)).fingerprint(),
        "frank");
    ClientHome frankClient = gw.client("frank").with("GIT_SSH_COMMAND",
        gw.sshCommand(frank).replace("LogLevel=ERROR", "LogLevel=INFO"));
    ProcessResult r = frankClient.git(dir, "ls-remote", gw.sshUrl(LIB)).assertFailed();
    assertTrue(r.stderr().contains("identity source unavailable"), r.describe());
  }

  @Test
  void whileTheKeyServiceIsDown_aClientWhoseFirstKeyIsUnknown_stillLogsInWithItsFileKey() {
    central.setDown(true);
    Path stranger = sshKey("stranger");
    ClientHome alice = gw.client("alice-two-keys").with("GIT_SSH_COMMAND",
        gw.sshCommand(stranger).replace("LogLevel=ERROR", "LogLevel=INFO") + " -i "
            + gw.key("alice"));

    ProcessResult r = alice.git(dir, "ls-remote", gw.sshUrl(LIB)).assertOk();

    assertTrue(r.stdout().contains("refs/heads/main"), r.describe());
    assertTrue(r.stderr().contains("identity source unavailable"),
        "the banner says why the first key was passed over: " + r.describe());
  }

  /** Runs {@code command} on an open session; returns its exit status and stderr. */
  private static String exec(org.apache.sshd.client.session.ClientSession session, String command)
      throws Exception {
    try (org.apache.sshd.client.channel.ChannelExec ch = session.createExecChannel(command)) {
      java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
      ch.setErr(err);
      ch.setOut(new java.io.ByteArrayOutputStream());
      ch.open().verify(java.time.Duration.ofSeconds(10));
      assertTrue(ch.waitFor(java.util.EnumSet.of(org.apache.sshd.client.channel
          .ClientChannelEvent.CLOSED), java.time.Duration.ofSeconds(10)).contains(
          org.apache.sshd.client.channel.ClientChannelEvent.CLOSED), command + " did not end");
      return ch.getExitStatus() + " " + err.toString(StandardCharsets.UTF_8);
    }
  }

  @Test
  void t07_aKeyRemovedCentrally_isRefusedWithinTheCacheTtl_inNewAndRunningSessions()
      throws Exception {
    Path grace = sshKey("grace");
    String fingerprint = SshKey.fromOpenSshLine(GatewayHarness.publicKeyLine(grace))
        .fingerprint();
    keyOwners.put(fingerprint, "grace");
    ClientHome c = gw.client("grace").with("GIT_SSH_COMMAND", gw.sshCommand(grace));
    c.git(dir, "ls-remote", gw.sshUrl(LIB)).assertOk();
    try (org.apache.sshd.client.SshClient client =
        org.apache.sshd.client.SshClient.setUpDefaultClient()) {
      client.setServerKeyVerifier(new org.apache.sshd.client.keyverifier
          .KnownHostsServerKeyVerifier(org.apache.sshd.client.keyverifier
          .RejectAllServerKeyVerifier.INSTANCE, gw.knownHosts()));
      client.start();
      try (org.apache.sshd.client.session.ClientSession session = client.connect("git",
          "127.0.0.1", gw.sshPort()).verify(java.time.Duration.ofSeconds(10)).getSession()) {
        try (var in = Files.newInputStream(grace)) {
          session.addPublicKeyIdentity(org.apache.sshd.common.util.security.SecurityUtils
              .loadKeyPairIdentities(null, org.apache.sshd.common.NamedResource.ofName("grace"),
                  in, null).iterator().next());
        }
        session.auth().verify(java.time.Duration.ofSeconds(10));
        String before = exec(session, "id");
        assertTrue(before.startsWith("1 gitedge: only git-upload-pack"), before);

        keyOwners.remove(fingerprint);
        // the session logged in before the removal; each command asks again, and gets the
        // cached yes until cacheTtl has run out
        Duration latency = refusalLatency(gw.clock().instant(), () -> {
          String answer = exec(session, "id");
          if (answer.startsWith("255 gitedge: authentication required")) {
            return false;
          }
          assertTrue(answer.startsWith("1 gitedge: only git-upload-pack"), "T07: " + answer);
          return true;
        }, "T07");

        System.out.println("T07: a removed key refused " + latency + " after removal (cacheTtl "
            + CACHE_TTL + ", checked every " + STEP + ")");
        assertTrue(latency.compareTo(CACHE_TTL.plus(STEP)) <= 0, "T07: a removed key still"
            + " ran commands " + latency + " after removal; cacheTtl is " + CACHE_TTL);
        ProcessResult r = c.git(dir, "ls-remote", gw.sshUrl(LIB)).assertFailed();
        assertTrue(r.stderr().contains("Permission denied (publickey)"), r.describe());
      }
    }
  }

  // ------------------------------------------------------------------------- T05

  /**
   * Sends {@code GET path} with {@code token} as bearer over a raw TLS connection (curl and
   * Java's client refuse headers this large) and returns the status line; the request is
   * written from another thread, since the server may answer and close before reading it all.
   */
  private String rawGet(String path, String token) throws Exception {
    javax.net.ssl.SSLSocketFactory f = io.gitedge.testing.TrustingHttp.sslContext(
        gw.certificate()).getSocketFactory();
    try (javax.net.ssl.SSLSocket socket = (javax.net.ssl.SSLSocket) f.createSocket("127.0.0.1",
        gw.port())) {
      socket.setSoTimeout(10_000);
      socket.startHandshake();
      byte[] request = ("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
          + token + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
      Thread writer = new Thread(() -> {
        try {
          socket.getOutputStream().write(request);
          socket.getOutputStream().flush();
        } catch (java.io.IOException e) {
          // the server answered and closed before taking it all: that is the point
        }
      });
      writer.setDaemon(true);
      writer.start();
      java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(
          socket.getInputStream(), StandardCharsets.ISO_8859_1));
      String status = in.readLine();
      return status == null ? "(closed without an answer)" : status;
    }
  }

  /**
   * T05 at the door: a 1 MiB bearer token is refused by the HTTP parser (431) before any
   * identity source sees it, quickly, and a forged JWT with a deeply nested payload that fits
   * the 8 KiB header limit (2,500 levels) is a plain 401; a real clone works right after.
   */
  @Test
  void t05_aOneMebibyteToken_is431_aNestedOne401_quickly_andCloningGoesOn() throws Exception {
    String huge = "eyJhbGciOiJSUzI1NiJ9." + "A".repeat(1 << 20) + ".sig";
    String deep = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
        ("{\"x\":" + "[".repeat(2_500) + "]".repeat(2_500) + "}")
            .getBytes(StandardCharsets.UTF_8));
    // the provider's own header (its kid), keys already fetched by a real clone: the refusal
    // of the forged payload needs no network, so its time is the gateway's alone
    String valid = jwt("carol", "gitedge", List.of("eng"));
    ClientHome warm = gw.client("t05-warm");
    warm.addNetrc("127.0.0.1", "carol", valid);
    lsRemote(warm).assertOk();
    String nested = valid.substring(0, valid.indexOf('.')) + "." + deep + ".c2ln";
    String path = "/" + LIB + ".git/info/refs?service=git-upload-pack";
    StringBuilder figures = new StringBuilder();
    for (String[] c : new String[][] {{huge, " 431 ", "1 MiB token"},
        {nested, " 401 ", "2,500-deep nested payload"}}) {
      long start = System.nanoTime();
      String status = rawGet(path, c[0]);
      long ms = (System.nanoTime() - start) / 1_000_000;
      figures.append(c[2]).append(": ").append(status).append(" in ").append(ms)
          .append(" ms; ");
      assertTrue(status.contains(c[1]), "T05: " + c[2] + " must get" + c[1] + "but got: "
          + status);
      assertTrue(ms < 2_000, "T05: " + c[2] + " took " + ms + " ms");
    }
    System.out.println("T05 door figures: " + figures);
    lsRemote(gw.clientWithNetrc("alice")).assertOk();
  }

  // ------------------------------------------------------------------------- T08, metrics

  @Test
  void t08_tokensAndClientSecrets_neverReachTheLog_andDecisionsAreCounted() throws Exception {
    String jwt = jwt("carol", "gitedge", List.of("eng"));
    String wrongAudience = jwt("carol", "elsewhere", List.of("eng"));
    activeTokens.put("opaque-secret-token-42", "dave");
    String signature = jwt.substring(jwt.lastIndexOf('.') + 1);
    try (LogCapture all = new LogCapture(org.slf4j.Logger.ROOT_LOGGER_NAME,
            ch.qos.logback.classic.Level.INFO);
        LogCapture ours = new LogCapture("io.gitedge", ch.qos.logback.classic.Level.DEBUG)) {
      for (String token : List.of(jwt, wrongAudience, "opaque-secret-token-42",
          "opaque-unknown-token-43")) {
        ClientHome c = gw.client("t08-" + token.hashCode());
        c.addNetrc("127.0.0.1", "someone", token);
        ProcessResult r = lsRemote(c);
        if (token.equals(jwt) || token.startsWith("opaque-secret")) {
          r.assertOk();
        } else {
          r.assertFailed();
        }
      }
      List<String> lines = new java.util.ArrayList<>(all.lines());
      lines.addAll(ours.lines());
      assertTrue(lines.size() > 4);
      for (String line : lines) {
        for (String secret : List.of(jwt, signature, wrongAudience, "opaque-secret-token-42",
            "opaque-unknown-token-43", "client-secret")) {
          assertTrue(!line.contains(secret), "secret in log: " + line);
        }
      }
    }
    java.net.http.HttpResponse<String> metrics = io.gitedge.testing.TrustingHttp.client(
        gw.certificate()).send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(gw.url()
            + "/metrics")).header("Authorization", "Bearer " + gw.token("ops")).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    String text = metrics.body();
    for (String secret : List.of(jwt, signature, wrongAudience, "opaque-secret-token-42",
        "opaque-unknown-token-43", "client-secret")) {
      assertFalse(text.contains(secret), "secret in the metrics");
      java.net.http.HttpResponse<String> answer = io.gitedge.testing.TrustingHttp.client(
          gw.certificate()).send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
              gw.repoUrl(LIB) + "/info/refs?service=git-upload-pack"))
              .header("Authorization", "Bearer " + secret).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString());
      assertFalse(answer.body().contains(secret) || answer.headers().map().toString()
          .contains(secret), "token echoed in a " + answer.statusCode() + " answer");
    }
    assertTrue(text.contains("gitedge_identity_decisions_total{outcome=\"accept\",reason=\"ok\","
        + "region=\"test\",source=\"oidc\"}"), text);
    assertTrue(text.contains("reason=\"bad-audience\""), text);
    assertTrue(text.contains("reason=\"inactive\""), text);
    assertTrue(text.contains("gitedge_identity_cache_hit_ratio{region=\"test\",source=\"oidc\"}"),
        text);
    assertTrue(text.contains("gitedge_identity_source_latency_seconds_count{region=\"test\","
        + "source=\"introspection\"}"), text);
  }
}
