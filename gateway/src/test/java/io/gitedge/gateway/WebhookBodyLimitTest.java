package io.gitedge.gateway;

import static io.gitedge.gateway.GatewayHarness.LIB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitedge.sync.WebhookReceiver;
import io.gitedge.testing.ClientProcess;
import io.gitedge.testing.ProcessResult;
import io.gitedge.testing.Requires;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Catalogue row W03 through the real HTTPS door: a correctly signed 26 MB webhook is refused with
 * 413 without the gateway holding it (heap after GC, bytes its request threads allocated), and
 * signed bodies that are not JSON, or JSON nested 100,000 deep, get 400, never a 5xx.
 */
class WebhookBodyLimitTest {
  private static final String SECRET = "w03-secret";
  private static final int BODY_BYTES = 26_000_000;
  @TempDir Path dir;
  GatewayHarness gw;

  @BeforeEach
  void start() throws Exception {
    Requires.tools("curl");
    Files.writeString(dir.resolve("webhook.secret"), SECRET + "\n");
    gw = GatewayHarness.start(dir, GatewayHarness.Options.defaults()
        .withUpstream("webhookSecretFile", "webhook.secret"));
  }

  @AfterEach
  void stop() {
    if (gw != null) {
      gw.close();
    }
  }

  private static String signature(Path body) throws Exception {
    javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
    mac.init(new javax.crypto.spec.SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8),
        "HmacSHA256"));
    try (var in = Files.newInputStream(body)) {
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) {
        mac.update(buf, 0, n);
      }
    }
    return "sha256=" + HexFormat.of().formatHex(mac.doFinal());
  }

  /** HTTP status of a signed POST of {@code body} to /hooks/github, sent by curl. */
  private String post(Path body, String... headers) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "--cacert",
        gw.certificate().toString(), "-o", "/dev/null", "-w", "%{http_code}", "-X", "POST",
        "-H", "Expect:", "-H", "Content-Type: application/json",
        "-H", "X-Hub-Signature-256: " + signature(body)));
    for (String h : headers) {
      cmd.addAll(List.of("-H", h));
    }
    cmd.addAll(List.of("--data-binary", "@" + body, gw.url() + "/hooks/github"));
    ProcessResult r = ClientProcess.run(dir, ClientProcess.baseEnvironment(), cmd, null);
    return r.stdout().trim() + (r.ok() ? "" : " (curl: " + r.stderr().trim() + ")");
  }

  /**
   * 413, or the connection closed under a sender still sending: the gateway answers 413 without
   * reading the rest, and closing a connection with unread bytes makes the kernel reset it, so a
   * sender that is still writing (curl with {@code Expect:} off) may meet the reset before it
   * reads the answer. Either way nothing was taken; what must never come is a 2xx or a 5xx.
   */
  private static boolean refused(String status) {
    return status.startsWith("413") || (status.startsWith("000")
        && (status.contains("Broken pipe") || status.contains("Connection reset")));
  }

  private static long heapAfterGc() throws InterruptedException {
    long min = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(100);
      min = Math.min(min, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    }
    return min;
  }

  /** Bytes allocated so far by each of the gateway's HTTPS threads, by thread id. */
  private static Map<Long, Long> httpsThreadAllocations() {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    Map<Long, Long> out = new HashMap<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().startsWith("gitedge-https")) {
        out.put(t.getId(), threads.getThreadAllocatedBytes(t.getId()));
      }
    }
    return out;
  }

  private static long allocatedSince(Map<Long, Long> before) {
    long sum = 0;
    for (var e : httpsThreadAllocations().entrySet()) {
      sum += e.getValue() - before.getOrDefault(e.getKey(), 0L);
    }
    return sum;
  }

  @Test
  void w03_a26MbSignedBody_is413WithoutBeingHeld_andBadJsonIs400() throws Exception {
    Path big = dir.resolve("big.json");
    try (OutputStream out = Files.newOutputStream(big)) {
      out.write("{\"repository\":{\"clone_url\":\"".getBytes(StandardCharsets.UTF_8));
      byte[] filler = "a".repeat(1 << 16).getBytes(StandardCharsets.UTF_8);
      for (int written = 0; written < BODY_BYTES; written += filler.length) {
        out.write(filler);
      }
      out.write("\"}}".getBytes(StandardCharsets.UTF_8));
    }
    // warm up the door so that its first-use allocations are not counted
    Path small = Files.writeString(dir.resolve("small.json"),
        "{\"repository\":{\"clone_url\":\"https://github.com/acme/lib.git\"}}");
    assertEquals("202", post(small), "W03: a valid small webhook was not taken");

    long heapBefore = heapAfterGc();
    Map<Long, Long> allocBefore = httpsThreadAllocations();
    long start = System.nanoTime();
    String declared = post(big);
    String chunked = post(big, "Transfer-Encoding: chunked");
    long ms = (System.nanoTime() - start) / 1_000_000;
    long allocated = allocatedSince(allocBefore);
    long heapDelta = heapAfterGc() - heapBefore;

    assertTrue(refused(declared), "W03: 26 MB with a Content-Length got " + declared);
    assertTrue(refused(chunked), "W03: 26 MB chunked got " + chunked);
    long limit = WebhookReceiver.MAX_BODY;
    System.out.printf("W03 figures: 2 x 26 MB bodies refused 413 in %d ms; https threads"
        + " allocated %d KiB; heap after GC %+d KiB (limit %d KiB)%n", ms, allocated >> 10,
        heapDelta >> 10, limit >> 10);
    assertTrue(heapDelta < 2 * limit, "W03: heap after GC grew by " + heapDelta
        + " bytes, more than twice the " + limit + "-byte limit");
    assertTrue(allocated < BODY_BYTES / 2, "W03: the gateway's request threads allocated "
        + allocated + " bytes for two refused 26 MB bodies: they were buffered");

    for (String bad : List.of("not json", "{\"repository\":" + "[".repeat(100_000)
        + "]".repeat(100_000) + "}", "{\"repository\": {\"clone_url\": ")) {
      Path f = Files.writeString(dir.resolve("bad.json"), bad);
      assertEquals("400", post(f), "W03: a signed malformed body: " + bad.substring(0,
          Math.min(30, bad.length())));
    }
    assertEquals("202", post(small), "W03: the door stopped taking webhooks");
    gw.clientWithNetrc("alice").git(gw.workDir("w03"), "ls-remote", gw.repoUrl(LIB))
        .assertOk();
  }
}
