package io.gitedge.gateway;

import static io.gitedge.gateway.GatewayHarness.LIB;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitedge.testing.ClientHome;
import io.gitedge.testing.PktLines;
import io.gitedge.testing.ProcessResult;
import io.gitedge.testing.Requires;
import io.gitedge.testing.TestUpstream;
import io.gitedge.testing.TrustingHttp;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16: {@code go} in direct mode fetches each version of a module with
 * {@code git fetch -f --depth=1 origin refs/tags/vX:refs/tags/vX} into one bare repository, so
 * every fetch after the first sends the client's {@code shallow} lines and its haves (the
 * versions fetched before). The pack cache answers those from a stored response when the
 * answer is fixed by the refs and the request, and only then; what a client gets is compared
 * byte for byte with what upload-pack computes in a gateway without a cache ({@code plain},
 * same upstream), and go's sums with those of C git's {@code http-backend} (the upstream).
 * One gateway pair for the class; the tests run in order (the last one moves a ref).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ShallowFetchCacheTest {
  @TempDir static Path dir;
  private static GatewayHarness gw;
  private static GatewayHarness plain;
  /** The 16 module versions go downloads: v1.0.0, v1.1.0 (seeded) and v1.2.0 to v1.2.13. */
  private static final List<String> VERSIONS = new ArrayList<>();
  /** A commit of the mirror that no ref names (v1.2.13's parent's parent is tagged, this not). */
  private static String untagged;

  @BeforeAll
  static void start() throws Exception {
    Requires.tools("go");
    gw = GatewayHarness.start(Files.createDirectories(dir.resolve("cached")));
    TestUpstream u = gw.upstream();
    VERSIONS.addAll(List.of("v1.0.0", "v1.1.0"));
    for (int i = 0; i < 14; i++) {
      String v = "v1.2." + i;
      String c = u.commit("acme/lib", "main", Map.of("lib.go",
          "package lib\n\nfunc Version() string { return \"" + v + "\" }\n",
          "docs/v" + i + ".md", "# " + v + "\n"), v);
      if (i % 3 == 0) {
        u.annotatedTag("acme/lib", v, c);
      } else {
        u.tag("acme/lib", v, c, false);
      }
      VERSIONS.add(v);
    }
    untagged = u.commit("acme/lib", "main", Map.of("notes.txt", "untagged\n"), "untagged");
    u.commit("acme/lib", "main", Map.of("notes.txt", "main moves on\n"), "main");
    gw.sync(LIB);
    plain = GatewayHarness.startBeside(Files.createDirectories(dir.resolve("plain")), gw,
        GatewayHarness.Options.defaults().withTopLevel("packCache:\n  enabled: false\n"));
    plain.sync(LIB);
  }

  @AfterAll
  static void stop() {
    if (plain != null) {
      plain.close();
    }
    if (gw != null) {
      gw.close();
    }
  }

  // ------------------------------------------------------------------------------ metrics

  /** {@code gitedge_pack_cache_requests_total{request,result}} as the metrics say now. */
  private static long count(String request, String result) {
    String metrics = gw.metricsText();
    Matcher m = Pattern.compile("(?m)^gitedge_pack_cache_requests_total\\{region=\"test\","
        + "request=\"" + request + "\",result=\"" + result + "\"} (\\d+)\\.0$").matcher(metrics);
    assertTrue(m.find(), metrics);
    return Long.parseLong(m.group(1));
  }

  /** Hits, misses and bypasses of one kind of request so far. */
  private record Counts(long hit, long miss, long bypass) {
    static Counts of(String request) {
      return new Counts(count(request, "hit"), count(request, "miss"),
          count(request, "bypass"));
    }

    Counts since(Counts before) {
      return new Counts(hit - before.hit, miss - before.miss, bypass - before.bypass);
    }
  }

  // ------------------------------------------------------------------------------ go

  /**
   * A cold {@code go mod download -json} of the 16 versions with a fresh module cache: the
   * {@code Sum} and {@code GoModSum} lines, sorted; the wanted ids in the order go fetched them
   * go to {@code order}, read from the client's packet trace.
   */
  private static List<String> goDownload(ClientHome client, String base, String name,
      List<String> order) throws IOException {
    client.git(dir, "config", "--global", "url." + base + ".insteadOf", "https://github.com/")
        .assertOk();
    Path work = Files.createDirectories(dir.resolve("go-" + name));
    Path trace = dir.resolve("go-" + name + ".packets");
    ClientHome go = client.with("GOPRIVATE", "github.com/acme").with("GOPROXY", "direct")
        .with("GIT_TRACE_PACKET", trace.toString());
    List<String> args = new ArrayList<>(List.of("mod", "download", "-json"));
    VERSIONS.forEach(v -> args.add("github.com/acme/lib@" + v));
    ProcessResult r = go.go(work, args.toArray(String[]::new)).assertOk();
    Files.readString(trace).lines().filter(l -> l.contains("fetch> want "))
        .map(l -> l.substring(l.indexOf("want ") + 5)).forEach(order::add);
    List<String> sums = r.stdout().lines().filter(l -> l.contains("Sum\": ")).map(String::trim)
        .sorted().toList();
    assertEquals(32, sums.size(), r.stdout());
    return sums;
  }

  @Test
  @Order(1)
  void goColdDownloadOf16Versions_twice_theSecondFromTheCache_withTheUpstreamsSums()
      throws Exception {
    String viaGateway = gw.url() + "/github.com/";
    Counts shallowBefore = Counts.of("shallow-fetch");
    Counts firstBefore = Counts.of("fetch");
    List<String> order1 = new ArrayList<>();
    List<String> run1 = goDownload(gw.clientWithNetrc("alice"), viaGateway, "first", order1);
    Counts shallow1 = Counts.of("shallow-fetch").since(shallowBefore);
    Counts first1 = Counts.of("fetch").since(firstBefore);

    List<String> order2 = new ArrayList<>();
    List<String> run2 = goDownload(gw.clientWithNetrc("alice"), viaGateway, "second", order2);
    Counts shallow2 = Counts.of("shallow-fetch").since(shallowBefore).since(shallow1);
    Counts first2 = Counts.of("fetch").since(firstBefore).since(first1);

    ClientHome direct = gw.client("direct");
    direct.addNetrc("127.0.0.1", "x-access-token", "upstream-secret");
    List<String> fromUpstream = goDownload(direct, gw.upstreamHttp().url() + "/", "direct",
        new ArrayList<>());

    assertEquals(16, order1.size(), "one fetch per version: " + order1);
    assertEquals(order1, order2, "go 1.19 fetches the versions in the same order each run");
    assertEquals(new Counts(0, 1, 0), first1, "the first version: no shallow lines yet");
    assertEquals(15, shallow1.hit() + shallow1.miss(), shallow1.toString());
    assertEquals(0, shallow1.bypass(), shallow1.toString());
    assertEquals(new Counts(1, 0, 0), first2, "the second run's first version");
    assertEquals(new Counts(15, 0, 0), shallow2, "the second run's other 15 versions");
    assertEquals(fromUpstream, run1, "go.sum through the gateway differs from the upstream's");
    assertEquals(run1, run2, "go.sum of the run served from the cache differs");
  }

  // ------------------------------------------------------------------------------ bytes

  private static String commitOf(String rev) {
    return gw.upstream().git("acme/lib", "rev-parse", rev + "^{commit}").assertOk().stdout()
        .trim();
  }

  private static String idOf(String rev) {
    return gw.upstream().git("acme/lib", "rev-parse", rev).assertOk().stdout().trim();
  }

  /** A v2 fetch as git 2.39 writes it for {@code git fetch --depth=N}, with these lines. */
  private static byte[] fetch(String... args) {
    List<String> lines = new ArrayList<>(List.of("command=fetch", "agent=git/2.39.5",
        "0001", "thin-pack", "no-progress", "include-tag", "ofs-delta"));
    lines.addAll(List.of(args));
    lines.add("0000");
    return PktLines.of(lines.toArray(String[]::new));
  }

  private static byte[] post(GatewayHarness g, byte[] body) {
    try {
      HttpResponse<byte[]> r = TrustingHttp.client(g.certificate()).send(HttpRequest
          .newBuilder(URI.create(g.repoUrl(LIB) + "/git-upload-pack"))
          .header("Authorization", "Bearer " + g.token("alice"))
          .header("Content-Type", "application/x-git-upload-pack-request")
          .header("Git-Protocol", "version=2")
          .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
          HttpResponse.BodyHandlers.ofByteArray());
      assertEquals(200, r.statusCode());
      return r.body();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Sends {@code body} twice to the gateway with the cache and once to the one without: all
   * three answers are the same bytes, and the cache counted {@code expected}.
   */
  private static byte[] sameAnswer(String what, byte[] body, Counts expected) {
    Counts before = Counts.of("shallow-fetch");
    byte[] first = post(gw, body);
    byte[] second = post(gw, body);
    byte[] fresh = post(plain, body);
    assertEquals(expected, Counts.of("shallow-fetch").since(before), what);
    String text = new String(first, StandardCharsets.ISO_8859_1);
    assertTrue(text.contains("PACK") || text.contains("acknowledgments"), what + ": " + text);
    assertArrayEquals(fresh, first, what + ": the first answer differs from upload-pack's");
    assertArrayEquals(fresh, second, what + ": the second answer differs from upload-pack's");
    return first;
  }

  @Test
  @Order(2)
  void shallowFetches_getTheBytesUploadPackWrites_fromTheCacheOnlyWhenEveryIdIsAdvertised() {
    String v100 = commitOf("v1.0.0");
    String v1213 = commitOf("v1.2.13");
    String absent = "0123456789abcdef0123456789abcdef01234567";
    Counts cached = new Counts(1, 1, 0);
    Counts bypassed = new Counts(0, 0, 2);

    // go's fetches began with v1.0.0: it never sent v1.2.13 as its only shallow commit
    String v123 = commitOf("v1.2.3");
    byte[] goShape = sameAnswer("go's shape, an annotated tag wanted", fetch(
        "shallow " + v123, "deepen 1", "want " + idOf("v1.2.6"), "have " + v123), cached);
    assertTrue(new String(goShape, StandardCharsets.ISO_8859_1).contains("ready"),
        "acknowledged and ready in one round");
    sameAnswer("the same, done", fetch("shallow " + v123, "deepen 1",
        "want " + idOf("v1.2.6"), "have " + v123, "done"), cached);
    byte[] notReady = sameAnswer("a have that is no ancestor: acknowledged, no pack yet", fetch(
        "shallow " + v1213, "deepen 1", "want " + idOf("v1.1.0"), "have " + v1213), cached);
    assertTrue(new String(notReady, StandardCharsets.ISO_8859_1).contains("ACK " + v1213),
        new String(notReady, StandardCharsets.ISO_8859_1));
    sameAnswer("haves in another order than go's", fetch("shallow " + v100,
        "shallow " + v1213, "deepen 1", "want " + idOf("v1.1.0"), "have " + v100,
        "have " + v1213), cached);
    sameAnswer("depth 2, a tag object wanted", fetch("shallow " + v100, "deepen 2",
        "want " + idOf("v1.2.6"), "have " + v100), cached);
    sameAnswer("depth 2 over a shallow commit inside it (unshallow)", fetch(
        "shallow " + commitOf("v1.2.5"), "deepen 2", "want " + commitOf("v1.2.6"),
        "have " + commitOf("v1.2.5")), cached);
    sameAnswer("a shallow line the server has never seen", fetch("shallow " + absent,
        "shallow " + v100, "deepen 1", "want " + commitOf("v1.2.7"), "have " + v100),
        bypassed);
    sameAnswer("a have the server lacks", fetch("shallow " + v100, "deepen 1",
        "want " + commitOf("v1.2.7"), "have " + absent, "have " + v100), bypassed);
    sameAnswer("a shallow commit no ref names", fetch("shallow " + untagged, "deepen 1",
        "want " + commitOf("main"), "have " + untagged), bypassed);
  }

  // ------------------------------------------------------------------------------ ref moves

  @Test
  @Order(3)
  void afterARefMovesAndASync_theSameShallowFetchIsComputedAnew() {
    String v100 = commitOf("v1.0.0");
    byte[] tagged = fetch("shallow " + v100, "deepen 1", "want " + idOf("v1.2.9"),
        "have " + v100);
    byte[] mainTip = fetch("shallow " + v100, "deepen 1", "want " + commitOf("main"),
        "have " + v100);
    sameAnswer("a tag, before main moves", tagged, new Counts(1, 1, 0));
    sameAnswer("main's tip, before it moves", mainTip, new Counts(1, 1, 0));

    String pushed = gw.upstream().commit("acme/lib", "main", Map.of("lib.go",
        "package lib\n\nfunc Version() string { return \"next\" }\n"), "next");
    gw.sync(LIB);
    plain.sync(LIB);

    Counts before = Counts.of("shallow-fetch");
    assertArrayEquals(post(plain, tagged), post(gw, tagged));
    assertEquals(new Counts(0, 1, 0), Counts.of("shallow-fetch").since(before),
        "other refs, another key: computed anew, not served from before the move");
    before = Counts.of("shallow-fetch");
    assertArrayEquals(post(plain, mainTip), post(gw, mainTip));
    assertEquals(new Counts(0, 0, 1), Counts.of("shallow-fetch").since(before),
        "main's old tip is no longer advertised: upload-pack decides");
    byte[] next = sameAnswer("main's new tip", fetch("shallow " + v100, "deepen 1",
        "want " + pushed, "have " + v100), new Counts(1, 1, 0));
    assertTrue(new String(next, StandardCharsets.ISO_8859_1).contains("shallow " + pushed),
        "the new commit is the new shallow boundary");
  }
}
