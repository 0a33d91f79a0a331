package io.gitedge.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.gitedge.auth.AccessToken;
import io.gitedge.testing.ClientHome;
import io.gitedge.testing.HttpBackendServer;
import io.gitedge.testing.ShapedLink;
import io.gitedge.testing.TestScale;
import io.gitedge.testing.TestUpstream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * R01: {@code kill -9} of a real gateway process (the shipped launcher and jar) at random moments
 * of a sync stretched by a 2 MB/s link to the upstream, 20 times ({@code -Plong}: 200): after
 * each restart the mirror passes {@code git fsck}, its refs are the upstream's old or new state
 * and nothing else, no lock or temporary file is left, and the next sync brings it level.
 *
 * <p>Each round starts a sync, waits until its fetch is receiving (JGit's temporary
 * {@code incoming_*} pack exists), then kills after a random delay, so kills land in the pack
 * download, after it (pack rename, ref batch, repack) or after the sync. A kill counts as
 * mid-sync only if it provably landed in one: the dead process left what only a running sync
 * writes (a temporary or kept pack, a lock, a half-made mirror). At least half the kills must.
 * The gateway restarted after a kill, once checked and synced level, is the next round's victim,
 * so a round costs one process start, not two.
 */
@ExtendWith(LauncherProcess.Cleanup.class)
class CrashRecoveryIT {
  private static final String MIRROR = "github.com/acme/big";
  private static final int ROUNDS = TestScale.pick(20, 200);
  /** The upstream's bandwidth as the gateway sees it: a round's push takes ~0.5 s to fetch. */
  private static final long UPSTREAM_BYTES_PER_SECOND = 2 << 20;
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  private final Random random = new Random();
  private final HttpClient http = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(10)).build();

  @Test
  void killedDuringSyncs_theMirrorIsAlwaysOldOrNew_andConverges() throws Exception {
    LauncherProcess.launcher(); // skipped outside failsafe
    TestUpstream upstream = TestUpstream.create(dir);
    upstream.createRepo("acme/big");
    for (int i = 0; i < 8; i++) {
      push(upstream, i);
    }
    HttpBackendServer server = upstream.serveHttp(null, null);
    ShapedLink link = ShapedLink.open(new InetSocketAddress(InetAddress.getLoopbackAddress(),
        URI.create(server.url()).getPort()),
        ShapedLink.Shape.NONE.withBandwidth(UPSTREAM_BYTES_PER_SECOND));
    AccessToken token = AccessToken.generate();
    Path config = writeConfig("http://127.0.0.1:" + link.port(), token);
    ClientHome git = ClientHome.create(Files.createDirectories(dir.resolve("checker")));
    Path mirror = dir.resolve("data/mirrors/" + MIRROR + ".git");
    Map<String, String> old = Map.of(); // nothing mirrored yet
    int killedMidSync = 0;
    // the gateway restarted after round r's kill, checked and synced level, is round r + 1's
    // victim: one start per round (the first round's victim creates the mirror at its start)
    LauncherProcess victim = start(config, "victim-0");
    try {
      for (int round = 0; round < ROUNDS; round++) {
        if (round > 0) {
          push(upstream, 100 + round);
        }
        Map<String, String> next = refs(git, upstream.bare("acme/big"));

        long logMark = Files.size(victim.logFile());
        if (round > 0) {
          HttpResponse<String> started = http.send(HttpRequest.newBuilder(URI.create(
                  victim.url() + "/api/v1/mirrors/" + MIRROR + "/sync"))
              .header("Authorization", "Bearer " + token.reveal())
              .POST(HttpRequest.BodyPublishers.noBody()).build(),
              HttpResponse.BodyHandlers.ofString());
          assertEquals(202, started.statusCode(), started.body());
        }
        awaitFetchUnderWay(victim, logMark);
        Thread.sleep(random.nextInt(600));
        victim.kill();
        List<String> leftBehind = leftovers(dir.resolve("data/mirrors"));
        boolean midSync = !leftBehind.isEmpty();
        killedMidSync += midSync ? 1 : 0;

        server.setDown(true); // the restart's first sync fails: what is checked is the crash's
        LauncherProcess restarted = start(config, "restart-" + round);
        victim = restarted;
        // a mirror not synced within its interval syncs at start, into a scratch folder of its
        // own; what is checked is what the crash left, so that attempt (failing) ends first
        awaitNoSync(restarted, token);
        if (Files.exists(mirror)) {
          git.git(mirror, "fsck", "--no-progress").assertOk();
          Map<String, String> now = refs(git, mirror);
          assertTrue(now.equals(old) || now.equals(next), "round " + round
              + ": refs are neither the old nor the new upstream state:\n" + now);
        } else {
          assertTrue(old.isEmpty(), "round " + round + ": the mirror vanished");
        }
        assertEquals(List.of(), leftovers(dir.resolve("data/mirrors")), "round " + round);

        server.setDown(false);
        HttpResponse<String> sync = http.send(HttpRequest.newBuilder(URI.create(
                restarted.url() + "/api/v1/mirrors/" + MIRROR + "/sync?wait=true"))
            .header("Authorization", "Bearer " + token.reveal())
            .POST(HttpRequest.BodyPublishers.noBody()).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(200, sync.statusCode(), sync.body());
        assertTrue(sync.body().matches("(?s).*\"outcome\" : \"(created|updated|unchanged)\".*"),
            sync.body());
        assertEquals(next, refs(git, mirror), "round " + round + ": the sync did not converge");
        git.git(mirror, "fsck", "--no-progress").assertOk();
        old = next;
      }
    } finally {
      victim.close();
      link.close();
      upstream.close();
    }
    System.out.println("CrashRecoveryIT: " + killedMidSync + " of " + ROUNDS
        + " kills provably landed in a running sync (it left files only a sync writes)");
    // the kills must have hit syncs, not idle gateways, for the test to mean anything
    assertTrue(killedMidSync >= ROUNDS / 2, "R01: only " + killedMidSync + " of " + ROUNDS
        + " kills provably landed in a running sync");
  }

  /**
   * Waits until the sync's fetch is receiving its pack (JGit's temporary pack exists, in the
   * mirror or in the scratch folder of a new one), or the sync has ended already (logged after
   * {@code logMark}, the log's length before the sync was asked for).
   */
  private void awaitFetchUnderWay(LauncherProcess g, long logMark) throws Exception {
    Path root = dir.resolve("data/mirrors");
    for (int i = 0; i < 6_000; i++) {
      try (Stream<Path> all = Files.walk(root, 7)) {
        if (all.anyMatch(p -> p.getFileName().toString().startsWith("incoming_"))) {
          return;
        }
      } catch (IOException | java.io.UncheckedIOException e) {
        // a file went while walking: look again
      }
      String log = g.log();
      if (log.length() > logMark
          && log.substring((int) logMark).contains("sync " + MIRROR + " from")) {
        return;
      }
      Thread.sleep(5);
    }
    throw new AssertionError("R01: the sync's fetch did not start:\n" + g.log());
  }

  /** Three commits of incompressible data on main, a branch moved by force, tags, a deletion. */
  private void push(TestUpstream upstream, int n) {
    for (int i = 0; i < 3; i++) {
      byte[] data = new byte[300_000];
      random.nextBytes(data);
      upstream.commit("acme/big", "main", Map.of("blob-" + n + "-" + i + ".txt",
          Base64.getMimeEncoder().encodeToString(data)), "commit " + n + "." + i);
    }
    String head = upstream.git("acme/big", "rev-parse", "main").assertOk().stdout().trim();
    for (int t = 0; t < 20; t++) {
      upstream.tag("acme/big", "v" + n + "." + t + ".0", head, false);
    }
    String topic = upstream.commit("acme/big", "topic-" + n, Map.of("topic.txt", "topic " + n),
        "topic " + n);
    upstream.git("acme/big", "update-ref", "refs/heads/moving", topic).assertOk();
    if (n > 101) {
      upstream.git("acme/big", "branch", "-D", "topic-" + (n - 1)).assertOk();
    }
  }

  private Path writeConfig(String upstreamUrl, AccessToken token) throws IOException {
    Files.writeString(dir.resolve("identity.yaml"), """
        users:
          ops:
            groups: [admins]
            tokens: ["%s"]
        """.formatted(token.hash().value()));
    Path config = dir.resolve("gitedge.yaml");
    Files.writeString(config, """
        region: crash
        dataDir: ./data
        http:
          listen: 127.0.0.1:0
          tls: off
        identity:
          file: identity.yaml
        sync:
          backoffInitial: 1h
        upstreams:
          - prefix: github.com/acme
            url: %s/acme
            repos: [big]
            syncInterval: 1h
        """.formatted(upstreamUrl));
    return config;
  }

  private LauncherProcess start(Path config, String name) throws Exception {
    return LauncherProcess.start(dir, config, dir.resolve(name + ".log"));
  }

  private void awaitNoSync(LauncherProcess g, AccessToken token) throws Exception {
    HttpRequest get = HttpRequest.newBuilder(URI.create(g.url() + "/api/v1/mirrors/" + MIRROR))
        .header("Authorization", "Bearer " + token.reveal()).build();
    String body = "";
    for (int i = 0; i < 600; i++) {
      HttpResponse<String> r = http.send(get, HttpResponse.BodyHandlers.ofString());
      body = r.body();
      if (r.statusCode() == 200 && !JSON.readTree(body).path("syncing").asBoolean(true)) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("the restarted gateway's first sync did not end:\n" + body);
  }

  /** Branches and tags with their ids. */
  private static Map<String, String> refs(ClientHome git, Path bare) {
    Map<String, String> out = new TreeMap<>();
    git.git(bare, "for-each-ref", "--format=%(objectname) %(refname)", "refs/heads",
        "refs/tags").assertOk().stdout().lines().forEach(l -> {
          String[] p = l.split(" ", 2);
          out.put(p[1], p[0]);
        });
    return out;
  }

  /** Lock files, temporary packs, pack keep files and half-made mirrors under the root. */
  private static List<String> leftovers(Path root) throws IOException {
    List<String> found = new ArrayList<>();
    try (Stream<Path> all = Files.walk(root)) {
      all.filter(Files::isRegularFile).forEach(f -> {
        String n = f.getFileName().toString();
        String rel = root.relativize(f).toString();
        if ((n.endsWith(".lock") && !rel.equals(".lock")) || n.startsWith("incoming_")
            || n.endsWith(".keep") || n.endsWith(".tmp") || rel.startsWith(".incoming/")) {
          found.add(rel);
        }
      });
    }
    return found;
  }
}
