package io.gitedge.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitedge.auth.AccessPolicy;
import io.gitedge.auth.AccessToken;
import io.gitedge.auth.Decision;
import io.gitedge.auth.Principal;
import io.gitedge.gateway.config.PackCacheConfig;
import io.gitedge.gateway.config.UpstreamConfig;
import io.gitedge.gateway.git.CallerAuthenticator;
import io.gitedge.gateway.git.Door;
import io.gitedge.gateway.git.MirrorCatalog;
import io.gitedge.gateway.git.MirrorResolver;
import io.gitedge.gateway.git.ReadPath;
import io.gitedge.gateway.git.UploadPackFactory;
import io.gitedge.gateway.http.Routes.Access;
import io.gitedge.gateway.observe.GatewayMetrics;
import io.gitedge.gateway.packcache.PackCache;
import io.gitedge.store.MirrorName;
import io.gitedge.store.MirrorPolicy;
import io.gitedge.store.MirrorStore;
import io.gitedge.store.StoreConfig;
import io.gitedge.store.UpstreamRoute;
import io.gitedge.sync.ReadFreshness;
import io.gitedge.sync.SyncConfig;
import io.gitedge.sync.SyncScheduler;
import io.gitedge.sync.Trigger;
import io.gitedge.testing.PktLines;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.http.HttpTester;
import org.eclipse.jetty.server.LocalConnector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Smart HTTP through the real read path (resolver, scheduler, store, upload-pack, pack cache) in
 * one process: the upstream is made and mirrored by JGit, requests are raw text on Jetty's
 * {@link LocalConnector}. No git process, no socket, no TLS; what the real clients see over
 * both doors is {@code ReadPathSpec}'s part.
 */
class SmartHttpEndpointTest {
  private static final String ALICE = "gte_alice";
  private static final String MALLORY = "gte_mallory";
  private static final String LIB = "/github.com/acme/lib.git";

  @TempDir Path dir;
  private Server server;
  private LocalConnector local;
  private MirrorStore store;
  private SyncScheduler scheduler;
  private PackCache packCache;
  private GatewayMetrics metrics;
  private String main;

  @BeforeEach
  void start() throws Exception {
    Path work = dir.resolve("work");
    try (Git git = Git.init().setDirectory(work.toFile()).setInitialBranch("main").call()) {
      Files.writeString(work.resolve("go.mod"), "module github.com/acme/lib\n\ngo 1.19\n");
      git.add().addFilepattern("go.mod").call();
      main = git.commit().setMessage("v1.0.0").setSign(false).call().name();
      git.tag().setName("v1.0.0").setAnnotated(false).call();
    }
    Git.cloneRepository().setURI(work.toUri().toString()).setBare(true)
        .setDirectory(dir.resolve("upstream/lib.git").toFile()).call().close();

    MirrorName lib = MirrorName.parse("github.com/acme/lib");
    MirrorCatalog catalog = new MirrorCatalog(List.of(new UpstreamConfig(new UpstreamRoute(
        "github.com/acme", dir.resolve("upstream").toUri().toString().replaceAll("/$", ""),
        Optional.empty(), ".git"), List.of(lib), Duration.ofHours(1), MirrorPolicy.DEFAULT,
        Optional.empty(), false, Optional.empty())));
    store = MirrorStore.open(StoreConfig.defaults(dir.resolve("mirrors")));
    metrics = new GatewayMetrics("test", store, List.of(lib), Clock.systemUTC());
    packCache = PackCache.open(PackCacheConfig.DEFAULTS, dir.resolve("pack-cache"),
        metrics::packCacheRequest);
    scheduler = new SyncScheduler(store, List.copyOf(catalog.plans()), SyncConfig.DEFAULT,
        packCache.syncListener(), Clock.systemUTC());
    assertTrue(scheduler.requestSync(lib, Trigger.ADMIN).get(60, TimeUnit.SECONDS).succeeded());
    ReadFreshness freshness = new ReadFreshness(scheduler, store, Duration.ofSeconds(5),
        Clock.systemUTC());
    MirrorResolver resolver = new MirrorResolver(catalog, new AccessPolicy(false,
        List.of(new AccessPolicy.Rule("github.com/acme/**", Set.of(), Set.of("eng")))), store,
        scheduler, freshness, Duration.ofSeconds(5));
    CallerAuthenticator authenticator = new CallerAuthenticator(credential -> {
      String token = credential instanceof AccessToken t ? t.reveal() : "";
      return switch (token) {
        case ALICE -> new Decision.Accept(Principal.user("alice", Set.of("eng")),
            Optional.empty());
        case MALLORY -> new Decision.Accept(Principal.user("mallory", Set.of("sales")),
            Optional.empty());
        default -> new Decision.Reject("unknown-credential");
      };
    });
    ReadPath reads = new ReadPath(Door.HTTPS, authenticator, resolver,
        new UploadPackFactory(Duration.ofMinutes(1), freshness), packCache, metrics);
    server = new Server();
    local = new LocalConnector(server);
    server.addConnector(local);
    ServletContextHandler ctx = new ServletContextHandler();
    ctx.addServlet(new ServletHolder(new HttpRouter(reads, new Routes().otherwise("other",
        Access.CALLER, new SmartHttpEndpoint(1 << 20,
        new SlowRequestGuard(Duration.ofMinutes(1), Duration.ofMinutes(1)))))), "/*");
    server.setHandler(ctx);
    server.start();
  }

  @AfterEach
  void stop() throws Exception {
    server.stop();
    scheduler.close();
    packCache.close();
    store.close();
  }

  private HttpTester.Response send(String method, String target, String token,
      Map<String, String> headers, byte[] body) throws Exception {
    StringBuilder head = new StringBuilder(method + " " + target + " HTTP/1.1\r\nHost: gw\r\n");
    if (token != null) {
      head.append("Authorization: Bearer ").append(token).append("\r\n");
    }
    headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
    head.append("Content-Length: ").append(body.length).append("\r\nConnection: close\r\n\r\n");
    ByteBuffer request = ByteBuffer.allocate(head.length() + body.length);
    request.put(head.toString().getBytes(StandardCharsets.ISO_8859_1)).put(body).flip();
    return HttpTester.parseResponse(local.getResponse(request));
  }

  private HttpTester.Response get(String target, String token, Map<String, String> headers)
      throws Exception {
    return send("GET", target, token, headers, new byte[0]);
  }

  private HttpTester.Response uploadPack(String token, String... lines) throws Exception {
    return send("POST", LIB + "/git-upload-pack", token, Map.of("Content-Type",
        "application/x-git-upload-pack-request", "Git-Protocol", "version=2"),
        PktLines.of(lines));
  }

  private static String body(HttpTester.Response r) {
    return new String(r.getContentBytes(), StandardCharsets.ISO_8859_1);
  }

  @Test
  void infoRefs_v0_isTheServicePreambleAndTheRefs_v2_isTheCapabilities() throws Exception {
    HttpTester.Response v0 = get(LIB + "/info/refs?service=git-upload-pack", ALICE, Map.of());
    assertEquals(200, v0.getStatus());
    assertEquals("application/x-git-upload-pack-advertisement", v0.get("Content-Type"));
    assertTrue(body(v0).startsWith("001e# service=git-upload-pack\n0000"), body(v0));
    assertTrue(body(v0).contains(main + " refs/tags/v1.0.0"), body(v0));
    HttpTester.Response v2 = get(LIB + "/info/refs?service=git-upload-pack", ALICE,
        Map.of("Git-Protocol", "version=2"));
    assertTrue(body(v2).contains("version 2") && body(v2).contains("ls-refs"), body(v2));
    assertFalse(body(v2).contains(main), "v2 lists refs only when asked");
    // the v2 answer is kept after the first one: a v0 client still gets the refs, and a v2
    // client gets the same capabilities again
    HttpTester.Response v0Again = get(LIB + "/info/refs?service=git-upload-pack", ALICE,
        Map.of("Git-Protocol", "version=1"));
    assertTrue(body(v0Again).contains(main + " refs/tags/v1.0.0"), body(v0Again));
    HttpTester.Response v2Again = get(LIB + "/info/refs?service=git-upload-pack", ALICE,
        Map.of("Git-Protocol", "object-format=sha1:version=2"));
    assertEquals(body(v2), body(v2Again));
    assertEquals(v2.get("Content-Length"), v2Again.get("Content-Length"));
  }

  @Test
  void lsRefsAndFetch_areAnswered_andAnIdenticalCloneFromThePackCache() throws Exception {
    HttpTester.Response refs = uploadPack(ALICE, "command=ls-refs", "0001", "peel", "0000");
    assertTrue(body(refs).contains(main + " refs/heads/main"), body(refs));
    String[] clone = {"command=fetch", "0001", "no-progress", "want " + main, "done", "0000"};
    HttpTester.Response first = uploadPack(ALICE, clone);
    HttpTester.Response second = uploadPack(ALICE, clone);
    assertEquals(200, first.getStatus());
    assertTrue(body(first).contains("packfile\n") && body(first).contains("PACK"), body(first));
    assertEquals(body(first), body(second), "byte for byte");
    assertTrue(metrics.scrape().contains("gitedge_pack_cache_requests_total{region=\"test\","
        + "request=\"fetch\",result=\"hit\"} 1.0"), metrics.scrape());
  }

  @Test
  void aPush_isRefusedNamingTheUpstream_forThoseWhoMayRead() throws Exception {
    HttpTester.Response push = get(LIB + "/info/refs?service=git-receive-pack", ALICE, Map.of());
    assertEquals(403, push.getStatus());
    assertTrue(body(push).startsWith("gitedge: github.com/acme/lib is a read-only mirror of file:"),
        body(push));
    HttpTester.Response stranger = get(LIB + "/info/refs?service=git-receive-pack", MALLORY,
        Map.of());
    assertEquals(404, stranger.getStatus(), "who may not read learns nothing, not even that");
  }

  @Test
  void unknownForbiddenAndDumbRequests_areTheSameNotFound_anonymousOnes401() throws Exception {
    HttpTester.Response forbidden = get(LIB + "/info/refs?service=git-upload-pack", MALLORY,
        Map.of());
    HttpTester.Response unknown = get("/github.com/acme/nope.git/info/refs?service="
        + "git-upload-pack", ALICE, Map.of());
    HttpTester.Response dumb = get(LIB + "/HEAD", ALICE, Map.of());
    HttpTester.Response dumbRefs = get(LIB + "/info/refs", ALICE, Map.of());
    for (HttpTester.Response r : List.of(forbidden, unknown, dumb, dumbRefs)) {
      assertEquals(404, r.getStatus());
      assertEquals("repository not found\n", body(r));
    }
    assertEquals(401, get(LIB + "/info/refs?service=git-upload-pack", null, Map.of())
        .getStatus());
  }

  @Test
  void anUploadPackPostThatIsNotOne_is400() throws Exception {
    HttpTester.Response r = send("POST", LIB + "/git-upload-pack", ALICE,
        Map.of("Content-Type", "text/plain"), "hello".getBytes(StandardCharsets.US_ASCII));
    assertEquals(400, r.getStatus());
    assertEquals("expected Content-Type application/x-git-upload-pack-request\n", body(r));
  }
}
