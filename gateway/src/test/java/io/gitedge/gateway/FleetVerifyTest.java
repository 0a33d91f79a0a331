package io.gitedge.gateway;

import static io.gitedge.gateway.GatewayHarness.LIB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gitedge.gateway.app.Main;
import io.gitedge.testing.ClientHome;
import io.gitedge.testing.TrustingHttp;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Proof of consistency across the fleet (issue 13): the refs digest, {@code /api/v1/fleet} and
 * {@code gitedge verify} against real gateways in two regions on one C git upstream, real git
 * clients, and the CLI run in-process through its main entry.
 */
class FleetVerifyTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;

  /** What a command printed and its exit status. */
  private record Run(int code, String out, String err) {
    List<String> lines() {
      return out.lines().toList();
    }

    String describe() {
      return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
  }

  private static Run gitedge(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.run(new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), args);
    return new Run(code, out.toString(StandardCharsets.UTF_8),
        err.toString(StandardCharsets.UTF_8));
  }

  /** {@code gitedge verify} with {@code gw}'s config and URL, plus {@code more} arguments. */
  private static Run verify(GatewayHarness gw, String... more) {
    List<String> args = new ArrayList<>(List.of("verify", "--config", gw.configFile().toString(),
        "--url", gw.url()));
    args.addAll(List.of(more));
    return gitedge(args.toArray(String[]::new));
  }

  private static HttpResponse<String> get(GatewayHarness gw, String path, String user)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gw.url() + path));
    if (user != null) {
      b.header("Authorization", "Bearer " + gw.token(user));
    }
    return TrustingHttp.client(gw.certificate()).send(b.build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode api(GatewayHarness gw, String path) throws Exception {
    HttpResponse<String> r = get(gw, path, "ops");
    assertEquals(200, r.statusCode(), r.body());
    return JSON.readTree(r.body());
  }

  private static JsonNode fleet(GatewayHarness gw) throws Exception {
    return api(gw, "/api/v1/fleet");
  }

  /** The findings of {@code mirror} in a fleet answer. */
  private static JsonNode findings(JsonNode fleet, String mirror) {
    for (JsonNode m : fleet.path("mirrors")) {
      if (m.path("name").asText().equals(mirror)) {
        return m.path("findings");
      }
    }
    throw new AssertionError(mirror + " is not in " + fleet.toPrettyString());
  }

  private static String sha256(String text) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
        .digest(text.getBytes(StandardCharsets.UTF_8)));
  }

  /** Files every region's peers section needs: the shared secret and the admins token. */
  private static Path regionDir(Path dir, String region, String adminToken) throws Exception {
    Path d = Files.createDirectories(dir.resolve(region));
    Files.writeString(d.resolve("peer.secret"), "shared-by-all-regions\n");
    Files.writeString(d.resolve("fleet.token"), adminToken + "\n");
    return d;
  }

  private static String peers(List<String> urls, Path caFile) {
    return "peers:\n  urls: [" + String.join(", ", urls) + "]\n  secretFile: peer.secret\n"
        + "  tokenFile: fleet.token\n" + (caFile == null ? "" : "  caFile: " + caFile + "\n");
  }

  // ------------------------------------------------------------------------------ refs digest

  @Test
  void refsDigest_isWhatGitForEachRefGives_onTheMirrorAndOnAMirrorClone() throws Exception {
    try (GatewayHarness gw = GatewayHarness.start(dir)) {
      JsonNode lib = api(gw, "/api/v1/mirrors/" + LIB + "?refs=true");
      String format = "--format=%(objectname) %(refname)";
      ClientHome alice = gw.clientWithNetrc("alice");
      Path clone = dir.resolve("lib-mirror.git");
      alice.git(dir, "clone", "-q", "--mirror", gw.repoUrl(LIB), clone.toString()).assertOk();

      String onDisk = alice.git(gw.mirrorDir(LIB), "for-each-ref", format, "refs/heads",
          "refs/tags").assertOk().stdout();
      String cloned = alice.git(clone, "for-each-ref", format, "refs/heads", "refs/tags")
          .assertOk().stdout();

      assertEquals(sha256(onDisk), lib.path("refsDigest").asText(), lib.toPrettyString());
      assertEquals(sha256(cloned), lib.path("refsDigest").asText(), cloned);
      Map<String, String> refs = new TreeMap<>();
      cloned.lines().forEach(l -> refs.put(l.split(" ")[1], l.split(" ")[0]));
      Map<String, String> served = new TreeMap<>();
      lib.path("refs").properties().forEach(e -> served.put(e.getKey(),
          e.getValue().asText()));
      assertEquals(refs, served);
      assertEquals(3, lib.path("refCount").asInt(), "main, v1.0.0 and v1.1.0");
      JsonNode listed = api(gw, "/api/v1/mirrors");
      for (JsonNode m : listed.path("mirrors")) {
        if (m.path("name").asText().equals(LIB)) {
          assertEquals(lib.path("refsDigest"), m.path("refsDigest"));
          assertTrue(m.path("refs").isMissingNode(), "refs only when asked for");
        }
      }

      assertEquals(401, get(gw, "/api/v1/fleet", null).statusCode());
      HttpResponse<String> alices = get(gw, "/api/v1/fleet", "alice");
      assertEquals(403, alices.statusCode());
      assertTrue(alices.body().contains("admins"), alices.body());
      JsonNode alone = fleet(gw);
      assertEquals("test", alone.path("region").asText());
      assertEquals(0, alone.path("regions").size(), "no peers configured");
      assertTrue(alone.path("level").asBoolean(), alone.toPrettyString());
      Run noToken = verify(gw);
      assertEquals(2, noToken.code(), noToken.describe());
      assertTrue(noToken.err().startsWith("gitedge: " + gw.configFile() + " has no"
          + " peers.tokenFile"), noToken.describe());
    }
  }

  @Test
  void beforeItsFirstSync_aMirrorsDigestIsNull() throws Exception {
    try (GatewayHarness gw = GatewayHarness.start(dir,
        GatewayHarness.Options.defaults().withUpstreamDownAtStart())) {
      JsonNode lib = api(gw, "/api/v1/mirrors/" + LIB + "?refs=true");

      assertTrue(lib.path("refsDigest").isNull(), lib.toPrettyString());
      assertTrue(lib.path("refCount").isNull(), lib.toPrettyString());
      assertTrue(lib.path("refs").isNull(), lib.toPrettyString());
    }
  }

  // ----------------------------------------------------------------------------- two regions

  @Test
  void twoRegions_levelAfterBothSynced_thenACommitOnlyEuSynced_isLagNotDivergence()
      throws Exception {
    Path usDir = Files.createDirectories(dir.resolve("us"));
    try (GatewayHarness us = GatewayHarness.start(usDir,
        GatewayHarness.Options.defaults().withRegion("us"))) {
      regionDir(dir, "us", us.token("ops"));
      Path euDir = regionDir(dir, "eu", us.token("ops"));
      try (GatewayHarness eu = GatewayHarness.startBeside(euDir, us, GatewayHarness.Options
          .defaults().withRegion("eu")
          .withTopLevel(peers(List.of(us.url()), us.certificate())))) {
        // peers both ways: us learns of eu, on the port it already has
        String usConfig = Files.readString(us.configFile())
            .replaceFirst("listen: 127\\.0\\.0\\.1:0", "listen: 127.0.0.1:" + us.port());
        Files.writeString(us.configFile(), usConfig + peers(List.of(eu.url()), eu.certificate()));
        us.restart(data -> { });

        JsonNode level = fleet(eu);
        assertTrue(level.path("level").asBoolean(), level.toPrettyString());
        assertFalse(level.path("diverged").asBoolean());
        assertEquals("eu", level.path("region").asText());
        JsonNode usSeen = level.path("regions").path(0);
        assertEquals(us.url(), usSeen.path("url").asText());
        assertEquals("us", usSeen.path("region").asText());
        assertTrue(usSeen.path("reachable").asBoolean(), usSeen.toString());
        assertEquals("level", findings(level, LIB).path(0).path("kind").asText());
        assertTrue(fleet(us).path("level").asBoolean(), "and seen from us");
        Run levelRun = verify(eu);
        assertEquals(0, levelRun.code(), levelRun.describe());
        assertTrue(levelRun.lines().get(levelRun.lines().size() - 1)
            .matches("gitedge: \\d+ mirrors in eu, us: level"), levelRun.describe());

        String old = eu.upstream().refs("acme/lib").get("refs/heads/main");
        String pushed = eu.upstream().commit("acme/lib", "main",
            Map.of("lag.go", "package lib\n"), "pushed, synced only in eu");
        assertTrue(eu.sync(LIB).succeeded());

        JsonNode fromEu = fleet(eu);
        assertFalse(fromEu.path("level").asBoolean(), fromEu.toPrettyString());
        assertFalse(fromEu.path("diverged").asBoolean());
        JsonNode behind = findings(fromEu, LIB).path(0);
        assertEquals("behind", behind.path("kind").asText(), behind.toString());
        assertEquals("us", behind.path("region").asText());
        assertEquals("refs/heads/main", behind.path("ref").asText());
        assertEquals(pushed, behind.path("here").asText());
        assertEquals(old, behind.path("there").asText());
        assertTrue(behind.path("detail").asText().startsWith("us is behind eu (eu's "
            + pushed.substring(0, 7) + " descends from us's " + old.substring(0, 7)),
            "eu's repository has both commits: " + behind);
        JsonNode fromUs = findings(fleet(us), LIB).path(0);
        assertEquals("ahead", fromUs.path("kind").asText(), fromUs.toString());
        assertTrue(fromUs.path("detail").asText().startsWith("us is behind eu (us lacks "
            + pushed.substring(0, 7)), fromUs.toString());

        Run lag = verify(eu);
        assertEquals(0, lag.code(), "lag is not a failure: " + lag.describe());
        String line = "behind " + LIB + " refs/heads/main: us is behind eu (eu has "
            + pushed.substring(0, 7) + ", us " + old.substring(0, 7) + "; us synced ";
        assertTrue(lag.lines().stream().anyMatch(l -> l.startsWith(line)),
            "from outside, the later sync decides: " + lag.describe());
        assertTrue(lag.out().endsWith(": 1 behind\n"), lag.describe());

        // the token is read at each use: a bad one shows at once, a good one heals at once
        Files.writeString(euDir.resolve("fleet.token"), "gte_not-a-token\n");
        JsonNode refused = fleet(eu).path("regions").path(0);
        assertFalse(refused.path("reachable").asBoolean(), refused.toString());
        assertTrue(refused.path("error").asText().startsWith("401"), refused.toString());
        Files.writeString(euDir.resolve("fleet.token"), us.token("ops") + "\n");
        assertTrue(fleet(eu).path("regions").path(0).path("reachable").asBoolean());
      }
    }
  }

  /**
   * Two regions that do not know each other (no peers: the tag a region takes first cannot come
   * from the other), the tag moved upstream between their first syncs: the same version, two
   * commits.
   */
  @Test
  void aTagMovedBetweenTwoRegionsFirstSyncs_isDivergence_andVerifyExits1() throws Exception {
    Path euDir = Files.createDirectories(dir.resolve("eu"));
    try (GatewayHarness eu = GatewayHarness.start(euDir,
        GatewayHarness.Options.defaults().withRegion("eu"))) {
      String first = eu.upstream().refs("acme/lib").get("refs/tags/v1.0.0");
      String moved = eu.upstream().commit("acme/lib", "main",
          Map.of("lib.go", "package lib\n\n// rewritten\n"), "rewrite history");
      eu.upstream().tag("acme/lib", "v1.0.0", moved, true);
      Path usDir = regionDir(dir, "us", eu.token("ops"));
      try (GatewayHarness us = GatewayHarness.startBeside(usDir, eu, GatewayHarness.Options
          .defaults().withRegion("us").withTopLevel(peers(List.of(), eu.certificate())))) {

        Run run = verify(us, "--peer", eu.url());

        assertEquals(1, run.code(), run.describe());
        assertTrue(run.lines().contains("diverged " + LIB + " refs/tags/v1.0.0: us "
            + moved.substring(0, 7) + " eu " + first.substring(0, 7)
            + " (one tag, two objects: syncing will not change that)"), run.describe());
        assertTrue(run.out().contains("behind " + LIB + " refs/heads/main: eu is behind us"),
            "the branch moved too, and that is lag: " + run.describe());
        assertTrue(run.out().endsWith(": 1 behind, 1 diverged\n"), run.describe());
      }
    }
  }

  // --------------------------------------------------------------------------- Go module zips

  /** A mirror's {@code goModules} in an admin API answer. */
  private static Map<String, String> goModules(JsonNode mirror) {
    assertTrue(mirror.path("goModules").isObject(), mirror.toPrettyString());
    Map<String, String> out = new TreeMap<>();
    mirror.path("goModules").properties().forEach(e -> out.put(e.getKey(),
        e.getValue().asText()));
    return out;
  }

  /** One module zip through {@code gw}'s proxy, as a plain HTTPS GET with a token. */
  private static void downloadZip(GatewayHarness gw, String module, String version)
      throws Exception {
    HttpResponse<String> zip = get(gw, "/goproxy/" + module + "/@v/" + version + ".zip",
        "alice");
    assertEquals(200, zip.statusCode(), gw.url() + ": " + zip.body());
  }

  /**
   * The promise "the same module zip for the same version in every region", checked: zips built
   * through two regions' proxies have the same {@code h1:} hash in both regions' admin APIs (the
   * one {@code go} computes), a version built in one region only is no difference, and a hash
   * that differs (here: one region's cached hash rewritten while it is stopped) is divergence.
   */
  @Test
  void goModuleZips_theSameHashInEveryRegion_isLevel_aDifferentOneHasDiverged()
      throws Exception {
    Path usDir = Files.createDirectories(dir.resolve("us"));
    try (GatewayHarness us = GatewayHarness.start(usDir,
        GatewayHarness.Options.defaults().withRegion("us"))) {
      Path euDir = regionDir(dir, "eu", us.token("ops"));
      try (GatewayHarness eu = GatewayHarness.startBeside(euDir, us, GatewayHarness.Options
          .defaults().withRegion("eu")
          .withTopLevel(peers(List.of(us.url()), us.certificate())))) {
        String hosted = "127.0.0.1/" + GatewayHarness.HOSTED;
        for (GatewayHarness gw : List.of(us, eu)) {
          downloadZip(gw, LIB, "v1.0.0");
          downloadZip(gw, hosted, "v1.0.0");
        }
        downloadZip(eu, LIB, "v1.1.0"); // eu only: us builds it when asked

        Map<String, String> usLib = goModules(api(us, "/api/v1/mirrors/" + LIB + "?refs=true"));
        Map<String, String> euLib = goModules(api(eu, "/api/v1/mirrors/" + LIB + "?refs=true"));
        assertEquals(List.of(LIB + "@v1.0.0"), List.copyOf(usLib.keySet()));
        assertEquals(List.of(LIB + "@v1.0.0", LIB + "@v1.1.0"), List.copyOf(euLib.keySet()));
        String v100 = usLib.get(LIB + "@v1.0.0");
        assertTrue(v100.matches("h1:[A-Za-z0-9+/]{43}="), v100);
        assertEquals(v100, euLib.get(LIB + "@v1.0.0"), "one version, one zip, in every region");
        Map<String, String> usHosted = goModules(api(us, "/api/v1/mirrors/"
            + GatewayHarness.HOSTED + "?refs=true"));
        assertEquals(List.of(hosted + "@v1.0.0"), List.copyOf(usHosted.keySet()),
            "a module named after the gateway lies in the mirror after the host");
        assertEquals(usHosted, goModules(api(eu, "/api/v1/mirrors/" + GatewayHarness.HOSTED
            + "?refs=true")));
        for (JsonNode m : api(us, "/api/v1/mirrors?refs=true").path("mirrors")) {
          Map<String, String> expected = m.path("name").asText().equals(LIB) ? usLib
              : m.path("name").asText().equals(GatewayHarness.HOSTED) ? usHosted : Map.of();
          assertEquals(expected, goModules(m), m.toPrettyString());
        }
        assertTrue(api(us, "/api/v1/mirrors/" + LIB).path("goModules").isMissingNode(),
            "with the refs only");
        if (ClientHome.installed("go")) {
          ClientHome go = eu.clientWithNetrc("alice").with("GOPROXY", eu.url() + "/goproxy")
              .with("GOSUMDB", "off").with("GOPRIVATE", "").with("GONOPROXY", "");
          String json = go.go(eu.workDir("go"), "mod", "download", "-json", LIB + "@v1.1.0")
              .assertOk().stdout();
          assertEquals(euLib.get(LIB + "@v1.1.0"), JSON.readTree(json).path("Sum").asText(),
              "the hash the go command computes from the zip");
        }

        JsonNode level = fleet(eu);
        assertTrue(level.path("level").asBoolean(), level.toPrettyString());
        assertFalse(level.path("diverged").asBoolean());
        Run levelRun = verify(eu);
        assertEquals(0, levelRun.code(), levelRun.describe());
        assertTrue(levelRun.out().endsWith(": level\n"), levelRun.describe());

        String bad = "h1:" + "A".repeat(43) + "=";
        eu.restart(data -> rewriteHash(data.resolve("goproxy"), LIB + " v1.0.0 ", bad));

        JsonNode fromEu = fleet(eu);
        assertTrue(fromEu.path("diverged").asBoolean(), fromEu.toPrettyString());
        assertFalse(fromEu.path("level").asBoolean());
        JsonNode findings = findings(fromEu, LIB);
        assertEquals("level", findings.path(0).path("kind").asText(), "the refs are level");
        JsonNode zip = findings.path(1);
        assertEquals("diverged", zip.path("kind").asText(), zip.toString());
        assertEquals("go:" + LIB + "@v1.0.0", zip.path("ref").asText());
        assertEquals(bad, zip.path("here").asText());
        assertEquals(v100, zip.path("there").asText());
        assertEquals(2, findings.size(), "v1.1.0, built in eu only, is no finding: " + findings);
        assertEquals("level", findings(fromEu, GatewayHarness.HOSTED).path(0).path("kind")
            .asText());
        assertEquals(1, findings(fromEu, GatewayHarness.HOSTED).size());
        Run diverged = verify(eu);
        assertEquals(1, diverged.code(), diverged.describe());
        assertTrue(diverged.lines().contains("diverged " + LIB + " go:" + LIB + "@v1.0.0: the"
            + " module zip differs: eu " + bad + " us " + v100 + " (a go.sum made through one"
            + " region is a checksum mismatch in the other)"), diverged.describe());
        assertTrue(diverged.out().endsWith(": 1 diverged\n"), diverged.describe());
      }
    }
  }

  /**
   * Replaces the hash in the zip cache's {@code .h1} file of the zip whose second line starts
   * with {@code what} ({@code <module> <version> }), as a bad build or a bad disk would.
   */
  private static void rewriteHash(Path cache, String what, String hash) {
    try (var files = Files.list(cache)) {
      List<Path> hit = new ArrayList<>();
      for (Path f : files.filter(f -> f.toString().endsWith(".h1")).toList()) {
        List<String> lines = Files.readAllLines(f);
        if (lines.size() == 2 && lines.get(1).startsWith(what)) {
          Files.writeString(f, hash + "\n" + lines.get(1) + "\n");
          hit.add(f);
        }
      }
      assertEquals(1, hit.size(), "the zip of " + what + "in " + cache);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  // ---------------------------------------------------------------------------- cannot ask

  @Test
  void aRegionThatIsDown_orRefusesTheToken_exits2_namingIt() throws Exception {
    int dead;
    try (ServerSocket s = new ServerSocket(0)) {
      dead = s.getLocalPort();
    }
    String down = "https://127.0.0.1:" + dead;
    // the token file must exist at start; its content is read at each use
    Path euDir = regionDir(dir, "eu", "gte_made-once-the-users-are");
    try (GatewayHarness eu = GatewayHarness.start(euDir,
        GatewayHarness.Options.defaults().withRegion("eu")
            .withTopLevel(peers(List.of(down), null)))) {
      Files.writeString(euDir.resolve("fleet.token"), eu.token("ops") + "\n");

      Run run = verify(eu);

      assertEquals(2, run.code(), run.describe());
      assertTrue(run.lines().stream().anyMatch(l -> l.startsWith("unreachable " + down
          + ": cannot connect (")), run.describe());
      assertTrue(run.out().endsWith(" mirrors in eu: no difference among those asked; 1 could"
          + " not be asked\n"), run.describe());
      JsonNode fleet = fleet(eu);
      assertFalse(fleet.path("level").asBoolean());
      assertFalse(fleet.path("regions").path(0).path("reachable").asBoolean());
      assertEquals("unreachable", findings(fleet, LIB).path(0).path("kind").asText());

      Files.writeString(euDir.resolve("fleet.token"), "gte_not-a-token\n");
      Run wrong = verify(eu);
      assertEquals(2, wrong.code(), wrong.describe());
      assertTrue(wrong.lines().contains("unreachable " + eu.url() + ": 401: the token in"
          + " peers.tokenFile is not accepted there"), wrong.describe());
      Files.writeString(euDir.resolve("fleet.token"), eu.token("alice") + "\n");
      Run notAdmin = verify(eu);
      assertEquals(2, notAdmin.code(), notAdmin.describe());
      assertTrue(notAdmin.out().contains("unreachable " + eu.url() + ": 403: the token in"
          + " peers.tokenFile is not an admin's there"), notAdmin.describe());
      assertTrue(notAdmin.out().endsWith("gitedge: nothing compared: no region could be"
          + " asked\n"), notAdmin.describe());

      Run noUrl = gitedge("verify", "--config", eu.configFile().toString());
      assertEquals(2, noUrl.code());
      assertTrue(noUrl.err().contains("http.listen picks a free port (0) and there is no"
          + " http.publicUrl; pass --url"), noUrl.describe());
    }
  }

  // ------------------------------------------------------------------------------- upstream

  @Test
  void withUpstream_aTagMovedUpstreamIsAConflict_andAnUnsyncedPushIsBehind() throws Exception {
    Path euDir = regionDir(dir, "eu", "gte_made-once-the-users-are");
    try (GatewayHarness eu = GatewayHarness.start(euDir,
        GatewayHarness.Options.defaults().withRegion("eu").withTopLevel(peers(List.of(), null)))) {
      Files.writeString(euDir.resolve("fleet.token"), eu.token("ops") + "\n");
      String kept = eu.upstream().refs("acme/lib").get("refs/tags/v1.0.0");
      String moved = eu.upstream().commit("acme/lib", "main",
          Map.of("lib.go", "package lib\n\n// rewritten\n"), "rewrite history");
      eu.upstream().tag("acme/lib", "v1.0.0", moved, true);
      assertTrue(eu.sync(LIB).succeeded());
      String pushed = eu.upstream().commit("acme/lib", "main", Map.of("new.go", "package lib\n"),
          "pushed, not synced yet");

      Run without = verify(eu);
      Run run = verify(eu, "--upstream");

      assertEquals(0, without.code(), without.describe());
      assertFalse(without.out().contains("conflict"), without.describe());
      assertEquals(0, run.code(), "a conflict is what immutable tags are for: " + run.describe());
      assertTrue(run.lines().contains("conflict " + LIB + " refs/tags/v1.0.0: eu keeps "
          + kept.substring(0, 7) + ", the upstream has " + moved.substring(0, 7)
          + " (tags: immutable)"), run.describe());
      assertTrue(run.out().contains("behind " + LIB + " refs/heads/main: eu is behind the"
          + " upstream (upstream " + pushed.substring(0, 7) + ", eu " + moved.substring(0, 7)
          + "; eu synced"), run.describe());
      assertTrue(run.out().endsWith("and their upstreams: 1 behind, 1 conflict\n"),
          run.describe());
    }
  }
}
