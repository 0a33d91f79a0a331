package io.gitedge.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitedge.auth.AccessToken;
import io.gitedge.testing.ClientHome;
import io.gitedge.testing.ClientProcess;
import io.gitedge.testing.HttpBackendServer;
import io.gitedge.testing.MirrorInvariants;
import io.gitedge.testing.ProcessResult;
import io.gitedge.testing.Requires;
import io.gitedge.testing.ShapedLink;
import io.gitedge.testing.TestScale;
import io.gitedge.testing.TestUpstream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * R15, graceful shutdown, on the real process (the shipped launcher and jar): signals need one.
 * SIGTERM during clones stretched by a slow link lets them finish while new connections are
 * refused; SIGTERM during syncs stretched by a slow upstream aborts them with the mirror's refs
 * as before (never partial) and nothing left behind; a second SIGTERM or the drain deadline
 * stops at once. Default suite: 3 HTTPS clones and 1 SSH clone, 1 sync; {@code -Plong}: 40 + 10
 * clones and 5 syncs.
 */
@ExtendWith(LauncherProcess.Cleanup.class)
class GracefulShutdownIT {
  private static final Pattern IN_FLIGHT = Pattern.compile(
      "(?m)^gitedge_requests_in_flight\\{[^}]*\\} ([0-9.]+)");
  private static final String PREFIX = "github.com/acme/";
  /** What a shaped link takes ahead of its slow reader (64 KiB, not 8 MiB). */
  private static final int WINDOW = 64 << 10;

  @TempDir Path dir;
  private final Random random = new Random();
  private final HttpClient http = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(10)).build();
  private final AccessToken token = AccessToken.generate();
  private TestUpstream upstream;
  private ClientHome client;
  private Path sshKey;

  @BeforeEach
  void setUp() throws IOException {
    LauncherProcess.launcher(); // skipped outside failsafe
    Requires.tools("git", "ssh", "ssh-keygen");
    upstream = TestUpstream.create(dir.resolve("upstream"));
    client = ClientHome.create(Files.createDirectories(dir.resolve("client")));
    sshKey = dir.resolve("client/id_ed25519");
    ClientProcess.run(dir, ClientProcess.baseEnvironment(), List.of("ssh-keygen", "-q", "-t",
        "ed25519", "-N", "", "-C", "dev@test", "-f", sshKey.toString()), null).assertOk();
    Files.writeString(dir.resolve("identity.yaml"), """
        users:
          ops:
            groups: [admins]
            tokens: ["%s"]
          dev:
            sshKeys: ["%s"]
        """.formatted(token.hash().value(), Files.readString(Path.of(sshKey + ".pub")).trim()));
  }

  // ---- (a) clones drain ----

  @Test
  void r15_sigtermDuringSlowClones_theyFinish_newConnectionsRefused_exit0() throws Exception {
    int httpsClones = TestScale.pick(3, 40);
    int sshClones = TestScale.pick(1, 10);
    upstream.createRepo("acme/big");
    pushRandom("acme/big", 128, 64 << 10, "content");
    Map<String, String> upstreamRefs = upstream.refs("acme/big");
    LauncherProcess gw = start(config(upstream.fileUrl() + "/acme", List.of("big"), "90s"), "a");
    try {
      awaitLog(gw, "sync " + PREFIX + "big from", Duration.ofSeconds(60));
      // ~8 MB of pack per clone at 1 MiB/s through a 64 KiB window: the gateway's socket buffers
      // take up to 4 MB (Linux autotuning), so each upload-pack runs for several seconds (a link
      // with a large window would take the pack at once and drip it out after the gateway is
      // done, and no drain would be needed for the clone to finish)
      ShapedLink httpsLink = ShapedLink.open(local(gw.httpPort()),
          ShapedLink.Shape.NONE.withBandwidth(1 << 20), WINDOW);
      ShapedLink sshLink = ShapedLink.open(local(gw.sshPort()),
          ShapedLink.Shape.NONE.withBandwidth(1 << 20), WINDOW);
      List<CompletableFuture<ProcessResult>> clones = new ArrayList<>();
      List<Path> dests = new ArrayList<>();
      for (int i = 0; i < httpsClones + sshClones; i++) {
        Path dest = dir.resolve("clones/c" + i);
        dests.add(dest);
        String url = i < httpsClones
            ? "http://127.0.0.1:" + httpsLink.port() + "/" + PREFIX + "big.git"
            : "ssh://git@127.0.0.1:" + sshLink.port() + "/" + PREFIX + "big.git";
        clones.add(CompletableFuture.supplyAsync(() -> sshClient().git(dir, "clone",
            "--bare", "-q", url, dest.toString()), runner()));
      }
      int total = httpsClones + sshClones;
      // every clone is in its upload-pack (the one long request of a clone), plus /metrics
      awaitTrue(() -> inFlight(gw) >= total + 1, Duration.ofSeconds(120),
          "R15: the clones did not all get to their pack");
      try (Socket probe = new Socket(InetAddress.getLoopbackAddress(), gw.httpPort())) {
        assertTrue(readyz(probe).contains("200"), "R15: /readyz before the signal");
        gw.process().destroy(); // SIGTERM
        awaitLog(gw, "draining", Duration.ofSeconds(10));
        Matcher draining = Pattern.compile("draining (\\d+) requests").matcher(gw.log());
        assertTrue(draining.find() && Integer.parseInt(draining.group(1)) >= total,
            "R15: the clones were not all running at SIGTERM\n" + gw.log());
        assertRefused(gw.httpPort(), "R15: a new HTTPS connection after SIGTERM was accepted");
        assertRefused(gw.sshPort(), "R15: a new SSH connection after SIGTERM was accepted");
        String ready = readyz(probe);
        assertTrue(ready.contains("503") && ready.contains("stopping"),
            "R15: /readyz on an open connection after SIGTERM: " + ready);

        for (int i = 0; i < total; i++) {
          ProcessResult r = clones.get(i).get(5, TimeUnit.MINUTES);
          assertEquals(0, r.exitCode(), "R15: clone " + i + " running at SIGTERM was cut:\n"
              + r.describe() + "\n--- gateway log\n" + gw.log());
          client.git(dests.get(i), "fsck", "--full", "--no-progress").assertOk();
          assertEquals(upstreamRefs.get("refs/heads/main"), client.git(dests.get(i),
              "rev-parse", "refs/heads/main").assertOk().stdout().trim(),
              "R15: clone " + i + " has another main than the mirror");
        }
      }
      assertTrue(gw.process().waitFor(120, TimeUnit.SECONDS), "R15: the gateway did not exit");
      assertEquals(0, gw.process().exitValue(), "R15: exit code after a drain\n" + gw.log());
      assertTrue(gw.log().contains("drained in"), "R15: no drain-done line\n" + gw.log());
      report("(a) " + total + " clones", gw);
      httpsLink.close();
      sshLink.close();
      MirrorInvariants.check(dir.resolve("data/mirrors"));
    } finally {
      gw.kill();
    }
  }

  // ---- (b) syncs abort ----

  @Test
  void r15_sigtermDuringSlowSyncs_abortWithoutPartialRefs_noLeftovers_restartServes()
      throws Exception {
    int mirrors = TestScale.pick(1, 5);
    List<String> names = new ArrayList<>();
    for (int m = 0; m < mirrors; m++) {
      names.add("big" + m);
      upstream.createRepo("acme/big" + m);
      upstream.commit("acme/big" + m, "main", Map.of("README", "small\n"), "small");
    }
    HttpBackendServer server = upstream.serveHttp(null, null);
    ShapedLink slow = ShapedLink.open(local(port(server.url())),
        ShapedLink.Shape.NONE.withBandwidth(100 << 10));
    try {
      LauncherProcess gw = start(config("http://127.0.0.1:" + slow.port() + "/acme", names, "60s"),
          "b");
      Map<String, Map<String, String>> before = new HashMap<>();
      Map<String, Map<String, String>> after = new HashMap<>();
      try {
        for (String n : names) {
          awaitLog(gw, "sync " + PREFIX + n + " from", Duration.ofSeconds(60));
          before.put(n, refs(mirror(n)));
          // ~1.6 MB in 50 KiB objects at 100 KB/s: the fetch takes some fifteen seconds
          pushRandom("acme/" + n, 24, 48 << 10, "more");
          upstream.tag("acme/" + n, "v1.0.0", "main", false);
          after.put(n, refsOnly(upstream.refs("acme/" + n)));
          HttpResponse<String> sync = admin(gw, "POST", "/api/v1/mirrors/" + PREFIX + n
              + "/sync");
          assertEquals(202, sync.statusCode(), sync.body());
        }
        // evidence that every sync is receiving its pack: JGit's temporary pack exists
        awaitTrue(() -> names.stream().allMatch(n -> !incomingPacks(mirror(n)).isEmpty()),
            Duration.ofSeconds(60), "R15: the syncs' fetches did not start");
        long signalled = System.nanoTime();
        gw.process().destroy(); // SIGTERM
        assertTrue(gw.process().waitFor(60, TimeUnit.SECONDS),
            "R15: the gateway did not exit within the drain bound (60 s)");
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - signalled);
        String log = gw.log();
        assertEquals(0, gw.process().exitValue(), "R15: exit code\n" + log);
        assertTrue(log.contains("drained in"), "R15: the drain did not end by itself\n" + log);
        for (String n : names) {
          assertTrue(Pattern.compile("sync " + Pattern.quote(PREFIX + n) + " from \\S+ failed,"
              + " mirror unchanged: aborted: the gateway is stopping").matcher(log).find(),
              "R15: the sync of " + n + " was not aborted\n" + log);
          Map<String, String> now = refs(mirror(n));
          assertEquals(before.get(n), now, "R15: an aborted sync changed refs of " + n);
        }
        MirrorInvariants.check(dir.resolve("data/mirrors"));
        report("(b) " + mirrors + " syncs aborted, process exit " + tookMs + " ms after SIGTERM",
            gw);
      } finally {
        gw.kill();
      }

      // the restart serves, and its first syncs (the aborted ones are retried) bring the rest
      LauncherProcess again = start(config(server.url() + "/acme", names, "60s"), "b-restart");
      try {
        for (String n : names) {
          awaitTrue(() -> refs(mirror(n)).equals(after.get(n)), Duration.ofSeconds(60),
              "R15: after the restart " + n + " did not converge");
          Path dest = dir.resolve("clones/" + n);
          client.git(dir, "clone", "--bare", "-q", again.url() + "/" + PREFIX + n + ".git",
              dest.toString()).assertOk();
          client.git(dest, "fsck", "--full", "--no-progress").assertOk();
        }
        again.process().destroy();
        assertTrue(again.process().waitFor(60, TimeUnit.SECONDS), "R15: no exit on SIGTERM");
        assertEquals(0, again.process().exitValue(), "R15: exit code of an idle gateway");
      } finally {
        again.kill();
      }
      MirrorInvariants.check(dir.resolve("data/mirrors"));
    } finally {
      slow.close();
      upstream.close();
    }
  }

  // ---- (c) at once ----

  @Test
  void r15_secondSigtermOrDrainDeadline_stopsAtOnce_refsNeverPartial() throws Exception {
    upstream.createRepo("acme/big");
    upstream.commit("acme/big", "main", Map.of("README", "small\n"), "small");
    HttpBackendServer server = upstream.serveHttp(null, null);
    // 16 KB/s, and pushes of one 1 MB object: a sync sees an abort only between two objects,
    // so it holds the drain for about a minute, beyond anything the test waits for
    ShapedLink slowUpstream = ShapedLink.open(local(port(server.url())),
        ShapedLink.Shape.NONE.withBandwidth(16 << 10));
    String slowUrl = "http://127.0.0.1:" + slowUpstream.port() + "/acme";
    try {
      // 1. a second SIGTERM while the drain waits for a sync
      LauncherProcess gw = start(config(slowUrl, List.of("big"), "120s"), "c1");
      Map<String, String> before;
      try {
        awaitLog(gw, "sync " + PREFIX + "big from", Duration.ofSeconds(60));
        before = refs(mirror("big"));
        pushRandom("acme/big", 1, 1 << 20, "one");
        syncAndAwaitFetch(gw);
        gw.process().destroy();
        awaitLog(gw, "draining", Duration.ofSeconds(10));
        Thread.sleep(500);
        Instant second = Instant.now();
        gw.process().destroy();
        // the JVM's own exit may take a while on a loaded machine (and writes the class-data
        // archive the first time): the bound is on the gateway's stopping, from its log
        assertTrue(gw.process().waitFor(60, TimeUnit.SECONDS),
            "R15: a second SIGTERM did not stop the gateway\n" + gw.log());
        assertEquals(0, gw.process().exitValue(), "R15: exit code after a second SIGTERM");
        Instant stopped = logTime(gw, "stopped at once");
        long tookMs = Duration.between(second, stopped).toMillis();
        assertTrue(gw.log().contains("a second signal"), "R15: no forced-stop line\n"
            + gw.log());
        assertTrue(tookMs < 10_000, "R15: the second SIGTERM took " + tookMs + " ms to stop");
        assertEquals(before, refs(mirror("big")), "R15: refs changed by a sync cut short");
        report("(c) second SIGTERM: stopped " + tookMs + " ms after it", gw);
      } finally {
        gw.kill();
      }

      // 2. the drain deadline; also: a restart after a forced stop serves
      LauncherProcess again = start(config(slowUrl, List.of("big"), "3s"), "c2");
      try {
        client.git(dir, "ls-remote", again.url() + "/" + PREFIX + "big.git").assertOk();
        syncAndAwaitFetch(again);
        Instant signalled = Instant.now();
        again.process().destroy();
        assertTrue(again.process().waitFor(60, TimeUnit.SECONDS),
            "R15: the drain deadline (3 s) did not stop the gateway\n" + again.log());
        assertEquals(0, again.process().exitValue(), "R15: exit code after the deadline");
        long tookMs = Duration.between(signalled, logTime(again, "stopped at once")).toMillis();
        assertTrue(again.log().contains("the drain timeout of 3000 ms passed"),
            "R15: no deadline line\n" + again.log());
        assertTrue(tookMs >= 2_500 && tookMs < 3_000 + 10_000,
            "R15: the drain deadline of 3 s stopped the gateway after " + tookMs + " ms");
        assertEquals(before, refs(mirror("big")), "R15: refs changed by a sync cut short");
        report("(c) drain deadline 3 s: stopped " + tookMs + " ms after SIGTERM", again);
      } finally {
        again.kill();
      }

      // 3. what the forced stops cut short is gone after the next start; a full sync converges
      LauncherProcess third = start(config(server.url() + "/acme", List.of("big"), "5s"), "c3");
      try {
        HttpResponse<String> sync = admin(third, "POST", "/api/v1/mirrors/" + PREFIX
            + "big/sync?wait=true");
        assertEquals(200, sync.statusCode(), sync.body());
        assertEquals(refsOnly(upstream.refs("acme/big")), refs(mirror("big")),
            "R15: the sync after the forced stops did not converge");
        third.process().destroy();
        assertTrue(third.process().waitFor(60, TimeUnit.SECONDS), "R15: no exit on SIGTERM");
        assertEquals(0, third.process().exitValue(), "R15: exit code of an idle gateway");
      } finally {
        third.kill();
      }
      MirrorInvariants.check(dir.resolve("data/mirrors"));
    } finally {
      slowUpstream.close();
      upstream.close();
    }
  }

  /** Starts a sync of the mirror and waits until its fetch is receiving the pack. */
  private void syncAndAwaitFetch(LauncherProcess gw) throws Exception {
    HttpResponse<String> sync = admin(gw, "POST", "/api/v1/mirrors/" + PREFIX + "big/sync");
    assertEquals(202, sync.statusCode(), sync.body());
    awaitTrue(() -> !incomingPacks(mirror("big")).isEmpty(), Duration.ofSeconds(60),
        "R15: the sync's fetch did not start");
    // inside the 1 MB object, past the commit and tree before it: from here the sync sees an
    // abort only once that object is in, a minute away at 16 KB/s
    awaitTrue(() -> incomingPacks(mirror("big")).stream().mapToLong(GracefulShutdownIT::size)
        .sum() > 32 << 10, Duration.ofSeconds(60), "R15: the sync's pack did not grow");
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      return 0; // gone meanwhile
    }
  }

  // ---- helpers ----

  /** When the gateway logged its first line containing {@code text}. */
  private static Instant logTime(LauncherProcess gw, String text) throws IOException {
    String line = gw.log().lines().filter(l -> l.contains(text)).findFirst()
        .orElseThrow(() -> new AssertionError("R15: no log line with \"" + text + "\""));
    return Instant.parse(line.substring(0, line.indexOf(' ')));
  }

  /** The figure, and the gateway's stopping lines, for the report. */
  private static void report(String figure, LauncherProcess gw) throws IOException {
    System.out.println("R15 " + figure);
    gw.log().lines().filter(l -> l.contains("GracefulStop") || l.contains("aborted"))
        .forEach(l -> System.out.println("  " + l));
  }

  private ClientHome sshClient() {
    return client.with("GIT_SSH_COMMAND", "ssh -F /dev/null -o IdentitiesOnly=yes"
        + " -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null"
        + " -o LogLevel=ERROR -i " + sshKey);
  }

  private static java.util.concurrent.Executor runner() {
    return r -> {
      Thread t = new Thread(r, "r15-client");
      t.setDaemon(true);
      t.start();
    };
  }

  /** {@code files} new files of {@code bytes} random bytes each (base64) on main. */
  private void pushRandom(String repo, int files, int bytes, String name) {
    Map<String, String> content = new TreeMap<>();
    for (int i = 0; i < files; i++) {
      byte[] data = new byte[bytes];
      random.nextBytes(data);
      content.put(name + "-" + i + ".txt", Base64.getMimeEncoder().encodeToString(data));
    }
    upstream.commit(repo, "main", content, name);
  }

  private Path config(String upstreamUrl, List<String> repos, String drainTimeout)
      throws IOException {
    Path config = dir.resolve("gitedge.yaml");
    Files.writeString(config, """
        region: r15
        dataDir: ./data
        http:
          listen: 127.0.0.1:0
          tls: off
        ssh:
          listen: 127.0.0.1:0
        identity:
          file: identity.yaml
        access:
          anonymousRead: true
          rules:
            - repos: "**"
              users: ["*"]
        sync:
          backoffInitial: 1h
          fetchTimeout: 5m
        shutdown:
          drainTimeout: %s
        upstreams:
          - prefix: github.com/acme
            url: %s
            repos: [%s]
            syncInterval: 1h
        """.formatted(drainTimeout, upstreamUrl, String.join(", ", repos)));
    return config;
  }

  private LauncherProcess start(Path config, String name) throws Exception {
    return LauncherProcess.start(dir, config, dir.resolve(name + ".log"));
  }

  private static void awaitLog(LauncherProcess gw, String text, Duration max) throws Exception {
    awaitTrue(() -> {
      try {
        return gw.log().contains(text);
      } catch (IOException e) {
        return false;
      }
    }, max, "no log line with \"" + text + "\"");
  }

  private static void awaitTrue(BooleanSupplier condition, Duration max, String failure)
      throws InterruptedException {
    long until = System.nanoTime() + max.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > until) {
        throw new AssertionError(failure + " within " + max.toSeconds() + " s");
      }
      Thread.sleep(20);
    }
  }

  private HttpResponse<String> admin(LauncherProcess gw, String method, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(gw.url() + path))
        .header("Authorization", "Bearer " + token.reveal())
        .method(method, HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** The gateway's {@code gitedge_requests_in_flight}, this request included. */
  private int inFlight(LauncherProcess gw) {
    try {
      Matcher m = IN_FLIGHT.matcher(admin(gw, "GET", "/metrics").body());
      return m.find() ? (int) Double.parseDouble(m.group(1)) : -1;
    } catch (Exception e) {
      return -1;
    }
  }

  /** {@code GET /readyz} on an open connection (kept alive); the status line and body. */
  private static String readyz(Socket s) throws IOException {
    s.setSoTimeout(10_000);
    OutputStream out = s.getOutputStream();
    out.write("GET /readyz HTTP/1.1\r\nHost: gateway\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    out.flush();
    InputStream in = s.getInputStream();
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int c = in.read();
      if (c < 0) {
        return "connection closed: " + head;
      }
      head.append((char) c);
    }
    Matcher len = Pattern.compile("(?i)content-length: *(\\d+)").matcher(head);
    int n = len.find() ? Integer.parseInt(len.group(1)) : 0;
    return head.toString().lines().findFirst().orElse("") + " "
        + new String(in.readNBytes(n), StandardCharsets.UTF_8).trim();
  }

  private static void assertRefused(int port, String failure) {
    assertThrows(ConnectException.class, () -> {
      try (Socket s = new Socket()) {
        s.connect(local(port), 5_000);
      }
    }, failure);
  }

  private static InetSocketAddress local(int port) {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
  }

  private static int port(String url) {
    return URI.create(url).getPort();
  }

  private Path mirror(String name) {
    return dir.resolve("data/mirrors/" + PREFIX + name + ".git");
  }

  /** JGit's temporary packs of a fetch under way into {@code mirror}. */
  private static List<Path> incomingPacks(Path mirror) {
    if (!Files.isDirectory(mirror)) {
      return List.of();
    }
    try (Stream<Path> all = Files.walk(mirror.resolve("objects"), 2)) {
      return all.filter(p -> p.getFileName().toString().startsWith("incoming_")).toList();
    } catch (IOException | java.io.UncheckedIOException e) {
      return List.of(); // a file went while walking: look again
    }
  }

  /** Branches and tags with their ids. */
  private Map<String, String> refs(Path bare) {
    Map<String, String> out = new TreeMap<>();
    if (!Files.isDirectory(bare)) {
      return out;
    }
    client.git(bare, "for-each-ref", "--format=%(objectname) %(refname)", "refs/heads",
        "refs/tags").assertOk().stdout().lines().forEach(l -> {
          String[] p = l.split(" ", 2);
          out.put(p[1], p[0]);
        });
    return out;
  }

  private static Map<String, String> refsOnly(Map<String, String> upstreamRefs) {
    Map<String, String> out = new TreeMap<>();
    upstreamRefs.forEach((k, v) -> {
      if (k.startsWith("refs/heads/") || k.startsWith("refs/tags/")) {
        out.put(k, v);
      }
    });
    return out;
  }
}
