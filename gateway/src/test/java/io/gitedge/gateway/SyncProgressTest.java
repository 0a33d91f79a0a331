package io.gitedge.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gitedge.testing.HttpBackendServer;
import io.gitedge.testing.Requires;
import io.gitedge.testing.ShapedLink;
import io.gitedge.testing.TestUpstream;
import io.gitedge.testing.TrustingHttp;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.slf4j.event.KeyValuePair;

/**
 * Issue 17, long first syncs show progress: a first sync of a 3 MiB repository from a real
 * upstream ({@code git http-backend}) behind a link capped at 512 KiB/s takes some six
 * seconds. While it runs the admin API shows its {@code progress} (objects, bytes growing, a
 * rate) and the log has progress lines at the configured interval (500 ms here; 5 s by
 * default), then one summary; once it is done {@code progress} is null.
 */
class SyncProgressTest {
  private static final String BIG = "github.com/big/repo";
  private static final int RATE = 512 << 10;
  private static final int FILES = 96;
  private static final int FILE_BYTES = 32 << 10;
  /** {@code sync github.com/big/repo receiving: 12 of 98 objects, 1.2 MiB at 447.9 KiB/s, 3 s so far}. */
  private static final Pattern PROGRESS_LINE = Pattern.compile("sync " + Pattern.quote(BIG)
      + " (listing|fetching|receiving|resolving|checking|repacking): \\d+( of \\d+)? objects,"
      + " \\d+(\\.\\d)? (B|KiB|MiB) at \\d+(\\.\\d)? (B|KiB|MiB)/s, \\d+ s so far");
  private static final Pattern SUMMARY_LINE = Pattern.compile("sync " + Pattern.quote(BIG)
      + " received (\\d+) objects, \\d+\\.\\d MiB in \\d+\\.\\d s \\(\\d+\\.\\d KiB/s\\)");

  @TempDir Path dir;
  private final ObjectMapper json = new ObjectMapper();

  @Test
  void aLongFirstSync_showsProgress_inTheLogAndTheAdminApi_andNoneOnceDone() throws Exception {
    Requires.tools("git");
    TestUpstream upstream = TestUpstream.create(dir.resolve("big-upstream"));
    upstream.createRepo("big/repo");
    Path tree = Files.createDirectories(dir.resolve("tree"));
    Random random = new Random(17);
    for (int i = 0; i < FILES; i++) {
      byte[] noise = new byte[FILE_BYTES]; // random: the pack cannot be smaller than this
      random.nextBytes(noise);
      Files.write(tree.resolve("blob-" + i + ".bin"), noise);
    }
    upstream.commitTree("big/repo", "main", tree, "three MiB of noise");
    HttpBackendServer server = upstream.serveHttp(null, null);
    // nowhere at first: the start-up sync fails at once, and the test starts the first real one
    ShapedLink link = ShapedLink.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), 1),
        ShapedLink.Shape.NONE.withBandwidth(RATE));
    ListAppender<ILoggingEvent> events = new ListAppender<>();
    LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
    Logger storeLog = ctx.getLogger("io.gitedge.store");
    Level level = storeLog.getLevel();
    events.setContext(ctx);
    events.start();
    storeLog.setLevel(Level.INFO);
    storeLog.addAppender(events);
    try (upstream; link; GatewayHarness gw = GatewayHarness.start(dir.resolve("gw"),
        GatewayHarness.Options.defaults().withSync("progressInterval", "500ms")
            .withSync("backoffInitial", "1h")
            .withTopLevel("  - prefix: github.com/big\n"
                + "    url: http://127.0.0.1:" + link.port() + "/big\n"
                + "    repos: [repo]\n"
                + "    syncInterval: 1h\n"))) {
      HttpClient http = TrustingHttp.client(gw.certificate());
      String ops = gw.token("ops");
      link.retarget(address(server.url()));
      HttpResponse<String> asked = http.send(HttpRequest.newBuilder(URI.create(gw.url()
          + "/api/v1/mirrors/" + BIG + "/sync")).header("Authorization", "Bearer " + ops)
          .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(202, asked.statusCode(), asked.body());

      // ---- the admin API while it runs, and after
      List<JsonNode> seen = new ArrayList<>();
      String pageWhileReceiving = null;
      JsonNode mirror;
      long deadline = System.nanoTime() + 90_000_000_000L;
      while (true) {
        HttpResponse<String> rsp = http.send(HttpRequest.newBuilder(URI.create(gw.url()
            + "/api/v1/mirrors/" + BIG)).header("Authorization", "Bearer " + ops).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(200, rsp.statusCode(), rsp.body());
        mirror = json.readTree(rsp.body());
        assertTrue(mirror.has("progress"), "no progress field: " + rsp.body());
        if (!mirror.get("progress").isNull()) {
          assertTrue(mirror.get("syncing").asBoolean(), "progress but not syncing: " + mirror);
          seen.add(mirror.get("progress"));
          if (pageWhileReceiving == null
              && mirror.get("progress").get("phase").asText().equals("receiving")) {
            pageWhileReceiving = http.send(HttpRequest.newBuilder(URI.create(gw.url()
                + "/status")).header("Authorization", "Bearer " + ops).build(),
                HttpResponse.BodyHandlers.ofString()).body();
          }
        } else if ("ok".equals(mirror.get("state").asText())) {
          break;
        }
        assertTrue(System.nanoTime() < deadline, "the first sync did not end: " + mirror);
        Thread.sleep(200);
      }
      assertTrue(mirror.get("progress").isNull(), "progress once done: " + mirror);
      // the status page shows the same progress under the mirror's state
      assertTrue(pageWhileReceiving != null && java.util.regex.Pattern.compile("receiving:"
          + " \\d+ of \\d+ objects, [0-9.]+ (B|KiB|MiB) at [0-9.]+ (B|KiB|MiB)/s, \\d+ s so far")
          .matcher(pageWhileReceiving).find(), "the status page while receiving: "
          + pageWhileReceiving);
      assertTrue(mirror.get("refCount").asInt() >= 1, "the mirror was made: " + mirror);

      List<JsonNode> receiving = seen.stream()
          .filter(p -> p.get("phase").asText().equals("receiving")).toList();
      assertTrue(receiving.size() >= 2, "the API showed the pack arriving twice or more: "
          + seen);
      // the bytes are those that came over the link: the pack's blobs (32 KiB of noise each,
      // after its commit and tree) cannot take fewer bytes than that
      for (JsonNode p : receiving) {
        assertTrue(p.get("bytes").asLong() >= (p.get("objects").asLong() - 2) * FILE_BYTES,
            "bytes received cover the objects received: " + p);
      }
      JsonNode first = receiving.get(0);
      JsonNode last = receiving.get(receiving.size() - 1);
      assertTrue(last.get("bytes").asLong() > first.get("bytes").asLong(),
          "bytes grow while receiving: " + receiving);
      assertTrue(last.get("objects").asLong() <= last.get("totalObjects").asLong(),
          "objects within the pack's count: " + last);
      assertTrue(last.get("totalObjects").asLong() >= FILES, "the pack's count: " + last);
      assertTrue(receiving.stream().anyMatch(p -> p.get("bytesPerSecond").asLong() > 0),
          "a rate: " + receiving);
      Instant startedAt = Instant.parse(first.get("startedAt").asText());
      assertFalse(startedAt.isAfter(Instant.now()), "startedAt: " + first);

      // ---- the log
      List<ILoggingEvent> mine;
      synchronized (events) {
        mine = events.list.stream().filter(e -> BIG.equals(kv(e).get("mirror"))).toList();
      }
      List<ILoggingEvent> progress = mine.stream()
          .filter(e -> e.getLoggerName().endsWith("ProgressLog") && kv(e).containsKey("phase"))
          .toList();
      assertTrue(progress.size() >= 3, "progress lines at 500 ms over some six seconds: "
          + lines(mine));
      long before = -1;
      for (ILoggingEvent e : progress) {
        assertTrue(PROGRESS_LINE.matcher(e.getFormattedMessage()).matches(),
            "a progress line as documented: " + e.getFormattedMessage());
        long bytes = ((Number) kv(e).get("bytes")).longValue();
        assertTrue(bytes >= before, "bytes never shrink: " + lines(progress));
        assertTrue(bytes >= (((Number) kv(e).get("objects")).longValue() - 2) * FILE_BYTES,
            "bytes received cover the objects received: " + lines(progress));
        before = bytes;
      }
      assertTrue(before > ((Number) kv(progress.get(0)).get("bytes")).longValue(),
          "bytes grow from line to line: " + lines(progress));
      assertTrue(progress.stream().anyMatch(e -> e.getFormattedMessage().contains(" receiving: ")
          && ((Number) kv(e).get("bytesPerSecond")).longValue() > 0),
          "a line while receiving, with a rate: " + lines(progress));

      List<ILoggingEvent> summaries = mine.stream()
          .filter(e -> SUMMARY_LINE.matcher(e.getFormattedMessage()).matches()).toList();
      assertEquals(1, summaries.size(), "one summary line: " + lines(mine));
      ILoggingEvent summary = summaries.get(0);
      assertEquals(last.get("totalObjects").asLong(), ((Number) kv(summary).get("objects"))
          .longValue(), "the summary counts every object of the pack: " + lines(mine));
      assertTrue(((Number) kv(summary).get("bytes")).longValue() >= (long) FILES * FILE_BYTES,
          "the bytes that came over the link, at least the noise: " + lines(mine));
      int at = mine.indexOf(summary);
      assertTrue(mine.subList(at, mine.size()).stream().noneMatch(progress::contains),
          "no progress line after the summary: " + lines(mine));
      assertTrue(mine.stream().anyMatch(e -> e.getFormattedMessage()
          .matches("sync " + Pattern.quote(BIG) + " from \\S+: CREATED .*")),
          "the sync line: " + lines(mine));
      assertNotNull(summary);
    } finally {
      storeLog.detachAppender(events);
      storeLog.setLevel(level);
    }
  }

  private static Map<String, Object> kv(ILoggingEvent e) {
    Map<String, Object> out = new java.util.HashMap<>();
    List<KeyValuePair> pairs = e.getKeyValuePairs();
    if (pairs != null) {
      pairs.forEach(p -> out.put(p.key, p.value));
    }
    return out;
  }

  private static String lines(List<ILoggingEvent> events) {
    StringBuilder b = new StringBuilder();
    events.forEach(e -> b.append("\n  ").append(e.getFormattedMessage()).append(' ')
        .append(kv(e)));
    return b.toString();
  }

  private static InetSocketAddress address(String url) {
    URI u = URI.create(url);
    return new InetSocketAddress(u.getHost(), u.getPort());
  }
}
