package io.gitedge.gateway;

import static io.gitedge.gateway.GatewayHarness.LIB;
import static io.gitedge.gateway.GatewayHarness.VAULT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitedge.testing.ClientProcess;
import io.gitedge.testing.PktLines;
import io.gitedge.testing.ProcessResult;
import io.gitedge.testing.Requires;
import io.gitedge.testing.TestScale;
import io.gitedge.testing.TrustingHttp;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.GZIPOutputStream;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Attacks on the request side of both doors, one test per catalogue row (H04 to H10) or per
 * part of a row that {@link HttpHostileInputTest} leaves open: protocol v2 commands that are not
 * advertised, malformed pkt-lines over SSH, oversized requests with a clone running beside them,
 * symlinks out of the mirror root, timing of "private" against "missing", HTTP/2, and slowloris
 * on both listeners. Each test starts its own gateway and says in its assertion messages which
 * pass criterion broke.
 */
class HttpAttacksTest {
  @TempDir Path dir;
  GatewayHarness gw;

  /**
   * One gateway with the default settings for the tests that change nothing in it (their
   * attacks must leave it serving anyway), so the suite does not pay for a start per test.
   */
  private static GatewayHarness shared;
  private static Path sharedDir;

  @AfterEach
  void stop() {
    if (gw != null && gw != shared) {
      gw.close();
    }
  }

  @AfterAll
  static void stopShared() throws IOException {
    if (shared != null) {
      shared.close();
      try (var files = Files.walk(sharedDir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }

  private void useShared() throws Exception {
    if (shared == null) {
      sharedDir = Files.createTempDirectory("gitedge-http-attacks");
      // 8 MiB instead of the default 64 so that H06's gzip bomb expands to 8 times the limit
      // and the gateway's cut-off, not its speed at reading have lines, is what is timed
      shared = GatewayHarness.start(sharedDir, GatewayHarness.Options.defaults()
          .withHttp("maxRequestSize", "8"));
    }
    gw = shared;
  }

  private void start(GatewayHarness.Options options) throws Exception {
    gw = GatewayHarness.start(dir, options);
  }

  // ------------------------------------------------------------------------- H04 object-info

  @Test
  void h04_objectInfo_notAdvertised_isRefusedLikeGit_overHttpsAndSsh_withFlatMemory()
      throws Exception {
    Requires.tools("ssh");
    useShared();
    String hidden = gw.upstream().refs("secret/vault").get("refs/heads/main");
    String tip = gw.upstream().refs("acme/lib").get("refs/heads/main");
    HttpResponse<byte[]> caps = http().send(get("/" + LIB
        + ".git/info/refs?service=git-upload-pack").header("Git-Protocol", "version=2").build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertFalse(text(caps.body()).contains("object-info"),
        "H04: object-info is advertised, so refusing it is not the point: " + text(caps.body()));

    long heapBefore = heapAfterGc();
    for (int count : new int[] {1, TestScale.pick(20_000, 200_000)}) {
      byte[] request = objectInfo(count, hidden, tip);
      long t0 = System.nanoTime();
      HttpResponse<byte[]> rsp = http().send(post(LIB, request, "version=2"),
          HttpResponse.BodyHandlers.ofByteArray());
      long httpMillis = (System.nanoTime() - t0) / 1_000_000;
      String body = text(rsp.body());
      assertTrue(body.contains("ERR "),
          "H04: object-info with " + count + " OIDs over HTTPS was not refused like git: "
              + rsp.statusCode() + " " + body);
      assertNoSize(body, "HTTPS", count);
      assertTrue(rsp.body().length < 4096, "H04: answer of " + rsp.body().length + " bytes");
      System.out.println("H04: " + count + " OIDs: HTTPS " + httpMillis + " ms");
      assertTrue(httpMillis < 30_000, "H04: HTTPS answer took " + httpMillis + " ms");

      t0 = System.nanoTime();
      ProcessResult ssh = sshUploadPack(LIB, request, true);
      long sshMillis = (System.nanoTime() - t0) / 1_000_000;
      String out = ssh.stdout() + ssh.stderr();
      assertTrue(out.contains("ERR "),
          "H04: object-info with " + count + " OIDs over SSH was not refused like git: "
              + ssh.describe());
      assertNoSize(ssh.stdout(), "SSH", count);
      assertTrue(ssh.stdout().length() < 4096, "H04: SSH answer of " + ssh.stdout().length());
      System.out.println("H04: " + count + " OIDs: SSH " + sshMillis + " ms");
      assertTrue(sshMillis < 30_000, "H04: SSH answer took " + sshMillis + " ms");
    }
    long grown = heapAfterGc() - heapBefore;
    assertTrue(grown < 64L << 20, "H04: heap after GC grew by " + (grown >> 20) + " MiB");
    gw.clientWithNetrc("alice").git(work("after"), "clone", gw.repoUrl(LIB), "lib")
        .assertOk();
  }

  /** A v2 {@code object-info} request asking the size of {@code count} OIDs. */
  private static byte[] objectInfo(int count, String hidden, String tip) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(PktLines.of("command=object-info", "0001", "size"));
    for (int i = 0; i < count; i++) {
      b.writeBytes(PktLines.of("oid " + (i % 2 == 0 ? hidden : tip)));
    }
    b.writeBytes(PktLines.of("0000"));
    return b.toByteArray();
  }

  private static void assertNoSize(String answer, String door, int count) {
    // an object-info answer is "size" then "<oid> <size>" lines
    assertFalse(answer.matches("(?s).*[0-9a-f]{40} [0-9]+\n.*") || answer.contains("0009size"),
        "H04: a size came back over " + door + " for " + count + " OIDs: " + answer);
  }

  // ------------------------------------------------------------------------- H05 pkt-lines

  /** Malformed request bodies, from git's t5701, t5704 and t5530. */
  private static List<byte[]> malformedRequests(String tip) {
    List<byte[]> l = new ArrayList<>();
    l.add(ascii("zzzzthis is not a pkt-line"));
    l.add(ascii("0002"));
    l.add(ascii("0003"));
    l.add(ascii("0001"));
    l.add(ascii("fff9" + "a".repeat(100)));
    l.add(ascii("0032want " + tip.substring(0, 10)));
    l.add(PktLines.of("command=ls-refs", "0001", "0001", "0000"));
    l.add(PktLines.of("command=ls-refs=foo", "0000"));
    ByteArrayOutputStream prefixes = new ByteArrayOutputStream();
    prefixes.writeBytes(PktLines.of("command=ls-refs", "0001"));
    for (int i = 0; i < 65_537; i++) {
      prefixes.writeBytes(PktLines.of("ref-prefix refs/heads/" + i));
    }
    prefixes.writeBytes(PktLines.of("0000"));
    l.add(prefixes.toByteArray());
    ByteArrayOutputStream flushes = new ByteArrayOutputStream();
    for (int i = 0; i < 100_000; i++) {
      flushes.writeBytes(ascii("0000"));
    }
    l.add(flushes.toByteArray());
    return l;
  }

  @Test
  void h05_malformedPktLines_overSshAndHttps_getAnErrorInTime_whileAGitCloneWorks()
      throws Exception {
    Requires.tools("ssh");
    useShared();
    String tip = gw.upstream().refs("acme/lib").get("refs/heads/main");
    AtomicBoolean attacking = new AtomicBoolean(true);
    CompletableFuture<List<ProcessResult>> clones = clonesWhile(attacking);
    long heapBefore = heapAfterGc();
    try {
      int i = 0;
      for (byte[] request : malformedRequests(tip)) {
        String what = "case " + i++ + " (" + text(Arrays.copyOf(request,
            Math.min(24, request.length))).replace("\n", "\\n") + "...)";
        // v2 for what is written in v2 (command=...), v0 for the rest; git's own tests do so
        boolean v2 = text(request).contains("command=") || (i % 2 == 0);
        // over SSH every case in the long run, every other one in the default suite
        if (TestScale.isLong() || i % 2 == 1) {
          long t0 = System.nanoTime();
          ProcessResult ssh = sshUploadPack(LIB, request, v2);
          long sshMillis = (System.nanoTime() - t0) / 1_000_000;
          String out = ssh.stdout() + ssh.stderr();
          // refused (ERR, fatal, failure) or, for a truncated request, the end of the session:
          // never a pack
          assertFalse(ssh.stdout().contains("PACK"), "H05: SSH " + what + " v" + (v2 ? 2 : 0)
              + " got a pack: " + ssh.describe());
          assertNoInternals(out, "H05: SSH " + what);
          assertTrue(sshMillis < 10_000, "H05: SSH " + what + " took " + sshMillis + " ms");
        }
        {
          long t0 = System.nanoTime();
          HttpResponse<byte[]> rsp = http().send(post(LIB, request, v2 ? "version=2" : null),
              HttpResponse.BodyHandlers.ofByteArray());
          long httpMillis = (System.nanoTime() - t0) / 1_000_000;
          String body = text(rsp.body());
          assertTrue(rsp.statusCode() < 500 && !body.contains("PACK"), "H05: HTTPS " + what
              + " got " + rsp.statusCode() + " " + head(body));
          assertNoInternals(body, "H05: HTTPS " + what);
          assertTrue(httpMillis < 10_000, "H05: HTTPS " + what + " took " + httpMillis + " ms");
        }
      }
    } finally {
      attacking.set(false);
    }
    assertClonesWorked(clones, "H05");
    long grown = heapAfterGc() - heapBefore;
    assertTrue(grown < 64L << 20, "H05: heap after GC grew by " + (grown >> 20) + " MiB");
  }

  // ------------------------------------------------------------------------- H06 size

  @Test
  void h06_oversizedRequests_areBoundedInTimeAndHeap_whileAGitCloneWorks() throws Exception {
    useShared();
    String tip = gw.upstream().refs("acme/lib").get("refs/heads/main");
    AtomicBoolean attacking = new AtomicBoolean(true);
    CompletableFuture<List<ProcessResult>> clones = clonesWhile(attacking);
    long heapBefore = heapAfterGc();
    try {
      // Content-Length: 2 GiB announced, then have lines until the gateway stops listening
      long t0 = System.nanoTime();
      String huge = rawHttps(("POST /" + LIB + ".git/git-upload-pack HTTP/1.1\r\nHost: x\r\n"
          + "Authorization: Bearer " + gw.token("alice") + "\r\n"
          + "Content-Type: application/x-git-upload-pack-request\r\n"
          + "Content-Length: 2147483648\r\n\r\n").getBytes(StandardCharsets.US_ASCII),
          haves(tip, 2_000_000), Duration.ofSeconds(60));
      long millis = (System.nanoTime() - t0) / 1_000_000;
      assertTrue(huge.startsWith("HTTP/1.1 413"),
          "H06: Content-Length 2 GiB was not cut off: " + head(huge));
      assertTrue(millis < 30_000, "H06: Content-Length 2 GiB took " + millis + " ms");

      for (int size : new int[] {9 * 1024, 64 * 1024}) {
        String big = rawHttps(("GET /" + LIB + ".git/info/refs?service=git-upload-pack HTTP/1.1"
            + "\r\nHost: x\r\nX-Padding: " + "a".repeat(size) + "\r\nConnection: close\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII), new byte[0], Duration.ofSeconds(20));
        assertTrue(big.startsWith("HTTP/1.1 431"),
            "H06: a " + size + "-byte header did not get 431: " + head(big));
        assertNoInternals(big, "H06: header of " + size + " bytes");
      }

      int wantCount = TestScale.pick(20_000, 100_000);
      for (String kind : new String[] {"copies of the tip as", "unknown", "colliding"}) {
        ByteArrayOutputStream wants = new ByteArrayOutputStream();
        wants.writeBytes(PktLines.of("want " + tip + " side-band-64k ofs-delta"));
        for (int i = 1; i < wantCount; i++) {
          // colliding: ids whose second 32-bit word (JGit's ObjectId.hashCode) is the same,
          // which made JGit's HashSet of wants quadratic (a minute of CPU for 100,000)
          wants.writeBytes(PktLines.of("want " + switch (kind) {
            case "unknown" -> randomOid();
            case "colliding" -> String.format("%040x", i);
            default -> tip;
          }));
        }
        wants.writeBytes(PktLines.of("0000", "done"));
        t0 = System.nanoTime();
        HttpResponse<byte[]> rsp = http().send(post(LIB, wants.toByteArray(), null),
            HttpResponse.BodyHandlers.ofByteArray());
        millis = (System.nanoTime() - t0) / 1_000_000;
        String what = wantCount + " " + kind + " wants";
        assertTrue(rsp.statusCode() < 500, "H06: " + what + " got " + rsp.statusCode());
        assertTrue(kind.startsWith("copies") || text(rsp.body()).contains("ERR "),
            "H06: " + what + " did not get an ERR: " + head(text(rsp.body())));
        assertTrue(!kind.equals("colliding") || text(rsp.body()).contains("share a hash code"),
            "H06: " + what + " were not refused as colliding: " + head(text(rsp.body())));
        assertNoInternals(text(rsp.body()), "H06: " + what);
        assertTrue(millis < 30_000, "H06: " + what + " took " + millis + " ms");
      }

      // 64 MiB (long: 1 GiB) of have lines in 0.1 MB (1.4 MB) of gzip, 8 (128) times the limit
      ByteArrayOutputStream raw = new ByteArrayOutputStream();
      try (GZIPOutputStream gz = new GZIPOutputStream(raw)) {
        gz.write(PktLines.of("want " + tip + " side-band-64k ofs-delta", "0000"));
        byte[] have = haves(tip, 1 << 20);
        for (int i = 0; i < TestScale.pick(64, 1024); i++) {
          gz.write(have);
        }
      }
      t0 = System.nanoTime();
      HttpResponse<byte[]> bomb = http().send(HttpRequest.newBuilder(URI.create(gw.repoUrl(LIB)
              + "/git-upload-pack"))
          .header("Authorization", "Bearer " + gw.token("alice"))
          .header("Content-Type", "application/x-git-upload-pack-request")
          .header("Content-Encoding", "gzip")
          .POST(HttpRequest.BodyPublishers.ofByteArray(raw.toByteArray())).build(),
          HttpResponse.BodyHandlers.ofByteArray());
      millis = (System.nanoTime() - t0) / 1_000_000;
      assertTrue(text(bomb.body()).contains("ERR request body larger than " + (8 << 20)),
          "H06: gzip bomb of " + raw.size() + " bytes was not cut off: "
              + head(text(bomb.body())));
      assertTrue(millis < 30_000, "H06: gzip bomb took " + millis + " ms");
    } finally {
      attacking.set(false);
    }
    assertClonesWorked(clones, "H06");
    long grown = heapAfterGc() - heapBefore;
    assertTrue(grown < 64L << 20, "H06: heap after GC grew by " + (grown >> 20) + " MiB");
  }

  private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

  private static String randomOid() {
    byte[] b = new byte[20];
    RANDOM.nextBytes(b);
    return java.util.HexFormat.of().formatHex(b);
  }

  /** {@code bytes} worth of {@code have} pkt-lines (at least one). */
  private static byte[] haves(String tip, int bytes) {
    byte[] one = PktLines.of("have " + tip);
    ByteArrayOutputStream b = new ByteArrayOutputStream(bytes + one.length);
    while (b.size() < bytes) {
      b.writeBytes(one);
    }
    return b.toByteArray();
  }

  // ------------------------------------------------------------------------- H07 names

  @Test
  void h07_mirrorSymlinkedOutsideTheRoot_isNeverServed_andGoGetVariantsLookUnknown()
      throws Exception {
    Requires.tools("ssh");
    start(GatewayHarness.Options.defaults());
    // the mirror of acme/hosted moves outside the data folder, and a symlink takes its place
    String hosted = "github.com/acme/hosted";
    Path link = gw.mirrorDir(hosted);
    Path outside = Files.createDirectories(dir.resolve("outside")).resolve("outside.git");
    gw.restart(data -> {
      try {
        Files.move(link, outside);
        Files.createSymbolicLink(link, outside);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    String before = tree(outside);
    try {
      // the gateway treats it as a configured mirror it does not have (yet): never served
      String linked = curl("/" + hosted + ".git/info/refs?service=git-upload-pack");
      assertTrue(linked.startsWith("404 ") || linked.startsWith("503 "),
          "H07: a mirror symlinked outside the root was not refused: " + linked);
      assertFalse(linked.contains("refs/heads"), "H07: refs served through a symlink: " + linked);
      ProcessResult ssh = sshUploadPack(hosted, PktLines.of("0000"), false);
      assertFalse(ssh.ok() || ssh.stdout().contains("refs/heads"),
          "H07: refs served over SSH through a symlink: " + ssh.describe());
      // the go-import page comes from the configuration alone: the symlink changes nothing
      assertEquals(curl("/" + LIB + "?go-get=1").replace("acme/lib", "acme/hosted"),
          curl("/" + hosted + "?go-get=1"),
          "H07: go-get answered differently for a symlinked mirror");
      gw.sync(hosted);
      assertEquals(before, tree(outside),
          "H07: the repository outside the root was changed through the symlink");
    } finally {
      Files.delete(link);
      Files.move(outside, link);
    }

    String unknownGoGet = curl("/github.com/acme/nope?go-get=1");
    String canonical = curl("/" + LIB + "?go-get=1");
    String[] hostile = {
        "/github.com/acme/../secret/vault", "/github.com/acme/%2e%2e/secret/vault",
        "/github.com/acme%2Flib", "/github.com//acme/lib", "/github.com/acme/./lib",
        "/github.com/acme/lib%00", "/github.com/acme/lib%5c..%5c..%5cetc",
        "/github.com/ACME/lib", "/github.com/acme/lib.git.git", "/github.com/acme/lib/",
        "/github.com/acme/l%C3%AFb", "/github.com/acme/li%CC%88b",
        "/github.com/acme/" + "a".repeat(4096),
    };
    for (String h : hostile) {
      String r = curl(h + "?go-get=1");
      assertFalse(r.contains("refs/heads"), "H07: go-get served refs for " + h + ": " + r);
      if (r.startsWith("200 ")) {
        // only a spelling of lib itself may get lib's page, and exactly that page
        assertEquals(canonical, r, "H07: go-get of " + h + " served another page");
      } else if (r.startsWith("404 ")) {
        assertEquals(unknownGoGet, r, "H07: go-get of " + h + " answered unlike unknown");
      } else {
        assertTrue(r.startsWith("400 ") || r.startsWith("414 ") || r.startsWith("431 "),
            "H07: go-get of " + h + " -> " + r);
      }
    }
  }

  /** Every file under {@code root} with its size and modification time, one per line. */
  private static String tree(Path root) throws IOException {
    try (var files = Files.walk(root)) {
      StringBuilder b = new StringBuilder();
      for (Path f : files.sorted().toList()) {
        b.append(root.relativize(f)).append(' ').append(Files.isRegularFile(f) ? Files.size(f)
            : -1).append(' ').append(Files.getLastModifiedTime(f)).append('\n');
      }
      return b.toString();
    }
  }

  // ------------------------------------------------------------------------- H08 timing

  @Test
  void h08_privateAndMissing_takeIndistinguishableTime_onInfoRefsAndGoGet() throws Exception {
    useShared();
    int samples = 100;
    HttpClient client = http();
    for (String suffix : new String[] {".git/info/refs?service=git-upload-pack", "?go-get=1"}) {
      String privatePath = "/" + VAULT + suffix;
      String missingPath = "/github.com/secret/nope" + suffix;
      for (int i = 0; i < 20; i++) { // warm both paths
        timed(client, privatePath);
        timed(client, missingPath);
      }
      double[] priv = new double[samples];
      double[] miss = new double[samples];
      for (int i = 0; i < samples; i++) { // interleaved, so drift hits both alike
        priv[i] = timed(client, privatePath);
        miss[i] = timed(client, missingPath);
      }
      double p = mannWhitneyP(priv, miss);
      double dMedian = Math.abs(median(priv) - median(miss));
      String figures = String.format("median private %.2f ms, missing %.2f ms, Mann-Whitney p=%.4f",
          median(priv), median(miss), p);
      System.out.println("H08 " + suffix + ": " + figures);
      // a systematic difference must be both significant and larger than the noise of a shared
      // 2-core machine (runs saw medians move by 2 ms between interleaved samples)
      assertFalse(p < 0.001 && dMedian > 5.0,
          "H08: private and missing repositories can be told apart by time on " + suffix
              + ": " + figures);
    }
  }

  /** Milliseconds of one GET as alice; the status must be 404 (private or missing alike). */
  private double timed(HttpClient client, String path) throws Exception {
    long t0 = System.nanoTime();
    HttpResponse<byte[]> r = client.send(get(path).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    double ms = (System.nanoTime() - t0) / 1e6;
    assertEquals(404, r.statusCode(), "H08: " + path);
    return ms;
  }

  private static double median(double[] xs) {
    double[] s = xs.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  /**
   * Two-sided p-value of the Mann-Whitney U test of {@code a} against {@code b}: ranks over both
   * samples (ties get their mean rank), U from the rank sum of {@code a}, and the normal
   * approximation with tie correction, which is good for samples of 20 and more.
   */
  static double mannWhitneyP(double[] a, double[] b) {
    int n1 = a.length;
    int n2 = b.length;
    int n = n1 + n2;
    double[][] all = new double[n][];
    for (int i = 0; i < n1; i++) {
      all[i] = new double[] {a[i], 0};
    }
    for (int i = 0; i < n2; i++) {
      all[n1 + i] = new double[] {b[i], 1};
    }
    Arrays.sort(all, (x, y) -> Double.compare(x[0], y[0]));
    double rankSumA = 0;
    double ties = 0;
    for (int i = 0; i < n;) {
      int j = i;
      while (j + 1 < n && all[j + 1][0] == all[i][0]) {
        j++;
      }
      double rank = (i + j) / 2.0 + 1;
      int t = j - i + 1;
      ties += (double) t * t * t - t;
      for (int k = i; k <= j; k++) {
        if (all[k][1] == 0) {
          rankSumA += rank;
        }
      }
      i = j + 1;
    }
    double u = rankSumA - n1 * (n1 + 1) / 2.0;
    double mean = n1 * (double) n2 / 2;
    double sd = Math.sqrt(n1 * (double) n2 / 12 * ((n + 1) - ties / ((double) n * (n - 1))));
    double z = (Math.abs(u - mean) - 0.5) / sd;
    return Math.min(1, 2 * (1 - normalCdf(z)));
  }

  /** The standard normal CDF (Abramowitz and Stegun 7.1.26, error below 1.5e-7). */
  private static double normalCdf(double z) {
    double x = Math.abs(z) / Math.sqrt(2);
    double t = 1 / (1 + 0.3275911 * x);
    double erf = 1 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736)
        * t + 0.254829592) * t * Math.exp(-x * x);
    return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
  }

  @Test
  void mannWhitney_tellsShiftedSamplesApart_andLikeOnesNot() {
    double[] a = new double[100];
    double[] b = new double[100];
    double[] c = new double[100];
    java.util.Random r = new java.util.Random(42);
    for (int i = 0; i < 100; i++) {
      a[i] = 1 + r.nextGaussian() * 0.2;
      b[i] = 1 + r.nextGaussian() * 0.2;
      c[i] = 1.3 + r.nextGaussian() * 0.2;
    }
    assertTrue(mannWhitneyP(a, b) > 0.05, "same distribution: p=" + mannWhitneyP(a, b));
    assertTrue(mannWhitneyP(a, c) < 0.001, "shifted distribution: p=" + mannWhitneyP(a, c));
  }

  // ------------------------------------------------------------------------- H10 HTTP/2

  @Test
  void h10_http2AndH2c_areRefusedCleanly_gitStaysOnHttp11_andRapidResetIsBounded()
      throws Exception {
    Requires.tools("curl");
    useShared();
    String refs = "/" + LIB + ".git/info/refs?service=git-upload-pack";

    // ALPN offers h2; the gateway answers in HTTP/1.1
    String alpn = curlVersion("--http2", refs);
    assertEquals("200 1.1", alpn, "H10: curl --http2 did not get HTTP/1.1 200");
    // h2c upgrade: ignored, the request is answered in HTTP/1.1
    String upgrade = curlVersion("--http1.1", refs, "-H", "Connection: Upgrade, HTTP2-Settings",
        "-H", "Upgrade: h2c", "-H", "HTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA");
    assertEquals("200 1.1", upgrade, "H10: an h2c upgrade was not answered in HTTP/1.1");
    // prior knowledge: no HTTP/2 spoken, the connection is refused at once
    long t0 = System.nanoTime();
    ProcessResult prior = ClientProcess.run(dir, ClientProcess.baseEnvironment(), List.of(
        "curl", "-sS", "--http2-prior-knowledge", "--max-time", "20", "--cacert",
        gw.certificate().toString(), "-o", "/dev/null", "-w", "%{http_code} %{http_version}",
        "-H", "Authorization: Bearer " + gw.token("alice"), gw.url() + refs), null);
    long priorMillis = (System.nanoTime() - t0) / 1_000_000;
    assertFalse(prior.stdout().startsWith("200"),
        "H10: HTTP/2 with prior knowledge was served: " + prior.describe());
    assertTrue(priorMillis < 10_000, "H10: prior knowledge took " + priorMillis + " ms");

    // rapid reset: preface, SETTINGS, then HEADERS + RST_STREAM pairs as fast as TLS goes
    ByteArrayOutputStream frames = new ByteArrayOutputStream();
    frames.writeBytes(ascii("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"));
    frames.writeBytes(frame(4, 0, 0, new byte[0]));
    byte[] headers = {(byte) 0x82, (byte) 0x87, (byte) 0x84, 0x41, 0x01, 'x'}; // GET https / :authority x
    for (int stream = 1; stream < 20_000; stream += 2) {
      frames.writeBytes(frame(1, 0x5, stream, headers));
      frames.writeBytes(frame(3, 0, stream, new byte[] {0, 0, 0, 8}));
    }
    long cpuBefore = processCpuNanos();
    t0 = System.nanoTime();
    String answer = rawHttps(frames.toByteArray(), new byte[0], Duration.ofSeconds(20));
    long attackMillis = (System.nanoTime() - t0) / 1_000_000;
    long cpuMillis = (processCpuNanos() - cpuBefore) / 1_000_000;
    assertFalse(answer.contains("go.mod") || answer.contains("refs/heads"),
        "H10: the rapid-reset frames were served: " + head(answer));
    assertTrue(answer.length() < 4096, "H10: rapid reset got " + answer.length() + " bytes back");
    assertTrue(attackMillis < 10_000, "H10: the attacker connection lived " + attackMillis
        + " ms");
    assertTrue(cpuMillis < 10_000, "H10: the attack cost " + cpuMillis + " ms of CPU");
    // and git, over HTTP/1.1, is unaffected
    gw.clientWithNetrc("alice").git(work("after"), "clone", gw.repoUrl(LIB), "lib")
        .assertOk();
  }

  private static byte[] frame(int type, int flags, int stream, byte[] payload) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.write(payload.length >>> 16);
    b.write(payload.length >>> 8);
    b.write(payload.length);
    b.write(type);
    b.write(flags);
    b.write(stream >>> 24);
    b.write(stream >>> 16);
    b.write(stream >>> 8);
    b.write(stream);
    b.writeBytes(payload);
    return b.toByteArray();
  }

  private String curlVersion(String mode, String path, String... extra) {
    List<String> cmd = new ArrayList<>(List.of("curl", "-sS", mode, "--cacert",
        gw.certificate().toString(), "-o", "/dev/null", "-w", "%{http_code} %{http_version}",
        "-H", "Authorization: Bearer " + gw.token("alice")));
    cmd.addAll(List.of(extra));
    cmd.add(gw.url() + path);
    return ClientProcess.run(dir, ClientProcess.baseEnvironment(), cmd, null).assertOk()
        .stdout();
  }

  // ------------------------------------------------------------------------- H09 slowloris

  /** One attacker connection: how it is fed, and when the gateway closed it. */
  private static final class Slow {
    final String kind;
    final java.net.Socket socket;
    final byte[] drip;
    final long opened = System.nanoTime();
    volatile long closedAfterMillis = -1;
    int sent;

    Slow(String kind, java.net.Socket socket, byte[] drip) {
      this.kind = kind;
      this.socket = socket;
      this.drip = drip;
    }

    boolean open() {
      return closedAfterMillis < 0;
    }

    void closed() {
      if (closedAfterMillis < 0) {
        closedAfterMillis = (System.nanoTime() - opened) / 1_000_000;
      }
    }
  }

  @Test
  void h09_slowloris_onBothListeners_isReaped_whileGitClonesOverHttpsAndSshWork()
      throws Exception {
    Requires.tools("ssh");
    int attackers = TestScale.pick(200, 1000);
    int headerSeconds = 3;
    int idleSeconds = 10;
    start(GatewayHarness.Options.defaults()
        .withHttp("requestHeaderTimeout", headerSeconds + "s")
        .withHttp("requestBodyTimeout", headerSeconds + "s")
        .withHttp("idleTimeout", idleSeconds + "s")
        .withHttp("maxConnections", String.valueOf(attackers * 3 / 4)));
    javax.net.ssl.SSLSocketFactory tls = TrustingHttp.sslContext(gw.certificate())
        .getSocketFactory();
    java.net.InetSocketAddress https = new java.net.InetSocketAddress("127.0.0.1", gw.port());
    java.net.InetSocketAddress ssh = new java.net.InetSocketAddress("127.0.0.1", gw.sshPort());
    String refs = "/" + LIB + ".git/info/refs?service=git-upload-pack";
    String auth = "Authorization: Bearer " + gw.token("alice") + "\r\n";
    byte[] slowHello = {0x16, 0x03, 0x01, 0x02, 0x00}; // a TLS record of 512 bytes, then a drip

    // the attackers connect from 127.0.0.2, so the SSH per-address cap spares the real client
    java.util.concurrent.ExecutorService setup = java.util.concurrent.Executors
        .newFixedThreadPool(16);
    List<java.util.concurrent.Future<Slow>> opening = new ArrayList<>();
    for (int i = 0; i < attackers; i++) {
      int kind = i % 5;
      java.util.concurrent.Callable<Slow> connect = () -> {
        java.net.Socket raw = new java.net.Socket();
        raw.bind(new java.net.InetSocketAddress("127.0.0.2", 0));
        raw.setSoTimeout(90_000);
        switch (kind) {
          case 0 -> { // a TLS ClientHello, one byte a second
            raw.connect(https, 30_000);
            raw.getOutputStream().write(slowHello);
            return new Slow("slow TLS handshake", raw, new byte[] {0});
          }
          case 1 -> { // a request header, one byte a second
            raw.connect(https, 30_000);
            SSLSocket s = (SSLSocket) tls.createSocket(raw, "127.0.0.1", gw.port(), true);
            s.startHandshake();
            s.getOutputStream().write(ascii("GET " + refs + " HTTP/1.1\r\nHost: x\r\n"));
            return new Slow("slow header", s, ascii("X"));
          }
          case 2 -> { // a request body, one byte a second
            raw.connect(https, 30_000);
            SSLSocket s = (SSLSocket) tls.createSocket(raw, "127.0.0.1", gw.port(), true);
            s.startHandshake();
            s.getOutputStream().write(ascii("POST /" + LIB + ".git/git-upload-pack HTTP/1.1\r\n"
                + "Host: x\r\n" + auth + "Content-Type: application/x-git-upload-pack-request"
                + "\r\nContent-Length: 100000\r\n\r\n0032"));
            return new Slow("slow body", s, ascii("a"));
          }
          case 3 -> { // SSH identification, one byte a second
            raw.connect(ssh, 30_000);
            raw.getOutputStream().write(ascii("SSH-2.0-"));
            return new Slow("slow SSH banner", raw, ascii("x"));
          }
          default -> { // SSH identification, then silence
            raw.connect(ssh, 30_000);
            raw.getOutputStream().write(ascii("SSH-2.0-OpenSSH_9.6\r\n"));
            return new Slow("SSH silent after banner", raw, new byte[0]);
          }
        }
      };
      opening.add(setup.submit(() -> {
        Slow a = connect.call();
        watchClose(a);
        return a;
      }));
    }
    // slow readers: a request, then its answer left unread
    List<Slow> readers = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      SSLSocket s = (SSLSocket) tls.createSocket("127.0.0.1", gw.port());
      s.getOutputStream().write(ascii("GET " + refs + " HTTP/1.1\r\nHost: x\r\n" + auth
          + "\r\n"));
      readers.add(new Slow("slow reader", s, new byte[0]));
    }
    List<Slow> slow = new ArrayList<>();
    int refused = 0;
    for (var f : opening) {
      try {
        slow.add(f.get(60, TimeUnit.SECONDS));
      } catch (java.util.concurrent.ExecutionException e) {
        refused++; // closed before it could start: the caps at work
      }
    }
    setup.shutdown();

    AtomicBoolean attacking = new AtomicBoolean(true);
    int[] peakThreads = new int[1];
    CompletableFuture<Void> dripper = CompletableFuture.runAsync(() -> {
      while (attacking.get() && slow.stream().anyMatch(Slow::open)) {
        for (Slow a : slow) {
          if (!a.open()) {
            continue;
          }
          try {
            if (a.drip.length > 0) {
              a.socket.getOutputStream().write(a.drip[a.sent++ % a.drip.length]);
              a.socket.getOutputStream().flush();
            }
          } catch (IOException e) {
            // its watcher sees the close
          }
        }
        peakThreads[0] = Math.max(peakThreads[0], gatewayThreads());
        sleepQuietly(1000);
      }
    });
    // the readers' answers sit in their socket buffers; behind them must be the gateway's close
    long readerBound = idleSeconds * 1000L + 10_000;
    CompletableFuture<Void> drained = CompletableFuture.runAsync(() -> {
      sleepQuietly(Math.max(0, readerBound - (System.nanoTime() - readers.get(0).opened)
          / 1_000_000));
      for (Slow r : readers) {
        try {
          r.socket.setSoTimeout(2_000);
          r.socket.getInputStream().readAllBytes();
          r.closed();
        } catch (IOException e) {
          // still open after the idle timeout: stays "open"
        }
      }
    });
    long t0 = System.nanoTime();
    CompletableFuture<ProcessResult> httpsClone = CompletableFuture.supplyAsync(() ->
        gw.clientWithNetrc("alice").git(work("https"), "clone", "-q", gw.repoUrl(LIB),
            "lib"));
    CompletableFuture<ProcessResult> sshClone = CompletableFuture.supplyAsync(() ->
        gw.clientWithSshKey("alice").git(work("ssh"), "clone", "-q", gw.sshUrl(LIB),
            "lib"));
    ProcessResult viaHttps = httpsClone.get(120, TimeUnit.SECONDS);
    long httpsMillis = (System.nanoTime() - t0) / 1_000_000;
    ProcessResult viaSsh = sshClone.get(120, TimeUnit.SECONDS);
    long sshMillis = (System.nanoTime() - t0) / 1_000_000;
    assertTrue(viaHttps.ok(), "H09: legit clone over HTTPS during the attack failed: "
        + viaHttps.describe());
    assertTrue(viaSsh.ok(), "H09: legit clone over SSH during the attack failed: "
        + viaSsh.describe());

    // SSH's login deadline is 30 s; the HTTP ones are those configured above
    long sshBound = 30_000 + 15_000;
    long httpBound = headerSeconds * 1000L + 10_000;
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(sshBound + 5_000);
    while (slow.stream().anyMatch(Slow::open) && System.nanoTime() < deadline) {
      Thread.sleep(250);
    }
    drained.get(60, TimeUnit.SECONDS);
    attacking.set(false);
    dripper.get(30, TimeUnit.SECONDS);
    StringBuilder figures = new StringBuilder();
    java.util.Map<String, List<Slow>> byKind = new java.util.TreeMap<>();
    concat(slow, readers).forEach(a -> byKind.computeIfAbsent(a.kind, k -> new ArrayList<>())
        .add(a));
    for (var e : byKind.entrySet()) {
      long open = e.getValue().stream().filter(Slow::open).count();
      long max = e.getValue().stream().mapToLong(a -> a.closedAfterMillis).max().orElse(0);
      figures.append(String.format("%s: %d, %d still open, slowest closed after %d ms; ",
          e.getKey(), e.getValue().size(), open, max));
    }
    String summary = attackers + " attackers (" + refused + " refused at connect), " + figures
        + "peak gateway threads " + peakThreads[0] + ", clone over HTTPS " + httpsMillis
        + " ms, over SSH " + sshMillis + " ms";
    System.out.println("H09: " + summary);
    for (var e : byKind.entrySet()) {
      long bound = e.getKey().contains("SSH") ? sshBound
          : e.getKey().equals("slow reader") ? readerBound + 5_000 : httpBound;
      for (Slow a : e.getValue()) {
        assertFalse(a.open() || a.closedAfterMillis > bound, "H09: a " + e.getKey()
            + " connection was not closed within " + bound + " ms: " + summary);
      }
    }
    assertTrue(peakThreads[0] < 150, "H09: the gateway's thread count was not bounded: "
        + summary);
    for (Slow a : concat(slow, readers)) {
      a.socket.close();
    }
  }

  /** A daemon thread that reads {@code a} until the gateway closes it, and notes when. */
  private static void watchClose(Slow a) {
    Thread t = new Thread(() -> {
      try {
        InputStream in = a.socket.getInputStream();
        while (in.read() >= 0) {
          // an SSH banner, a 408: whatever comes before the close
        }
      } catch (IOException e) {
        // reset, or timed out (then it stays open past every bound)
        if (e instanceof java.net.SocketTimeoutException) {
          return;
        }
      }
      a.closed();
    }, "h09-watcher");
    t.setDaemon(true);
    t.start();
  }

  private static <T> List<T> concat(List<T> a, List<T> b) {
    List<T> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  /** Live threads of the gateway's listeners (Jetty's pool, MINA's and ours). */
  private static int gatewayThreads() {
    int n = 0;
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      String name = t.getName();
      if (name.startsWith("gitedge-https") || name.startsWith("gitedge-ssh")
          || name.startsWith("sshd-")) {
        n++;
      }
    }
    return n;
  }

  private static void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // ------------------------------------------------------------------------- helpers

  private HttpClient client;

  /** A fresh folder of the gateway's (shared gateways see many tests). */
  private Path work(String name) {
    return gw.workDir(name + "-" + System.nanoTime());
  }

  private HttpClient http() {
    if (client == null) {
      client = TrustingHttp.client(gw.certificate());
    }
    return client;
  }

  private HttpRequest.Builder get(String path) {
    return HttpRequest.newBuilder(URI.create(gw.url() + path))
        .header("Authorization", "Bearer " + gw.token("alice")).timeout(Duration.ofSeconds(60));
  }

  private HttpRequest post(String repo, byte[] body, String gitProtocol) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gw.repoUrl(repo)
            + "/git-upload-pack"))
        .header("Authorization", "Bearer " + gw.token("alice"))
        .header("Content-Type", "application/x-git-upload-pack-request")
        .timeout(Duration.ofSeconds(60))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (gitProtocol != null) {
      b.header("Git-Protocol", gitProtocol);
    }
    return b.build();
  }

  /** Status and body of {@code curl} GET for {@code path} as alice, sent as written. */
  private String curl(String path) {
    ProcessResult r = ClientProcess.run(dir, ClientProcess.baseEnvironment(), List.of("curl",
        "-sS", "--path-as-is", "--cacert", gw.certificate().toString(), "-o", "-", "-w",
        "\\n%{http_code}", "-H", "Authorization: Bearer " + gw.token("alice"), gw.url() + path),
        null).assertOk();
    String out = r.stdout();
    int nl = out.lastIndexOf('\n');
    return out.substring(nl + 1) + " " + out.substring(0, nl);
  }

  /**
   * Writes {@code head} and then as much of {@code body} as the gateway takes over one TLS
   * connection, and returns what came back until the gateway closed it or {@code timeout}.
   */
  private String rawHttps(byte[] head, byte[] body, Duration timeout) throws IOException {
    try (SSLSocket s = (SSLSocket) TrustingHttp.sslContext(gw.certificate()).getSocketFactory()
        .createSocket("127.0.0.1", gw.port())) {
      s.setSoTimeout((int) timeout.toMillis());
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      InputStream in = s.getInputStream();
      CompletableFuture<Void> reader = CompletableFuture.runAsync(() -> {
        byte[] buf = new byte[8192];
        try {
          for (int n; (n = in.read(buf)) > 0;) {
            synchronized (got) {
              got.write(buf, 0, n);
            }
          }
        } catch (IOException e) {
          // closed or timed out: what arrived is the answer
        }
      });
      OutputStream out = s.getOutputStream();
      try {
        out.write(head);
        for (int off = 0; off < body.length && !reader.isDone(); off += 65536) {
          out.write(body, off, Math.min(65536, body.length - off));
        }
        out.flush();
      } catch (IOException e) {
        // the gateway stopped reading: fine, its answer is what counts
      }
      try {
        reader.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        // timed out: return what came
      }
      synchronized (got) {
        return got.toString(StandardCharsets.ISO_8859_1);
      }
    }
  }

  /** {@code git-upload-pack} over the real {@code ssh} as alice, fed {@code stdin}. */
  private ProcessResult sshUploadPack(String repo, byte[] stdin, boolean v2) {
    List<String> cmd = new ArrayList<>(List.of(gw.sshCommand(gw.key("alice")).split(" ")));
    if (v2) {
      cmd.addAll(List.of("-o", "SetEnv=GIT_PROTOCOL=version=2"));
    }
    cmd.addAll(List.of("-p", String.valueOf(gw.sshPort()), "git@127.0.0.1",
        "git-upload-pack '" + repo + ".git'"));
    return ClientProcess.run(dir, ClientProcess.baseEnvironment(), cmd, stdin);
  }

  /** Clones of lib over HTTPS, one after another, until {@code attacking} turns false. */
  private CompletableFuture<List<ProcessResult>> clonesWhile(AtomicBoolean attacking) {
    var c = gw.clientWithNetrc("alice");
    return CompletableFuture.supplyAsync(() -> {
      List<ProcessResult> results = new ArrayList<>();
      for (int i = 0; attacking.get() || i == 0; i++) {
        results.add(c.git(work("clone-" + i), "clone", "-q", gw.repoUrl(LIB), "lib"));
      }
      return results;
    });
  }

  private static void assertClonesWorked(CompletableFuture<List<ProcessResult>> clones,
      String row) throws Exception {
    List<ProcessResult> results = clones.get(120, TimeUnit.SECONDS);
    for (ProcessResult r : results) {
      assertTrue(r.ok(), row + ": a git clone during the attack failed: " + r.describe());
    }
    System.out.println(row + ": " + results.size() + " clones during the attack, all fine");
  }

  private static void assertNoInternals(String answer, String what) {
    assertFalse(answer.contains("Exception") || answer.contains("at org.")
        || answer.contains("at io.gitedge") || answer.toLowerCase().contains("jetty"),
        what + " leaked internals: " + head(answer));
  }

  /** Heap in use after a full collection, in bytes. */
  private static long heapAfterGc() throws InterruptedException {
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(100);
      used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    }
    return used;
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory
        .getOperatingSystemMXBean()).getProcessCpuTime();
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static String text(byte[] b) {
    return new String(b, StandardCharsets.ISO_8859_1);
  }

  private static String head(String s) {
    return s.substring(0, Math.min(300, s.length()));
  }
}
