package io.gitedge.gateway;

import static io.gitedge.gateway.GatewayHarness.APP;
import static io.gitedge.gateway.GatewayHarness.LIB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gitedge.gateway.observe.GatewayMetrics;
import io.gitedge.keys.TlsKeys;
import io.gitedge.store.MirrorName;
import io.gitedge.store.MirrorStore;
import io.gitedge.store.StoreConfig;
import io.gitedge.store.SyncResult;
import io.gitedge.testing.ClientHome;
import io.gitedge.testing.ClientProcess;
import io.gitedge.testing.HttpStub;
import io.gitedge.testing.ProcessResult;
import io.gitedge.testing.Requires;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Prometheus for real: Debian's {@code prometheus} scrapes a running gateway's {@code /metrics}
 * over HTTPS with a bearer token (the test CA in {@code tls_config.ca_file}) and evaluates the
 * shipped alert rules ({@code deploy/prometheus/gitedge-alerts.yml}) every second; the gateway
 * has a mirror synced from a real upstream, one whose upstream repository does not exist, an
 * introspection endpoint that is down, and a second scrape target where nothing listens. Checks
 * what an operator would look at: the series and their labels in Prometheus's query API, the
 * alerts that turn pending or fire (and for what only), every PromQL expression of the Grafana
 * dashboard and the rules against the series that really exist, and {@code promtool check rules}
 * and {@code promtool test rules} on the shipped files.
 */
class PrometheusScrapeTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** A mirror whose upstream repository does not exist: every sync fails. */
  private static final String FAILING = "github.com/gone/missing";
  private static final Duration PATIENCE = Duration.ofSeconds(30);

  @TempDir static Path dir;
  private static Path repo;
  private static HttpStub idp;
  private static GatewayHarness gw;
  private static Process prometheus;
  private static Thread prometheusKiller;
  private static String prometheusUrl;
  private static String gatewayTarget;
  private static String deadTarget;
  private static final HttpClient http = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  static void start() throws Exception {
    Requires.tools("prometheus", "promtool");
    repo = repositoryRoot();
    // Prometheus starts first: it scrapes new targets only some seconds after it starts, time
    // the gateway's own start then takes. So the gateway's port is chosen now, and its
    // self-signed certificate made where the gateway keeps it (and loads it from at start).
    Path gwDir = Files.createDirectories(dir.resolve("gw"));
    gatewayTarget = "127.0.0.1:" + freePort();
    deadTarget = "127.0.0.1:" + freePort();
    Path certificate = TlsKeys.loadOrGenerate(Files.createDirectories(
        gwDir.resolve("data/keys")), List.of()).certificateFile();
    Path token = dir.resolve("scraper.token");
    startPrometheus(certificate, token);

    // an identity provider that is down: tokens the identity file does not know get no answer
    idp = HttpStub.start();
    idp.setDown(true);
    Path secret = Files.writeString(dir.resolve("idp.secret"), "client-secret\n");
    gw = GatewayHarness.start(gwDir, GatewayHarness.Options.defaults()
        .withListen(gatewayTarget)
        .withIdentity("introspection", "{ url: \"" + idp.url("/introspect")
            + "\", clientId: gitedge, audience: gitedge, clientSecretFile: " + secret + " }")
        .withTopLevel("  - prefix: github.com/gone\n"
            + "    url: ${upstream.url}/gone\n"
            + "    credentials: { tokenFile: upstream.token, username: x-access-token }\n"
            + "    repos: [missing]\n"
            + "    syncInterval: 1h\n"));
    assertEquals(Files.readString(certificate), Files.readString(gw.certificate()),
        "the gateway did not serve the certificate made for it");
    // the scraper's token: an admin's, read by Prometheus at each scrape
    Files.writeString(token, gw.token("ops") + "\n");
    // the harness leaves acme/super empty upstream; give it a commit so every mirror but the
    // failing one is healthy
    gw.upstream().commit("acme/super", "main", Map.of("README.md", "super\n"), "first");
    assertTrue(gw.sync("github.com/acme/super").succeeded());

    // the counters the alerts take increase() of must be seen at 0 first
    await(() -> value(series("gitedge_mirror_tamper_detected_total{mirror=\"" + LIB + "\"}"))
        == 0 && value(series("gitedge_identity_decisions_total{source=\"introspection\","
        + "outcome=\"unavailable\"}")) == 0, "the gateway's zero counters in Prometheus");

    SyncResult failed = gw.sync(FAILING);
    assertEquals(SyncResult.Outcome.FAILED, failed.outcome(), failed.toString());
    ClientHome alice = gw.clientWithNetrc("alice");
    alice.git(gw.workDir("clone"), "clone", "-q", gw.repoUrl(LIB), "lib").assertOk();
    // a caller whose token only the (down) introspection endpoint could judge
    ClientHome stranger = gw.client("stranger");
    stranger.addNetrc("127.0.0.1", "stranger", "opaque-token-nobody-issued");
    ProcessResult refused = stranger.git(gw.workDir("stranger"), "ls-remote", gw.repoUrl(LIB));
    assertFalse(refused.ok(), refused.describe());
    assertTrue(refused.stderr().contains("503"), refused.describe());
    // refs changed behind the gateway's back; the next sync restores them and counts it
    String old = git(gw.mirrorDir(LIB), "rev-parse", "refs/tags/v1.0.0^{commit}");
    git(gw.mirrorDir(LIB), "update-ref", "refs/heads/main", old);
    SyncResult restored = gw.sync(LIB);
    assertTrue(restored.tamperDetected(), restored.toString());
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      stopPrometheus();
    } finally {
      try {
        if (gw != null) {
          gw.close();
        }
      } finally {
        if (idp != null) {
          idp.close();
        }
      }
    }
  }

  @Test
  void theSeriesArriveWithTheValuesAnOperatorChecks() throws Exception {
    await(() -> value(series("up{instance=\"" + gatewayTarget + "\"}")) == 1
        && value(series("up{instance=\"" + deadTarget + "\"}")) == 0,
        () -> "the gateway scraped, the dead target not (" + targets() + ")");

    JsonNode failing = series("gitedge_mirror_last_sync_failed{mirror=\"" + FAILING + "\"}");
    assertEquals(1, value(failing), failing.toString());
    JsonNode labels = failing.get(0).get("metric");
    assertEquals("test", labels.get("region").asText(), labels.toString());
    assertEquals("gitedge", labels.get("job").asText(), labels.toString());
    assertEquals(gatewayTarget, labels.get("instance").asText(), labels.toString());
    assertEquals(0, value(series("gitedge_mirror_last_sync_failed{mirror=\"" + LIB + "\"}")));

    double age = value(series("gitedge_mirror_last_sync_age_seconds{mirror=\"" + LIB + "\"}"));
    assertTrue(age >= 0 && age < 300, "lib synced seconds ago, its age says " + age);
    assertTrue(Double.isNaN(value(series("gitedge_mirror_last_sync_age_seconds{mirror=\""
        + FAILING + "\"}"))), "a mirror never synced has no age");

    await(() -> value(series("gitedge_mirror_tamper_detected_total{mirror=\"" + LIB + "\"}"))
        == 1 && value(series("gitedge_syncs_total{mirror=\"" + FAILING
        + "\",outcome=\"failed\"}")) >= 1, "the syncs since Prometheus started");
    assertEquals(0, value(series("gitedge_mirror_tamper_detected_total{mirror=\"" + APP + "\"}")));
    assertEquals(0, value(series("gitedge_syncs_total{mirror=\"" + LIB
        + "\",outcome=\"failed\"}")), "a mirror that never failed has its failed count at 0");
    assertTrue(value(series("sum(gitedge_sync_duration_seconds_count{mirror=\"" + LIB
        + "\"})")) >= 2, "lib's syncs timed");

    await(() -> value(series("sum(gitedge_requests_total{door=\"https\",status=\"200\"})")) >= 2
        && value(series("sum(gitedge_identity_decisions_total{source=\"introspection\","
        + "outcome=\"unavailable\"})")) >= 1, "the clone and the stranger's refusal");
    assertTrue(value(series("sum(gitedge_pack_cache_requests_total{request=\"fetch\"})")) >= 1,
        "the clone's fetch went through the pack cache's books");
    assertTrue(value(series("sum(gitedge_identity_decisions_total{source=\"file\","
        + "outcome=\"accept\"})")) >= 1, "alice's token accepted by the identity file");
  }

  @Test
  void theAlertsFollowTheGateway_forTheFailingMirrorOnly() throws Exception {
    // no for: fires at once, for lib alone
    await(() -> alerts("GitEdgeMirrorTampered", "firing").equals(List.of(LIB)),
        () -> "GitEdgeMirrorTampered firing for " + LIB + " (" + allAlerts() + ")");
    // long for: pending is as far as a test goes (firing: promtool test rules)
    await(() -> alerts("GitEdgeMirrorSyncFailing", "pending").equals(List.of(FAILING))
        && alerts("GitEdgeMirrorNeverSynced", "pending").equals(List.of(FAILING)),
        () -> "the failing mirror's alerts pending (" + allAlerts() + ")");
    await(() -> alertLabels("GitEdgeIdentitySourceUnavailable", "source")
        .equals(List.of("introspection"))
        && alertLabels("GitEdgeIdentityUnavailable", "region").equals(List.of("test")),
        () -> "identity alerts pending (" + allAlerts() + ")");
    await(() -> alertLabels("GitEdgeGatewayDown", "instance").equals(List.of(deadTarget)),
        () -> "the dead target's GitEdgeGatewayDown pending (" + allAlerts() + ")");
    for (JsonNode a : get("/api/v1/alerts").get("alerts")) {
      if (a.get("labels").has("mirror")) {
        String alert = a.get("labels").get("alertname").asText();
        String mirror = a.get("labels").get("mirror").asText();
        assertTrue(mirror.equals(FAILING) || alert.equals("GitEdgeMirrorTampered"),
            "an alert for a healthy mirror: " + a);
        assertTrue(a.get("annotations").get("summary").asText().contains(mirror + " in test"),
            a.toString());
      }
    }
    assertEquals(List.of(), alerts("GitEdgeTargetMissing", "pending"));
    // every rule evaluates on the real series without an error
    for (JsonNode group : get("/api/v1/rules").get("groups")) {
      for (JsonNode rule : group.get("rules")) {
        assertEquals("ok", rule.get("health").asText(), rule.toString());
      }
    }
  }

  @Test
  void everyDashboardAndRuleExpression_parsesAndNamesSeriesTheGatewayHas() throws Exception {
    await(() -> value(series("sum(gitedge_mirror_tamper_detected_total)")) >= 1,
        "the actions of the set-up scraped");
    // metric name -> its label names: what Prometheus holds, and what the parts this set-up
    // leaves out would add
    Map<String, Set<String>> known = new TreeMap<>();
    for (JsonNode series : get("/api/v1/series?match%5B%5D="
        + enc("{__name__=~\"gitedge_.*|up\"}"))) {
      Set<String> labels = known.computeIfAbsent(series.get("__name__").asText(),
          n -> new TreeSet<>());
      series.fieldNames().forEachRemaining(labels::add);
    }
    Set<String> scraped = Set.copyOf(known.keySet());
    labelsOfOtherParts().forEach((name, labels) -> known.computeIfAbsent(name,
        n -> new TreeSet<>()).addAll(labels));

    JsonNode dashboard = JSON.readTree(repo.resolve("deploy/grafana/gitedge-dashboard.json")
        .toFile());
    assertEquals("datasource", dashboard.at("/templating/list/0/type").asText());
    List<String> variables = new ArrayList<>();
    dashboard.at("/templating/list").forEach(v -> variables.add(v.get("name").asText()));
    assertTrue(variables.containsAll(List.of("datasource", "region", "mirror")), variables
        .toString());
    // the region variable lists the gateway's region
    assertTrue(get("/api/v1/label/region/values?match%5B%5D="
        + enc("gitedge_requests_in_flight")).toString().contains("\"test\""));

    // panels whose series this set-up makes: they must show data
    Set<String> core = Set.of("Mirror lag", "Failing syncs", "Syncs by outcome", "Sync duration",
        "Mirrors failing now", "Requests by door and service", "Pack cache hit ratio",
        "Pack cache requests", "Pack cache bytes", "Identity decisions", "Identity source errors",
        "Identity source latency", "Gateways up", "Mirrors failing");
    Set<String> seen = new TreeSet<>();
    int expressions = 0;
    for (JsonNode panel : dashboard.get("panels")) {
      for (JsonNode target : panel.path("targets")) {
        String title = panel.get("title").asText();
        String expr = target.get("expr").asText().replace("$__rate_interval", "1m")
            .replace("$region", "test").replace("$mirror", ".*");
        assertFalse(expr.contains("$"), title + ": an unknown variable in " + expr);
        assertSeriesKnown(title, expr, known);
        query(expr, title);
        if (core.contains(title)) {
          seen.add(title);
          if (target.get("refId").asText().equals("A")) {
            // a rate needs two samples of a series born in the set-up's actions
            await(() -> query(expr, title).size() > 0, title + ": data for " + expr);
          }
        }
        expressions++;
      }
    }
    assertEquals(new TreeSet<>(core), seen, "core panels missing from the dashboard");
    assertTrue(expressions >= 30, "expressions: " + expressions);

    String rules = Files.readString(repo.resolve("deploy/prometheus/gitedge-alerts.yml"));
    Matcher alert = Pattern.compile("(?m)^\\s+- alert: (\\S+)").matcher(rules);
    int alerts = 0;
    while (alert.find()) {
      alerts++;
    }
    // every metric name anywhere in the file: expressions, comments, runbooks
    assertSeriesKnown("the alert rules", rules, known);
    assertTrue(alerts >= 15, "alerts: " + alerts);
    assertTrue(scraped.contains("gitedge_mirror_last_sync_age_seconds"), scraped.toString());
  }

  @Test
  void promtoolChecksAndTestsTheShippedRules() {
    Path rules = repo.resolve("deploy/prometheus/gitedge-alerts.yml");
    Path tests = repo.resolve("deploy/prometheus/gitedge-alerts.test.yml");
    ProcessResult check = ClientProcess.run(dir, ClientProcess.baseEnvironment(),
        List.of("promtool", "check", "rules", rules.toString()), null);
    assertEquals(0, check.exitCode(), check.describe());
    assertTrue(check.stdout().contains("SUCCESS"), check.describe());
    ProcessResult test = ClientProcess.run(dir, ClientProcess.baseEnvironment(),
        List.of("promtool", "test", "rules", tests.toString()), null);
    assertEquals(0, test.exitCode(), test.describe());
    assertTrue(test.stdout().contains("SUCCESS"), test.describe());

    // the unit tests cover every alert of the rules file
    Set<String> defined = matches(rules, "(?m)^\\s+- alert: (\\S+)");
    Set<String> tested = matches(tests, "(?m)^\\s+alertname: (\\S+)");
    assertEquals(defined, tested, "alerts without a promtool scenario");
    Set<String> firing = matches(tests,
        "(?m)^\\s+alertname: (\\S+)\\n\\s+exp_alerts:\\n\\s+- exp_labels");
    assertEquals(defined, firing, "alerts without a firing scenario");
    Set<String> quiet = matches(tests, "(?m)^\\s+alertname: (\\S+)\\n\\s+exp_alerts: \\[\\]");
    assertEquals(defined, quiet, "alerts without a quiet scenario");
  }

  // ------------------------------------------------------------------------------ prometheus

  private static void startPrometheus(Path certificate, Path token) throws Exception {
    int port = freePort();
    prometheusUrl = "http://127.0.0.1:" + port;
    Path config = Files.writeString(dir.resolve("prometheus.yml"), """
        global:
          scrape_interval: 1s
          scrape_timeout: 1s
          evaluation_interval: 1s
        rule_files:
          - %s
        scrape_configs:
          - job_name: gitedge
            scheme: https
            authorization:
              type: Bearer
              credentials_file: %s
            tls_config:
              ca_file: %s
            static_configs:
              - targets: ["%s", "%s"]
        """.formatted(repo.resolve("deploy/prometheus/gitedge-alerts.yml"), token,
        certificate, gatewayTarget, deadTarget));
    Path log = dir.resolve("prometheus.log");
    prometheus = new ProcessBuilder("prometheus", "--config.file=" + config,
        "--storage.tsdb.path=" + Files.createDirectories(dir.resolve("tsdb")),
        "--web.listen-address=127.0.0.1:" + port, "--log.level=info")
        .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    Process p = prometheus;
    prometheusKiller = new Thread(p::destroyForcibly, "prometheus-killer");
    Runtime.getRuntime().addShutdownHook(prometheusKiller);
    await(() -> {
      if (!p.isAlive()) {
        throw new AssertionError("prometheus exited " + p.exitValue() + ":\n" + read(log));
      }
      try {
        return http.send(HttpRequest.newBuilder(URI.create(prometheusUrl + "/-/ready")).build(),
            HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
      } catch (IOException e) {
        return false;
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    }, "prometheus ready (" + log + ")");
  }

  private static void stopPrometheus() throws InterruptedException {
    if (prometheus == null) {
      return;
    }
    prometheus.destroy();
    if (!prometheus.waitFor(10, TimeUnit.SECONDS)) {
      prometheus.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    Runtime.getRuntime().removeShutdownHook(prometheusKiller);
    assertFalse(prometheus.isAlive(), "prometheus still running");
  }

  /** {@code data} of a GET on Prometheus's API; fails on anything but {@code success}. */
  private static JsonNode get(String pathAndQuery) {
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(prometheusUrl
          + pathAndQuery)).build(), HttpResponse.BodyHandlers.ofString());
      JsonNode body = JSON.readTree(r.body());
      if (r.statusCode() != 200 || !"success".equals(body.path("status").asText())) {
        throw new AssertionError("GET " + pathAndQuery + ": " + r.statusCode() + " " + r.body());
      }
      return body.get("data");
    } catch (IOException e) {
      throw new AssertionError("GET " + pathAndQuery + ": " + e, e);
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  /** An instant query's result vector; a PromQL error fails with {@code what} and the error. */
  private static JsonNode query(String promql, String what) {
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(prometheusUrl
          + "/api/v1/query?query=" + enc(promql))).build(), HttpResponse.BodyHandlers.ofString());
      JsonNode body = JSON.readTree(r.body());
      if (r.statusCode() != 200 || !"success".equals(body.path("status").asText())) {
        throw new AssertionError(what + ": " + promql + " -> " + r.statusCode() + " "
            + body.path("errorType").asText() + ": " + body.path("error").asText());
      }
      return body.at("/data/result");
    } catch (IOException e) {
      throw new AssertionError(what + ": " + e, e);
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  private static JsonNode series(String promql) {
    return query(promql, "query");
  }

  /** The one sample of a result vector, or -1 when there is none. */
  private static double value(JsonNode result) {
    if (result.size() == 0) {
      return -1;
    }
    assertEquals(1, result.size(), "one series expected: " + result);
    return Double.parseDouble(result.get(0).get("value").get(1).asText());
  }

  /** The mirrors of the alerts named {@code name} in {@code state}, sorted. */
  private static List<String> alerts(String name, String state) {
    List<String> mirrors = new ArrayList<>();
    for (JsonNode a : get("/api/v1/alerts").get("alerts")) {
      if (a.at("/labels/alertname").asText().equals(name) && a.get("state").asText()
          .equals(state)) {
        mirrors.add(a.at("/labels/mirror").asText());
      }
    }
    return mirrors.stream().sorted().toList();
  }

  /** Label {@code label} of every active alert named {@code name}, sorted. */
  private static List<String> alertLabels(String name, String label) {
    List<String> values = new ArrayList<>();
    for (JsonNode a : get("/api/v1/alerts").get("alerts")) {
      if (a.at("/labels/alertname").asText().equals(name)) {
        values.add(a.get("labels").path(label).asText());
      }
    }
    return values.stream().sorted().toList();
  }

  private static String allAlerts() {
    return get("/api/v1/alerts").toString();
  }

  private static String targets() {
    return get("/api/v1/targets").toString();
  }

  // ------------------------------------------------------------------------------ helpers

  private static final Pattern METRIC = Pattern.compile(
      "\\b(gitedge_[a-z0-9_]+\\b|up(?=\\{))(?:\\{([^}]*)})?");
  private static final Pattern MATCHER =
      Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(?:=~|!~|!=|=)");

  /** Every metric named in {@code text} exists, and so does every label its selectors name. */
  private static void assertSeriesKnown(String where, String text,
      Map<String, Set<String>> known) {
    Matcher m = METRIC.matcher(text);
    while (m.find()) {
      String name = m.group(1);
      assertTrue(known.containsKey(name), where + " names " + name
          + ", a series the gateway does not have (known: " + known.keySet() + ")");
      if (m.group(2) != null) {
        Matcher label = MATCHER.matcher(m.group(2));
        while (label.find()) {
          assertTrue(known.get(name).contains(label.group(1)), where + ": " + name
              + " has no label " + label.group(1) + " (it has " + known.get(name) + ")");
        }
      }
    }
  }

  /**
   * The series the gateway's parts this set-up leaves out (Kafka, peers, webhooks, the Go
   * module proxy's requests) add, with their labels: a real {@link GatewayMetrics} told of one
   * event of each, as those parts tell it, scraped.
   */
  private static Map<String, Set<String>> labelsOfOtherParts() throws Exception {
    Map<String, Set<String>> series = new TreeMap<>();
    try (MirrorStore store = MirrorStore.open(StoreConfig.defaults(
        dir.resolve("other-mirrors")))) {
      GatewayMetrics m = new GatewayMetrics("other", store, List.of(MirrorName.parse(LIB)),
          Clock.systemUTC());
      m.eventTransport("kafka", () -> 0, List.of("sent", "dropped"), List.of("synced"));
      m.peerEvent("sent", "failed");
      m.webhook("github", "bad_signature");
      m.goProxyRequest("zip", "hit");
      Matcher line = Pattern.compile("(?m)^([a-z_0-9]+)(?:\\{([^}]*)})? ").matcher(m.scrape());
      while (line.find()) {
        Set<String> labels = series.computeIfAbsent(line.group(1), n -> new TreeSet<>());
        if (line.group(2) != null) {
          Matcher label = Pattern.compile("([a-z_]+)=\"").matcher(line.group(2));
          while (label.find()) {
            labels.add(label.group(1));
          }
        }
      }
    }
    assertTrue(series.containsKey("gitedge_events_buffered"), series.toString());
    return series;
  }

  private static Set<String> matches(Path file, String regex) {
    try {
      Matcher m = Pattern.compile(regex).matcher(Files.readString(file));
      Set<String> found = new TreeSet<>();
      while (m.find()) {
        found.add(m.group(1));
      }
      return found;
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("waited " + PATIENCE.toSeconds() + " s for " + what);
      }
      Thread.sleep(200);
    }
  }

  private static void await(BooleanSupplier condition, Supplier<String> what)
      throws InterruptedException {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("waited " + PATIENCE.toSeconds() + " s for " + what.get());
      }
      Thread.sleep(200);
    }
  }

  private static String git(Path gitDir, String... args) {
    List<String> command = new ArrayList<>(List.of("git", "--git-dir=" + gitDir));
    command.addAll(List.of(args));
    return ClientProcess.run(gitDir, ClientProcess.baseEnvironment(), command, null).assertOk()
        .stdout().trim();
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static String read(Path f) {
    try {
      return Files.readString(f);
    } catch (IOException e) {
      return e.toString();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** The repository's root: the folder above the module holding {@code deploy/}. */
  private static Path repositoryRoot() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("deploy/prometheus/gitedge-alerts.yml"))) {
        return p;
      }
    }
    throw new AssertionError("no deploy/prometheus above " + Path.of("").toAbsolutePath());
  }
}
