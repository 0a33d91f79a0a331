package io.gitedge.gateway;

import static io.gitedge.gateway.GatewayHarness.LIB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitedge.store.SyncResult;
import io.gitedge.testing.ClientHome;
import io.gitedge.testing.HttpStub;
import io.gitedge.testing.TrustingHttp;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /status} over the gateway's TLS with a plain HTTP client (the browser's view is
 * {@code StatusPageBrowserTest}): who may see it, that it is never cached, that an upstream's
 * hostile error text is shown as text, and the fleet beside it. Two real regions on one C git
 * upstream: {@code eu}, whose page is read, and {@code us}, its peer, which has not synced a new
 * commit yet; a third peer answers git's requests at once (it has none of the mirrors) but not
 * the fleet's question. {@code eu} also mirrors a repository from an upstream that answers every
 * request with {@code 500 <script>...}.
 */
class StatusPageTest {
  private static final String BROKEN = "broken.example/team/tool";
  private static final String SCRIPT = "<script>alert('gitedge')</script>";

  @TempDir static Path dir;
  private static HostileUpstream hostile;
  private static final CountDownLatch RELEASE_SLOW_PEER = new CountDownLatch(1);
  private static HttpStub slowPeer;
  private static GatewayHarness us;
  private static GatewayHarness eu;
  private static HttpResponse<String> page;

  /** Answers every HTTP request with {@code 500 <script>...}: the reason phrase is the attack. */
  private static final class HostileUpstream implements AutoCloseable {
    final ServerSocket socket;

    HostileUpstream() throws IOException {
      socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      Thread t = new Thread(this::serve, "hostile-upstream");
      t.setDaemon(true);
      t.start();
    }

    String url() {
      return "http://127.0.0.1:" + socket.getLocalPort();
    }

    private void serve() {
      while (!socket.isClosed()) {
        try (Socket s = socket.accept()) {
          BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(),
              StandardCharsets.ISO_8859_1));
          for (String line = in.readLine(); line != null && !line.isEmpty();
              line = in.readLine()) {
            // the request's head: nothing in it matters
          }
          s.getOutputStream().write(("HTTP/1.1 500 " + SCRIPT + "\r\nContent-Length: 0\r\n"
              + "Connection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        } catch (IOException e) {
          // closed, or a client that went away
        }
      }
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  @BeforeAll
  static void startRegions() throws Exception {
    hostile = new HostileUpstream();
    // a peer too busy to answer the fleet's question before the test ends
    slowPeer = HttpStub.start().route("GET", "/api/v1/mirrors", r -> {
      try {
        RELEASE_SLOW_PEER.await(60, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return HttpStub.Response.ok("{}");
    });
    us = GatewayHarness.start(Files.createDirectories(dir.resolve("us")),
        GatewayHarness.Options.defaults().withRegion("us"));
    Path euDir = Files.createDirectories(dir.resolve("eu"));
    Files.writeString(euDir.resolve("peer.secret"), "shared-by-all-regions\n");
    Files.writeString(euDir.resolve("fleet.token"), us.token("ops") + "\n");
    eu = GatewayHarness.startBeside(euDir, us, GatewayHarness.Options.defaults()
        .withRegion("eu")
        .withTopLevel("  - prefix: broken.example/team\n    url: " + hostile.url() + "/team\n"
            + "    repos: [tool]\n    syncInterval: 1h\n")
        .withTopLevel("peers:\n  urls: [" + us.url() + ", " + slowPeer.url("")
            + "]\n  secretFile: peer.secret\n"
            + "  tokenFile: fleet.token\n  caFile: " + us.certificate() + "\n"));
    SyncResult broken = eu.sync(BROKEN);
    assertEquals(SyncResult.Outcome.FAILED, broken.outcome(), broken.toString());
    // a new commit upstream that eu has synced and us has not: us lags
    eu.upstream().commit("acme/lib", "main", Map.of("NEWS", "v1.2 coming\n"), "news");
    assertTrue(eu.sync(LIB).succeeded());
    // two clones through eu: the pack cache computes the first and serves the second
    ClientHome alice = eu.clientWithNetrc("alice");
    for (String clone : List.of("first", "second")) {
      alice.git(eu.workDir("clones"), "clone", "-q", eu.repoUrl(LIB), clone).assertOk();
    }
    // as a browser sends them after the Basic prompt: any user name, the token as password
    page = get("/status", "Basic " + Base64.getEncoder().encodeToString(("ops:"
        + eu.token("ops")).getBytes(StandardCharsets.UTF_8)));
    // kept for people: the page with a fleet, as served (open it in a browser)
    Files.writeString(Path.of("target", "status-page-fleet.html"), page.body());
  }

  @AfterAll
  static void stop() throws Exception {
    RELEASE_SLOW_PEER.countDown();
    for (AutoCloseable c : new AutoCloseable[] {eu, us, hostile, slowPeer}) {
      if (c != null) {
        c.close();
      }
    }
  }

  private static HttpResponse<String> get(String path, String authorization) throws Exception {
    HttpClient http = TrustingHttp.client(eu.certificate());
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(eu.url() + path));
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  // ---------------------------------------------------------------------------- who may see it

  @Test
  void anonymous_getsTheBasicPrompt_likeGitClients() throws Exception {
    HttpResponse<String> r = get("/status", null);

    assertEquals(401, r.statusCode(), r.body());
    assertEquals("Basic realm=\"gitedge\"", r.headers().firstValue("WWW-Authenticate")
        .orElse(null));
    HttpResponse<String> git = get("/" + LIB + ".git/info/refs?service=git-upload-pack", null);
    assertEquals(r.headers().firstValue("WWW-Authenticate"),
        git.headers().firstValue("WWW-Authenticate"), "the same challenge as git gets");
  }

  @Test
  void nonAdmin_isRefused_withAClearText() throws Exception {
    HttpResponse<String> r = get("/status", "Bearer " + eu.token("alice"));

    assertEquals(403, r.statusCode(), r.body());
    assertEquals("gitedge: the status page and the admin API are for members of the admins"
        + " group\n", r.body());
  }

  @Test
  void admin_withBasicCredentials_asABrowserSendsThem_getsThePage() {
    assertEquals(200, page.statusCode(), page.body());
    assertTrue(page.body().contains("<h2>Mirrors</h2>"), page.body());
  }

  // ------------------------------------------------------------------------------- the page

  @Test
  void page_isHtml_neverCached_andAllowsNothingFromElsewhere() {
    assertEquals(200, page.statusCode(), page.body());
    assertEquals("text/html;charset=utf-8", page.headers().firstValue("Content-Type").orElse("")
        .replace(" ", "").toLowerCase(Locale.ROOT));
    assertEquals("no-store", page.headers().firstValue("Cache-Control").orElse(null));
    String csp = page.headers().firstValue("Content-Security-Policy").orElse("");
    assertTrue(csp.startsWith("default-src 'none';"), csp);
    assertFalse(csp.contains("script-src"), "no script is allowed: " + csp);
    assertTrue(page.body().contains("<meta name=\"viewport\""), "readable on a phone");
    for (String external : List.of("src=\"http", "href=\"http", "@import", "url(")) {
      assertFalse(page.body().contains(external), "nothing fetched from elsewhere: " + external);
    }
  }

  @Test
  void page_listsEveryMirror_withItsUpstreamAndState() {
    String body = page.body().replace("<wbr>", ""); // URLs may break after each slash
    assertTrue(body.contains("<span class=\"region\">eu</span>"), body);
    for (String name : List.of(LIB, GatewayHarness.APP, GatewayHarness.VAULT,
        GatewayHarness.HOSTED)) {
      assertTrue(body.contains("<tbody class=\"mirror ok\" data-mirror=\"" + name + "\">"),
          name + " is shown as ok:\n" + body);
    }
    assertTrue(body.contains("<div class=\"url\">" + us.upstreamHttp().url()
        + "/acme/lib.git</div>"), body);
    assertTrue(body.contains("<tbody class=\"mirror failing\" data-mirror=\"" + BROKEN + "\">"),
        body);
    assertTrue(body.contains("<span class=\"num\">1</span><span class=\"lbl\">failing</span>"),
        "the failing tile counts it: " + body);
  }

  @Test
  void upstreamErrorText_withMarkup_isShownAsText() {
    String body = page.body();
    String shown = "500 &lt;script&gt;alert(&#39;gitedge&#39;)&lt;/script&gt;";

    assertTrue(body.contains("<pre class=\"error\">cannot list refs of " + hostile.url()
        + "/team/tool.git: "), body);
    assertTrue(body.contains(shown), "the upstream's reason phrase, escaped: " + body);
    assertFalse(body.toLowerCase(Locale.ROOT).contains("<script"), "no script element: "
        + body);
  }

  @Test
  void page_showsRecentSyncs_thePackCache_andTheIdentitySources() {
    String body = page.body();
    int lib = body.indexOf("data-mirror=\"" + LIB + "\"");
    String libRow = body.substring(lib, body.indexOf("</tbody>", lib));
    assertTrue(libRow.contains("<svg class=\"chart\""), libRow);
    assertTrue(libRow.matches("(?s).*<div class=\"sub\">last [1-9]\\d* · longest .*"),
        "the syncs since the start: " + libRow);
    assertTrue(body.contains("<h2>Pack cache</h2>"), body);
    assertTrue(body.contains("<td>memory</td>") && body.contains("<td>disk</td>"), body);
    assertTrue(body.contains("<h2>Identity sources</h2>"), body);
    assertTrue(body.replace("<wbr>", "").contains("<div class=\"name\">file</div>"
        + "<div class=\"url\">" + eu.configFile().resolveSibling("identity.yaml") + "</div>"),
        body);
    assertTrue(body.contains("<div class=\"name\">ssh-ca</div>"), body);
  }

  /** The sum of the samples of {@code series} whose labels include {@code label}. */
  private static long sum(String metrics, String series, String label) {
    return Math.round(metrics.lines().filter(l -> l.startsWith(series + "{")
        && l.contains(label)).mapToDouble(l -> Double.parseDouble(l.substring(
            l.lastIndexOf(' ') + 1))).sum());
  }

  @Test
  void packCache_showsWhatItsMetricsSay() {
    String metrics = eu.metricsText();
    long hits = sum(metrics, "gitedge_pack_cache_requests_total", "result=\"hit\"");
    long misses = sum(metrics, "gitedge_pack_cache_requests_total", "result=\"miss\"");
    long bypasses = sum(metrics, "gitedge_pack_cache_requests_total", "result=\"bypass\"");
    long memory = sum(metrics, "gitedge_pack_cache_entries", "tier=\"memory\"");
    assertTrue(hits > 0 && misses > 0 && memory > 0, "the second clone was a hit: " + metrics);
    String section = page.body().substring(page.body().indexOf("<h2>Pack cache</h2>"));

    assertTrue(section.contains("<span class=\"big\">" + Math.round(100.0 * hits
        / (hits + misses)) + "%</span> hit ratio"), section);
    assertTrue(section.contains(hits + " hits, " + misses + " misses, " + bypasses
        + " not cacheable since the start"), section);
    assertTrue(section.contains("<td>memory</td><td>" + memory + "</td>"), section);
  }

  @Test
  void fleet_showsTheLaggingRegion_andAPeerThatDoesNotAnswerAsUnreachable() {
    String body = page.body().replace("<wbr>", "");
    int fleet = body.indexOf("<h2>Fleet</h2>");
    assertTrue(fleet > 0, body);
    String section = body.substring(fleet);

    assertTrue(section.contains("eu compared with 2 peers"), section);
    assertTrue(section.contains("<div class=\"name\">us</div><div class=\"url\">" + us.url()
        + "</div>"), section);
    assertTrue(section.contains("<span class=\"badge held\">behind</span> <strong>" + LIB
        + "</strong> refs/heads/main<div class=\"sub\">us is behind eu"), section);
    assertTrue(section.contains("<td data-label=\"Behind us\"><div class=\"v\"><span class=\"\">"
        + "1</span>"), section);
    assertTrue(section.contains("<div class=\"name\">" + URI.create(slowPeer.url(""))
        .getAuthority() + "</div>"), "named by its address: " + section);
    assertTrue(section.contains("unreachable</span><div class=\"sub\">no answer within 3s</div>"),
        "the slow peer, given 3 s by the page: " + section);
  }
}
