package io.gitedge.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitedge.auth.AccessPolicy;
import io.gitedge.auth.AccessToken;
import io.gitedge.auth.Decision;
import io.gitedge.auth.Principal;
import io.gitedge.gateway.git.CallerAuthenticator;
import io.gitedge.gateway.git.Door;
import io.gitedge.gateway.git.ErrorSamples;
import io.gitedge.gateway.git.GatewayException;
import io.gitedge.gateway.git.MirrorCatalog;
import io.gitedge.gateway.git.MirrorResolver;
import io.gitedge.gateway.git.ReadPath;
import io.gitedge.gateway.http.Routes.Access;
import io.gitedge.gateway.observe.GatewayMetrics;
import io.gitedge.store.MirrorStore;
import io.gitedge.store.StoreConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.http.HttpTester;
import org.eclipse.jetty.server.LocalConnector;
import org.eclipse.jetty.server.Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTPS door's router and error mapping in memory: Jetty's {@link LocalConnector} with raw
 * request text, no socket, no TLS, no mirrors. What each refusal looks like on the wire, which
 * routes ask for credentials, and that every error type has an answer.
 */
class HttpRouterTest {
  private static final String TOKEN = "gte_test-token";

  @TempDir Path dir;
  private Server server;
  private LocalConnector local;
  private MirrorStore store;
  private GatewayMetrics metrics;

  @BeforeEach
  void start() throws Exception {
    store = MirrorStore.open(StoreConfig.defaults(dir.resolve("mirrors")));
    metrics = new GatewayMetrics("test", store, List.of(), Clock.systemUTC());
    CallerAuthenticator authenticator = new CallerAuthenticator(credential ->
        credential instanceof AccessToken t && t.reveal().equals(TOKEN)
            ? new Decision.Accept(new Principal("alice", Set.of("eng"), false), Optional.empty())
            : new Decision.Reject("unknown-credential"));
    MirrorResolver resolver = new MirrorResolver(new MirrorCatalog(List.of()),
        new AccessPolicy(false, List.of()), store, null, null, Duration.ZERO);
    ReadPath reads = new ReadPath(Door.HTTPS, authenticator, resolver, null, null, metrics);
    Routes routes = new Routes()
        .exact("/healthz", "healthz", Access.PROBE, call -> call.line(200, "ok"))
        .prefix("/hooks/", "hook", Access.SIGNED, call -> call.line(202, "taken"))
        .prefix("/fail/", "fail", Access.SIGNED, call -> {
          throw sample(call.path().substring("/fail/".length()));
        })
        .exact("/whoami", "whoami", Access.CALLER, call -> {
          call.session().requireCaller();
          return call.line(200, call.session().caller().name());
        })
        .otherwise("other", Access.CALLER, Routes::notFound);
    server = new Server();
    local = new LocalConnector(server);
    server.addConnector(local);
    ServletContextHandler ctx = new ServletContextHandler();
    ctx.addServlet(new ServletHolder(new HttpRouter(reads, routes)), "/*");
    server.setHandler(ctx);
    server.start();
  }

  @AfterEach
  void stop() throws Exception {
    server.stop();
    store.close();
  }

  private static GatewayException sample(String simpleName) {
    return ErrorSamples.all().stream().filter(e -> e.getClass().getSimpleName()
        .equals(simpleName)).findFirst().orElseThrow();
  }

  private HttpTester.Response get(String target, String... headers) throws Exception {
    StringBuilder req = new StringBuilder("GET " + target + " HTTP/1.1\r\nHost: gw\r\n");
    for (String h : headers) {
      req.append(h).append("\r\n");
    }
    req.append("Connection: close\r\n\r\n");
    return HttpTester.parseResponse(local.getResponse(req.toString()));
  }

  // ------------------------------------------------------------------------- error mapping

  @Test
  void everyErrorType_hasAnHttpAnswer() {
    for (Class<?> type : ErrorSamples.types()) {
      assertTrue(HttpErrorMapper.ANSWERS.containsKey(type), type.getSimpleName()
          + " has no answer in HttpErrorMapper.ANSWERS");
    }
  }

  @Test
  void everyRefusal_isItsStatusWithItsMessageAsOnePlainLine() throws Exception {
    for (GatewayException e : ErrorSamples.all()) {
      if (e instanceof GatewayException.ClientGone) {
        continue; // nothing is sent to a client that is gone
      }
      HttpTester.Response r = get("/fail/" + e.getClass().getSimpleName());
      String what = e.getClass().getSimpleName();
      assertEquals(HttpErrorMapper.answer(e).status(), r.getStatus(), what);
      assertEquals("text/plain;charset=utf-8", r.get("Content-Type").replace(" ", ""), what);
      assertEquals(e.getMessage() + "\n", r.getContent(), what);
      assertTrue(r.get("Cache-Control").contains("no-cache"), what);
    }
  }

  @Test
  void theStatusesGitAndGoRelyOn() throws Exception {
    HttpTester.Response unauthenticated = get("/fail/Unauthenticated");
    assertEquals(401, unauthenticated.getStatus());
    assertEquals("Basic realm=\"gitedge\"", unauthenticated.get("WWW-Authenticate"));
    HttpTester.Response badSignature = get("/fail/BadSignature");
    assertEquals(401, badSignature.getStatus());
    assertNull(badSignature.get("WWW-Authenticate"), "a webhook sender has no password to try");
    assertEquals(404, get("/fail/MirrorNotFound").getStatus());
    assertEquals(403, get("/fail/ReadOnly").getStatus());
    HttpTester.Response busy = get("/fail/Busy");
    assertEquals(503, busy.getStatus());
    assertEquals("10", busy.get("Retry-After"));
    HttpTester.Response method = get("/fail/MethodNotAllowed");
    assertEquals(405, method.getStatus());
    assertEquals("POST", method.get("Allow"));
    assertEquals(413, get("/fail/TooLarge").getStatus());
    HttpTester.Response internal = get("/fail/Internal");
    assertEquals(500, internal.getStatus());
    assertFalse(internal.getContent().contains("a bug"), "details stay in the log");
  }

  // ------------------------------------------------------------------------- routes

  @Test
  void probesAndSignedRoutes_needNoCredentials_callerRoutesDo() throws Exception {
    assertEquals(200, get("/healthz").getStatus());
    assertEquals(202, get("/hooks/github").getStatus());
    assertEquals(401, get("/whoami").getStatus());
    HttpTester.Response alice = get("/whoami", "Authorization: Bearer " + TOKEN);
    assertEquals(200, alice.getStatus());
    assertEquals("alice\n", alice.getContent());
    HttpTester.Response wrong = get("/whoami", "Authorization: Bearer gte_nope");
    assertEquals(401, wrong.getStatus());
  }

  @Test
  void anythingElse_isNotFound_afterTheCallersCredentials() throws Exception {
    assertEquals(401, get("/github.com/acme/lib.git/HEAD").getStatus());
    HttpTester.Response r = get("/github.com/acme/lib.git/HEAD", "Authorization: Bearer "
        + TOKEN);
    assertEquals(404, r.getStatus());
    assertEquals("repository not found\n", r.getContent());
  }

  @Test
  void encodedOrDotSegmentPaths_neverReachAnotherRoute() throws Exception {
    for (String target : List.of("/hook%73/github", "/x/../hooks/github", "/%68ealthz")) {
      HttpTester.Response anonymous = get(target);
      assertEquals(401, anonymous.getStatus(), target);
      HttpTester.Response r = get(target, "Authorization: Bearer " + TOKEN);
      assertEquals(404, r.getStatus(), target);
    }
  }

  @Test
  void everyRequest_isCountedOnceByDoorServiceAndStatus() throws Exception {
    get("/healthz");
    get("/whoami");
    get("/fail/Busy");
    // the client has its answer as soon as the body is written; the request is counted when
    // the router's finally runs, a moment later
    assertTrue(metrics.activity().awaitQuiet(Duration.ZERO, Duration.ofSeconds(10)));
    String scrape = metrics.scrape();
    assertTrue(scrape.contains("gitedge_requests_total{door=\"https\",region=\"test\","
        + "service=\"healthz\",status=\"200\"} 1.0"), scrape);
    assertTrue(scrape.contains("service=\"whoami\",status=\"401\"} 1.0"), scrape);
    assertTrue(scrape.contains("service=\"fail\",status=\"503\"} 1.0"), scrape);
  }
}
