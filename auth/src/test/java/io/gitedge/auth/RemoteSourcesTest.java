package io.gitedge.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitedge.testing.HttpStub;
import io.gitedge.testing.TestClock;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Introspection (catalogue T06) and the central key service, against stubs the test controls. */
class RemoteSourcesTest {
  @TempDir Path dir;
  HttpStub idp;
  final Map<String, String> activeTokens = new ConcurrentHashMap<>();
  final Map<String, String> rawAnswers = new ConcurrentHashMap<>();

  @BeforeEach
  void setUp() {
    idp = HttpStub.start();
    String expectedAuth = "Basic " + Base64.getEncoder().encodeToString(
        "gitedge:client-secret".getBytes(StandardCharsets.UTF_8));
    idp.route("POST", "/introspect", r -> {
      if (!expectedAuth.equals(r.header("Authorization"))) {
        return new HttpStub.Response(401, "{\"error\":\"invalid_client\"}");
      }
      String token = java.net.URLDecoder.decode(r.body().replaceAll("^token=([^&]*).*$", "$1"),
          StandardCharsets.UTF_8);
      String raw = rawAnswers.get(token);
      if (raw != null) {
        return HttpStub.Response.ok(raw);
      }
      String user = activeTokens.get(token);
      return HttpStub.Response.ok(user == null ? "{\"active\":false}"
          : "{\"active\":true,\"aud\":\"gitedge\",\"username\":\"" + user + "\",\"groups\":[\"eng\"],\"exp\":"
              + Instant.now().plusSeconds(3600).getEpochSecond() + "}");
    });
  }

  @AfterEach
  void tearDown() {
    idp.close();
  }

  private IntrospectionIdentitySource introspection() throws Exception {
    Path secret = Files.writeString(dir.resolve("secret"), "client-secret\n");
    return new IntrospectionIdentitySource(new IntrospectionConfig(
        URI.create(idp.url("/introspect")), "gitedge", "gitedge", secret, "username", "groups",
        Duration.ofSeconds(1), Optional.empty()), false);
  }

  @Test
  void t06_anActiveTokenIsAccepted_andARevokedOneRefusedWithinTheCacheTtl() throws Exception {
    activeTokens.put("opaque-1", "alice");
    TestClock clock = new TestClock();
    CachingIdentitySource cached = new CachingIdentitySource(introspection(),
        new IdentityCacheConfig(Duration.ofMinutes(5), Duration.ofSeconds(30), Duration.ofHours(1),
            100), clock, () -> clock.instant().toEpochMilli() * 1_000_000);
    assertEquals(Optional.of(Principal.user("alice", Set.of("eng"))),
        cached.authenticate(AccessToken.of("opaque-1")));

    activeTokens.remove("opaque-1");
    clock.advance(Duration.ofMinutes(4));
    assertInstanceOf(Decision.Accept.class, cached.decide(AccessToken.of("opaque-1")),
        "within cacheTtl the source's yes still counts");
    clock.advance(Duration.ofMinutes(1).plusSeconds(1));
    Decision d = cached.decide(AccessToken.of("opaque-1"));
    assertEquals("inactive", ((Decision.Reject) d).reason(), "refused once cacheTtl is over");
  }

  @Test
  void t06_errorsAndTimeouts_areNeverCachedAsActive() throws Exception {
    IntrospectionIdentitySource s = introspection();
    idp.setDown(true);
    assertInstanceOf(Decision.Unavailable.class, s.decide(AccessToken.of("x")));
    idp.setDown(false);
    idp.setDelay(Duration.ofSeconds(3));
    assertInstanceOf(Decision.Unavailable.class, s.decide(AccessToken.of("x")));
    idp.setDelay(Duration.ZERO);
    Path wrong = Files.writeString(dir.resolve("wrong"), "nope\n");
    IntrospectionIdentitySource badClient = new IntrospectionIdentitySource(
        new IntrospectionConfig(URI.create(idp.url("/introspect")), "gitedge", "gitedge", wrong,
            "username", "groups", Duration.ofSeconds(1), Optional.empty()), false);
    assertInstanceOf(Decision.Unavailable.class, badClient.decide(AccessToken.of("x")),
        "a provider refusing the gateway itself is not a verdict on the token");
  }

  @Test
  void activeTokensIssuedForOtherServices_orOfOtherKinds_areRefused() throws Exception {
    long exp = Instant.now().plusSeconds(3600).getEpochSecond();
    rawAnswers.put("other-api", "{\"active\":true,\"aud\":\"some-other-api\","
        + "\"username\":\"mallory\",\"groups\":[\"admins\"],\"exp\":" + exp + "}");
    rawAnswers.put("no-aud", "{\"active\":true,\"username\":\"mallory\",\"exp\":" + exp
        + "}");
    rawAnswers.put("refresh", "{\"active\":true,\"aud\":\"gitedge\",\"token_type\":"
        + "\"refresh_token\",\"username\":\"mallory\",\"exp\":" + exp + "}");
    rawAnswers.put("listed", "{\"active\":true,\"aud\":[\"x\",\"gitedge\"],\"token_type\":"
        + "\"Bearer\",\"username\":\"alice\",\"exp\":" + exp + "}");
    IntrospectionIdentitySource s = introspection();
    assertEquals("bad-audience", ((Decision.Reject) s.decide(AccessToken.of("other-api")))
        .reason());
    assertEquals("bad-audience", ((Decision.Reject) s.decide(AccessToken.of("no-aud")))
        .reason());
    assertEquals("bad-type", ((Decision.Reject) s.decide(AccessToken.of("refresh"))).reason());
    assertEquals("alice", s.decide(AccessToken.of("listed")).acceptedPrincipal().orElseThrow()
        .name());
  }

  @Test
  void jwts_areLeftToTheOidcSource() throws Exception {
    assertInstanceOf(Decision.Pass.class, introspection().decide(AccessToken.of("a.b.c")));
  }

  @Test
  void httpKeys_answerKnownUnknownAndDown() {
    SshKey known = SshKey.fromOpenSshLine(SshCredentialsTest.ALICE_KEY);
    SshKey unknown = SshKey.fromOpenSshLine(SshCredentialsTest.CA_KEY);
    idp.route("GET", "/ssh-keys", r -> r.query().equals("fingerprint="
        + java.net.URLEncoder.encode(known.fingerprint(), StandardCharsets.UTF_8))
        ? HttpStub.Response.ok("{\"user\":\"alice\",\"groups\":[\"eng\"]}")
        : new HttpStub.Response(404, ""));
    HttpKeysIdentitySource s = new HttpKeysIdentitySource(new HttpKeysConfig(
        URI.create(idp.url("/ssh-keys")), Optional.empty(), Duration.ofSeconds(1),
        Optional.empty()));
    assertEquals(Optional.of(Principal.user("alice", Set.of("eng"))), s.authenticate(known));
    assertEquals("unknown-key", ((Decision.Reject) s.decide(unknown)).reason());
    idp.setDown(true);
    assertInstanceOf(Decision.Unavailable.class, s.decide(known));
  }

  @Test
  void theIdentityFile_isReloadedWhenItChanges_andABrokenVersionKeepsTheLastGoodOne()
      throws Exception {
    Path f = dir.resolve("identity.yaml");
    AccessToken t1 = AccessToken.generate();
    IdentityFile.addToken(f, "alice", Set.of("eng"), t1.hash());
    ReloadingIdentityFile file = new ReloadingIdentityFile(f, Duration.ZERO);
    assertInstanceOf(Decision.Accept.class, file.decide(t1));

    AccessToken t2 = AccessToken.generate();
    IdentityFile.addToken(f, "bob", Set.of("ops"), t2.hash());
    assertEquals("bob", file.authenticate(t2).orElseThrow().name());

    Files.writeString(f, Files.readString(f) + "  carol:\n    tokenz: []\n");
    assertEquals("bob", file.authenticate(t2).orElseThrow().name(), "last good version kept");
    assertInstanceOf(Decision.Accept.class, file.decide(t1));
  }
}
