package io.gitedge.gateway;

import static io.gitedge.gateway.GatewayHarness.LIB;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitedge.testing.ClientHome;
import io.gitedge.testing.PktLines;
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
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The pack cache behind the HTTPS door, with the real git client: identical clones share one
 * response, syncs invalidate it, and nothing a client gets differs from what upload-pack would
 * have sent: fetches with haves, shallow and partial clones, bad wants, restarts and damaged
 * cache files included. What the cache did is read from {@code /metrics}.
 */
class PackCacheEndToEndTest {
  @TempDir Path dir;
  private GatewayHarness gw;
  private GatewayHarness plain;

  @AfterEach
  void stop() {
    if (plain != null) {
      plain.close();
    }
    if (gw != null) {
      gw.close();
    }
  }

  private GatewayHarness start() throws Exception {
    gw = GatewayHarness.start(dir);
    return gw;
  }

  /** The metrics page, as an admin reads it. */
  private static String metrics(GatewayHarness g) throws Exception {
    return TrustingHttp.client(g.certificate()).send(HttpRequest.newBuilder(
            URI.create(g.url() + "/metrics"))
        .header("Authorization", "Bearer " + g.token("ops")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }

  /** {@code gitedge_pack_cache_requests_total{result}} as the metrics say now. */
  private static long count(GatewayHarness g, String result) throws Exception {
    return count(g, "fetch", result) + count(g, "other", result);
  }

  private static long count(GatewayHarness g, String request, String result) throws Exception {
    String metrics = metrics(g);
    Matcher m = Pattern.compile("(?m)^gitedge_pack_cache_requests_total\\{region=\"test\","
        + "request=\"" + request + "\",result=\"" + result + "\"} (\\d+)\\.0$")
        .matcher(metrics);
    assertTrue(m.find(), metrics);
    return Long.parseLong(m.group(1));
  }

  private static double gauge(GatewayHarness g, String name, String tier) throws Exception {
    String metrics = metrics(g);
    Matcher m = Pattern.compile("(?m)^" + name + "\\{region=\"test\",tier=\"" + tier
        + "\"} (\\S+)$").matcher(metrics);
    assertTrue(m.find(), metrics);
    return Double.parseDouble(m.group(1));
  }

  /** Hits, misses and bypasses of pack requests (ref listings apart) so far. */
  private record Counts(long hit, long miss, long bypass) {
    static Counts of(GatewayHarness g) throws Exception {
      return new Counts(count(g, "hit"), count(g, "miss"), count(g, "bypass"));
    }

    Counts since(Counts before) {
      return new Counts(hit - before.hit, miss - before.miss, bypass - before.bypass);
    }
  }

  private Path cloneOf(ClientHome client, String name, String... options) {
    return cloneWithProtocol(client, "2", name, options);
  }

  private Path cloneWithProtocol(ClientHome client, String protocol, String name,
      String... options) {
    Path work = gw.workDir("clones");
    String[] args = Stream.concat(Stream.concat(Stream.of("-c", "protocol.version=" + protocol,
        "clone", "-q"), Stream.of(options)), Stream.of(gw.repoUrl(LIB), name))
        .toArray(String[]::new);
    client.git(work, args).assertOk();
    return work.resolve(name);
  }

  private static String git(ClientHome client, Path repo, String... args) {
    return client.git(repo, args).assertOk().stdout().trim();
  }

  /** What a clone holds: every ref and the content of HEAD's tree. */
  private static String content(ClientHome client, Path repo) {
    return git(client, repo, "for-each-ref", "--format=%(objectname) %(refname)") + "\n"
        + git(client, repo, "ls-tree", "-r", "HEAD") + "\n"
        + git(client, repo, "show", "HEAD:lib.go");
  }

  /** HEAD's commit and tree: what a shallow clone shares with a full one. */
  private static String head(ClientHome client, Path repo) {
    return git(client, repo, "rev-parse", "HEAD") + "\n" + git(client, repo, "ls-tree", "-r",
        "HEAD");
  }

  // ------------------------------------------------------------------------------ clones

  @ParameterizedTest
  @ValueSource(strings = {"2", "0"})
  void identicalClones_theSecondIsAnsweredFromTheCache_withTheSameContent(String protocol)
      throws Exception {
    start();
    ClientHome alice = gw.clientWithNetrc("alice");
    Counts before = Counts.of(gw);

    Path first = cloneWithProtocol(alice, protocol, "first");
    Counts afterFirst = Counts.of(gw).since(before);
    Path second = cloneWithProtocol(alice, protocol, "second");
    Counts afterSecond = Counts.of(gw).since(before);

    assertEquals(0, afterFirst.hit(), afterFirst.toString());
    assertEquals(1, afterFirst.miss(), afterFirst.toString());
    assertEquals(1, afterSecond.hit(), afterSecond.toString());
    assertEquals(1, afterSecond.miss(), afterSecond.toString());
    assertEquals(content(alice, first), content(alice, second));
    assertEquals(gw.upstream().refs("acme/lib").get("refs/heads/main"),
        git(alice, second, "rev-parse", "HEAD"));
    git(alice, second, "fsck", "--strict");
    assertTrue(gauge(gw, "gitedge_pack_cache_bytes", "memory") > 0);
  }

  @Test
  void afterAPushAndASync_theNextCloneGetsTheNewCommit() throws Exception {
    start();
    ClientHome alice = gw.clientWithNetrc("alice");
    cloneOf(alice, "old");
    cloneOf(alice, "old-again");
    git(alice, dir, "ls-remote", gw.repoUrl(LIB));
    assertEquals(1, count(gw, "ls-refs", "hit"), "the second clone's listing");
    assertEquals(3, gauge(gw, "gitedge_pack_cache_entries", "memory"),
        "the clones' and ls-remote's listings, and a pack");

    String pushed = gw.upstream().commit("acme/lib", "main",
        Map.of("lib.go", "package lib\n\nfunc Version() string { return \"v1.2.0\" }\n"),
        "v1.2.0");
    gw.sync(LIB);
    assertEquals(0, gauge(gw, "gitedge_pack_cache_entries", "memory"),
        "the sync dropped the mirror's entries");
    Counts before = Counts.of(gw);
    long listingsBefore = count(gw, "ls-refs", "miss");
    Path fresh = cloneOf(alice, "fresh");

    assertEquals(new Counts(0, 1, 0), Counts.of(gw).since(before), "one miss");
    assertEquals(listingsBefore + 1, count(gw, "ls-refs", "miss"), "the listing was made anew");
    String newListing = git(alice, dir, "ls-remote", gw.repoUrl(LIB));
    assertTrue(newListing.contains(pushed + "\trefs/heads/main"), newListing);
    assertEquals(pushed, git(alice, fresh, "rev-parse", "HEAD"));
    assertTrue(git(alice, fresh, "show", "HEAD:lib.go").contains("v1.2.0"));
    git(alice, fresh, "fsck", "--strict");
  }

  @Test
  void aFetchWithHaves_isNotAnsweredFromTheCache_andGetsTheNewCommit() throws Exception {
    start();
    ClientHome alice = gw.clientWithNetrc("alice");
    Path clone = cloneOf(alice, "incremental");
    String pushed = gw.upstream().commit("acme/lib", "main", Map.of("new.go", "package lib\n"),
        "new");
    gw.sync(LIB);
    cloneOf(alice, "cached"); // a cache entry exists for a full clone of the refs as they are
    Counts before = Counts.of(gw);

    git(alice, clone, "fetch", "-q", "origin");

    Counts during = Counts.of(gw).since(before);
    assertEquals(0, during.hit(), during.toString());
    assertEquals(0, during.miss(), during.toString());
    assertEquals(1, during.bypass(), during.toString()); // the fetch with haves
    assertEquals(pushed, git(alice, clone, "rev-parse", "origin/main"));
    git(alice, clone, "fsck", "--strict");
  }

  @Test
  void shallowAndPartialClones_areKeyedApartFromFullOnes_andStayShallowAndPartial()
      throws Exception {
    start();
    ClientHome alice = gw.clientWithNetrc("alice");
    Path full = cloneOf(alice, "full");
    assertEquals("2", git(alice, full, "rev-list", "--count", "HEAD"));

    Counts before = Counts.of(gw);
    Path shallow = cloneOf(alice, "shallow", "--depth", "1");
    Path shallowAgain = cloneOf(alice, "shallow-again", "--depth", "1");
    Counts shallowCounts = Counts.of(gw).since(before);
    assertEquals(1, shallowCounts.miss(), shallowCounts.toString());
    assertEquals(1, shallowCounts.hit(), shallowCounts.toString());
    for (Path p : List.of(shallow, shallowAgain)) {
      assertEquals("1", git(alice, p, "rev-list", "--count", "HEAD"));
      assertEquals("true", git(alice, p, "rev-parse", "--is-shallow-repository"));
      git(alice, p, "fsck");
    }
    assertEquals(content(alice, shallow), content(alice, shallowAgain));
    assertEquals(head(alice, full), head(alice, shallowAgain));

    before = Counts.of(gw);
    Path partial = cloneOf(alice, "partial", "--filter=blob:none", "--no-checkout");
    Path partialAgain = cloneOf(alice, "partial-again", "--filter=blob:none", "--no-checkout");
    Counts partialCounts = Counts.of(gw).since(before);
    assertEquals(1, partialCounts.miss(), partialCounts.toString());
    assertEquals(1, partialCounts.hit(), partialCounts.toString());
    for (Path p : List.of(partial, partialAgain)) {
      assertTrue(git(alice, p, "rev-list", "--objects", "--all", "--missing=print")
          .lines().anyMatch(l -> l.startsWith("?")), "blobs were left out");
      assertEquals("2", git(alice, p, "rev-list", "--count", "HEAD"));
    }
    // the blobs come on demand (wants that are not ref tips: past the cache), and match
    git(alice, partialAgain, "checkout", "-q", "main");
    assertEquals(content(alice, full), content(alice, partialAgain));
    git(alice, partialAgain, "fsck");
  }

  // ------------------------------------------------------------------------------ bad wants

  private static byte[] fetchRequest(String... wants) {
    List<String> lines = new ArrayList<>(List.of("command=fetch", "agent=hand-made",
        "object-format=sha1", "0001", "thin-pack", "ofs-delta", "no-progress"));
    Stream.of(wants).map(w -> "want " + w).forEach(lines::add);
    lines.addAll(List.of("done", "0000"));
    return PktLines.of(lines.toArray(String[]::new));
  }

  private static HttpResponse<byte[]> post(GatewayHarness g, byte[] body) {
    try {
      return TrustingHttp.client(g.certificate()).send(HttpRequest.newBuilder(
              URI.create(g.repoUrl(LIB) + "/git-upload-pack"))
          .header("Authorization", "Bearer " + g.token("alice"))
          .header("Content-Type", "application/x-git-upload-pack-request")
          .header("Git-Protocol", "version=2")
          .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
          HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void wantsThatAreNotRefTips_getWhatUploadPackSays_neverACachedResponse() throws Exception {
    start();
    Files.createDirectories(dir.resolve("plain"));
    plain = GatewayHarness.startBeside(dir.resolve("plain"), gw,
        GatewayHarness.Options.defaults().withTopLevel("packCache:\n  enabled: false\n"));
    String main = gw.upstream().refs("acme/lib").get("refs/heads/main");
    // a commit that reaches the mirrors and then loses its branch: present, unreachable
    String orphan = gw.upstream().commit("acme/lib", "doomed", Map.of("x.txt", "x\n"), "x");
    gw.sync(LIB);
    plain.sync(LIB);
    gw.upstream().git("acme/lib", "branch", "-D", "doomed").assertOk();
    gw.sync(LIB);
    plain.sync(LIB);
    String absent = "0123456789abcdef0123456789abcdef01234567";

    HttpResponse<byte[]> tip = post(gw, fetchRequest(main));
    HttpResponse<byte[]> tipAgain = post(gw, fetchRequest(main));
    assertEquals(new Counts(1, 1, 0), Counts.of(gw));
    assertArrayEquals(tip.body(), tipAgain.body());
    assertEquals(String.valueOf(tip.body().length),
        tipAgain.headers().firstValue("Content-Length").orElseThrow());

    for (String bad : List.of(absent, orphan)) {
      Counts before = Counts.of(gw);
      HttpResponse<byte[]> cached = post(gw, fetchRequest(main, bad));
      HttpResponse<byte[]> uncached = post(plain, fetchRequest(main, bad));
      assertEquals(new Counts(0, 0, 1), Counts.of(gw).since(before), bad);
      assertEquals(uncached.statusCode(), cached.statusCode());
      assertEquals(new String(uncached.body(), StandardCharsets.ISO_8859_1),
          new String(cached.body(), StandardCharsets.ISO_8859_1));
      String text = new String(cached.body(), StandardCharsets.ISO_8859_1);
      assertTrue(text.contains("ERR") && text.contains(bad), text);
      assertFalse(text.contains("PACK"), "no pack for a bad want");
    }
    // and the good request still gets the stored response
    assertArrayEquals(tip.body(), post(gw, fetchRequest(main)).body());
  }

  // ------------------------------------------------------------------------------ restarts

  @Test
  void afterARestartOnTheSameDataDir_theFirstCloneIsAHit() throws Exception {
    start();
    ClientHome alice = gw.clientWithNetrc("alice");
    Path before = cloneOf(alice, "before-restart");

    gw.restart(data -> { });

    assertEquals(2, gauge(gw, "gitedge_pack_cache_entries", "disk"), "a listing and a pack");
    Path after = cloneOf(alice, "after-restart");
    assertEquals(new Counts(1, 0, 0), Counts.of(gw), "the clone from disk");
    assertEquals(1, count(gw, "ls-refs", "hit"), "and its ref listing");
    assertEquals(content(alice, before), content(alice, after));
    git(alice, after, "fsck", "--strict");
  }

  @Test
  void aCacheFileDamagedWhileTheGatewayWasDown_isNeverServed() throws Exception {
    start();
    ClientHome alice = gw.clientWithNetrc("alice");
    Path before = cloneOf(alice, "before-damage");

    gw.restart(data -> {
      try (Stream<Path> all = Files.walk(data.resolve("pack-cache"))) {
        List<Path> files = all.filter(p -> p.toString().endsWith(".pack")).toList();
        assertEquals(2, files.size(), "a listing and a pack: " + files);
        Path pack = files.stream().max(Comparator.comparingLong(p -> p.toFile().length()))
            .orElseThrow();
        byte[] bytes = Files.readAllBytes(pack);
        bytes[bytes.length / 2] ^= 0x01; // same length: only the checksum can tell
        Files.write(pack, bytes);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });

    Path after = cloneOf(alice, "after-damage");
    assertEquals(new Counts(0, 1, 0), Counts.of(gw));
    assertEquals(content(alice, before), content(alice, after));
    git(alice, after, "fsck", "--strict");
    assertNotEquals(0, gauge(gw, "gitedge_pack_cache_entries", "memory"), "computed anew");
  }
}
