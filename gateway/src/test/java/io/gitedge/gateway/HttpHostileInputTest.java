package io.gitedge.gateway;

import static io.gitedge.gateway.GatewayHarness.LIB;
import io.gitedge.testing.Requires;
import static io.gitedge.gateway.GatewayHarness.VAULT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitedge.testing.ClientHome;
import io.gitedge.testing.ClientProcess;
import io.gitedge.testing.ProcessResult;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile HTTP input, sent with curl exactly as written ({@code --path-as-is}): traversal and
 * encoding tricks in repository names (catalogue H07), enumeration of private repositories (H08)
 * and an oversized, gzip-compressed upload-pack request (H06). None may be served, none may tell
 * a private repository from a missing one, and the gateway must keep serving afterwards.
 */
class HttpHostileInputTest {
  @TempDir Path dir;
  GatewayHarness gw;

  @BeforeEach
  void start() throws Exception {
    Requires.tools("curl");
    gw = GatewayHarness.start(dir, GatewayHarness.Options.defaults()
        .withHttp("maxRequestSize", "1"));
  }

  @AfterEach
  void stop() {
    if (gw != null) {
      gw.close();
    }
  }

  /** Status line, then the body, of {@code curl} for {@code path} as alice. */
  private String curl(String method, String path, Path body, String... headers) {
    List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "--path-as-is", "--cacert",
        gw.certificate().toString(), "-o", "-", "-w", "\\n%{http_code}", "-X", method,
        "-H", "Authorization: Bearer " + gw.token("alice")));
    for (String h : headers) {
      cmd.add("-H");
      cmd.add(h);
    }
    if (body != null) {
      cmd.add("--data-binary");
      cmd.add("@" + body);
    }
    cmd.add(gw.url() + path);
    ProcessResult r = ClientProcess.run(dir, ClientProcess.baseEnvironment(), cmd, null)
        .assertOk();
    String out = r.stdout();
    int nl = out.lastIndexOf('\n');
    return out.substring(nl + 1) + " " + out.substring(0, nl);
  }

  @Test
  void traversalAndEncodingTricks_areNeverServed() {
    String[] hostile = {
        "/github.com/acme/../secret/vault.git",
        "/github.com/acme/%2e%2e/secret/vault.git",
        "/github.com/acme/%2E%2E/%2E%2E/etc",
        "/github.com/acme%2Flib.git",
        "/github.com//acme/lib.git",
        "/github.com/acme/./lib.git",
        "/github.com/acme/lib.git%00",
        "/github.com/acme/lib%5c..%5c..%5cetc",
        "/github.com/ACME/lib.git",
        "/..%2f..%2fetc/passwd",
        "/github.com/acme/" + "a".repeat(4096) + ".git",
    };
    String unknown = curl("GET", "/github.com/acme/nope.git/info/refs?service=git-upload-pack",
        null);
    assertTrue(unknown.startsWith("404 "), unknown);
    for (String h : hostile) {
      String r = curl("GET", h + "/info/refs?service=git-upload-pack", null);
      String status = r.substring(0, 3);
      assertTrue(status.equals("404") || status.equals("400") || status.equals("414")
          || status.equals("431"), h + " -> " + r);
      assertFalse(r.contains("refs/heads") || r.contains("top secret"), h + " -> " + r);
      if (status.equals("404")) {
        assertEquals(unknown, r, h);
      }
    }
    // and the canonical name still works
    assertTrue(curl("GET", "/" + LIB + ".git/info/refs?service=git-upload-pack", null)
        .startsWith("200 "));
  }

  @Test
  void privateAndMissingRepositories_answerAlike_onEveryEndpoint() throws Exception {
    Path request = Files.writeString(dir.resolve("req"), "0000");
    String[][] pairs = {
        {"GET", "/info/refs?service=git-upload-pack"},
        {"POST", "/git-upload-pack"},
        {"GET", "/info/refs?service=git-receive-pack"},
        {"POST", "/git-receive-pack"},
        {"GET", "?go-get=1"},
    };
    for (String[] p : pairs) {
      Path body = p[0].equals("POST") ? request : null;
      String type = "Content-Type: application/x-git-upload-pack-request";
      String forbidden = curl(p[0], "/" + VAULT + ".git" + p[1], body, type);
      String missing = curl(p[0], "/github.com/secret/nope.git" + p[1], body, type);
      assertEquals(missing, forbidden, p[0] + " " + p[1]);
      assertTrue(forbidden.startsWith("404 "), forbidden);
    }
  }

  @Test
  void gzipBombRequest_isCutOff_andTheGatewayKeepsServing() throws Exception {
    String want = gw.upstream().refs("acme/lib").get("refs/heads/main");
    ByteArrayOutputStream raw = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(raw)) {
      gz.write(pkt("want " + want + " multi_ack_detailed side-band-64k ofs-delta\n"));
      gz.write("0000".getBytes(StandardCharsets.US_ASCII));
      byte[] have = pkt("have " + "1".repeat(40) + "\n");
      for (int i = 0; i < 400_000; i++) {
        gz.write(have);
      }
    }
    Path bomb = Files.write(dir.resolve("bomb.gz"), raw.toByteArray());
    assertTrue(Files.size(bomb) < 200_000, "the bomb should be small on the wire");

    String r = curl("POST", "/" + LIB + ".git/git-upload-pack", bomb,
        "Content-Type: application/x-git-upload-pack-request", "Content-Encoding: gzip");

    assertTrue(r.startsWith("200 ") && r.contains("ERR request body larger than 1048576 bytes"),
        r.substring(0, Math.min(200, r.length())));
    gw.clientWithNetrc("alice").git(gw.workDir("after"), "clone", gw.repoUrl(LIB), "lib")
        .assertOk();
  }

  @Test
  void malformedRequests_getAGitStyleErrorAndNoInternals() throws Exception {
    String type = "Content-Type: application/x-git-upload-pack-request";
    Path garbage = Files.writeString(dir.resolve("garbage"), "zzzzthis is not a pkt-line");
    Path notGzip = Files.writeString(dir.resolve("notgzip"), "0000");
    ByteArrayOutputStream lsRefs = new ByteArrayOutputStream();
    lsRefs.write(pkt("command=ls-refs\n"));
    lsRefs.write("0001".getBytes(StandardCharsets.US_ASCII));
    lsRefs.write(pkt("no-such-argument\n"));
    lsRefs.write("0000".getBytes(StandardCharsets.US_ASCII));
    Path badV2 = Files.write(dir.resolve("badv2"), lsRefs.toByteArray());
    String path = "/" + LIB + ".git/git-upload-pack";

    String malformed = curl("POST", path, garbage, type);
    String gzip = curl("POST", path, notGzip, type, "Content-Encoding: gzip");
    String v2 = curl("POST", path, badV2, type, "Git-Protocol: version=2");

    assertTrue(malformed.startsWith("200 ") && malformed.contains("ERR "), malformed);
    assertEquals("400 gitedge: the request body is not valid gzip\n", gzip);
    assertTrue(v2.startsWith("200 ") && v2.contains("ERR "), v2);
    for (String r : List.of(malformed, gzip, v2)) {
      assertFalse(r.contains("Exception") || r.contains("at org.") || r.contains("jetty"), r);
    }
    assertTrue(curl("GET", "/" + LIB + ".git/info/refs?service=git-upload-pack", null)
        .startsWith("200 "), "still serving");
  }

  private static byte[] pkt(String s) {
    byte[] b = s.getBytes(StandardCharsets.US_ASCII);
    return (String.format("%04x", b.length + 4) + s).getBytes(StandardCharsets.US_ASCII);
  }
}
