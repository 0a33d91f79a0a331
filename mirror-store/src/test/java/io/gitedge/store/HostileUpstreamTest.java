package io.gitedge.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.gitedge.testing.ClientProcess;
import io.gitedge.testing.MirrorInvariants;
import io.gitedge.testing.PktLines;
import io.gitedge.testing.TestUpstream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.zip.Deflater;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Upstreams that send what no honest Git server sends: crafted packs from a tiny malicious
 * smart-HTTP server (catalogue row R09) and malformed trees built with C git in a real upstream
 * (R10). Each must fail the sync with a reason, leave the mirror's refs as they were and its
 * objects fsck-clean, keep the JVM alive (no {@link OutOfMemoryError} or stack overflow reaches
 * the caller), and leave another mirror's sync unaffected.
 */
class HostileUpstreamTest {
  /** The commit the malicious server advertises; its objects never arrive. */
  private static final String WANTED = "1111111111111111111111111111111111111111";

  @TempDir Path dir;
  private TestUpstream upstream;
  private MirrorStore store;
  private HttpServer evil;
  private volatile byte[] pack;
  private final java.util.concurrent.atomic.AtomicInteger packsSent =
      new java.util.concurrent.atomic.AtomicInteger();
  private MirrorName lib;
  private MirrorName app;
  private Upstream libUpstream;
  private Upstream appUpstream;

  @BeforeEach
  void setUp() throws Exception {
    lib = MirrorName.parse("github.com/acme/lib");
    app = MirrorName.parse("github.com/acme/app");
    upstream = TestUpstream.create(dir);
    upstream.createRepo("acme/lib").createRepo("acme/app");
    upstream.commit("acme/lib", "main", Map.of("go.mod", "module github.com/acme/lib\n"), "one");
    upstream.commit("acme/app", "main", Map.of("main.go", "package main\n"), "app");
    // small limits, so that a bomb is stopped at 8 MiB and not at the default 32 GiB
    store = MirrorStore.open(StoreConfig.defaults(dir.resolve("mirrors"))
        .withIngest(new IngestLimits(1_000_000, 8L << 20, true)));
    libUpstream = new Upstream(upstream.fileUrl() + "/acme/lib.git", Optional.empty());
    appUpstream = new Upstream(upstream.fileUrl() + "/acme/app.git", Optional.empty());
    assertTrue(store.sync(lib, libUpstream).succeeded());
    assertTrue(store.sync(app, appUpstream).succeeded());

    evil = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
    evil.setExecutor(Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "evil-upstream");
      t.setDaemon(true);
      return t;
    }));
    evil.createContext("/evil.git/info/refs", x -> {
      byte[] body = PktLines.of("# service=git-upload-pack", "0000",
          WANTED + " refs/heads/main\0multi_ack_detailed ofs-delta agent=evil", "0000");
      x.getResponseHeaders().set("Content-Type", "application/x-git-upload-pack-advertisement");
      x.sendResponseHeaders(200, body.length);
      try (OutputStream out = x.getResponseBody()) {
        out.write(body);
      }
    });
    evil.createContext("/evil.git/git-upload-pack", x -> {
      byte[] request = x.getRequestBody().readAllBytes();
      if ("gzip".equals(x.getRequestHeaders().getFirst("Content-Encoding"))) {
        request = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(request))
            .readAllBytes();
      }
      // a negotiation round gets "no common commit"; the round that says "done" the pack
      boolean done = new String(request, java.nio.charset.StandardCharsets.ISO_8859_1)
          .contains("done\n");
      x.getResponseHeaders().set("Content-Type", "application/x-git-upload-pack-result");
      x.sendResponseHeaders(200, 0);
      try (OutputStream out = x.getResponseBody()) {
        out.write(PktLines.of("NAK"));
        if (done) {
          packsSent.incrementAndGet();
          out.write(pack);
        }
      } catch (IOException e) {
        // the client gave up on it: that is the point
      }
    });
    evil.start();
  }

  @AfterEach
  void tearDown() {
    if (evil != null) {
      evil.stop(0);
    }
    store.close();
    upstream.close();
    MirrorInvariants.check(dir.resolve("mirrors"));
  }

  // ------------------------------------------------------------------ R09: crafted packs

  @ParameterizedTest
  @ValueSource(strings = {"count 0x7FFFFFFF", "count 0xFFFFFFFF", "bad trailer checksum",
      "truncated", "missing delta base", "zlib bomb", "deep delta chain"})
  @Timeout(180)
  void r09_aCraftedPack_failsTheSync_keepsTheJvmAndTheMirror_andOthersSync(String shape)
      throws Exception {
    pack = craft(shape);
    Map<String, String> before = refs(lib);

    SyncResult r = store.sync(lib, new Upstream("http://127.0.0.1:" + evil.getAddress().getPort()
        + "/evil.git", Optional.empty()));

    assertEquals(SyncResult.Outcome.FAILED, r.outcome(), "R09 " + shape
        + ": the sync did not fail: " + r);
    assertTrue(packsSent.get() > 0, "R09 " + shape + ": the crafted pack was never asked for: "
        + r.error());
    assertEquals(before, refs(lib), "R09 " + shape + ": refs changed");
    String error = store.state(lib).orElseThrow().lastError().orElse("");
    assertTrue(error.contains("evil.git"), "R09 " + shape + ": failure not reported: " + error);
    assertFsckClean(lib, "R09 " + shape);
    upstream.commit("acme/app", "main", Map.of("more.go", "package main\n"), "more");
    SyncResult clean = store.sync(app, appUpstream);
    assertEquals(SyncResult.Outcome.UPDATED, clean.outcome(), "R09 " + shape
        + ": a clean mirror's sync after the attack: " + clean);
  }

  /** A pack of the given hostile shape. */
  private static byte[] craft(String shape) throws Exception {
    byte[] blob = "hello, mirror\n".getBytes(UTF_8);
    byte[] oneBlob = pack(1, entry(3, blob.length, deflate(blob)));
    return switch (shape) {
      case "count 0x7FFFFFFF" -> pack(0x7FFFFFFF, entry(3, blob.length, deflate(blob)));
      case "count 0xFFFFFFFF" -> pack(0xFFFFFFFF, entry(3, blob.length, deflate(blob)));
      case "bad trailer checksum" -> {
        oneBlob[oneBlob.length - 1] ^= 0x55;
        yield oneBlob;
      }
      case "truncated" -> java.util.Arrays.copyOf(oneBlob, oneBlob.length - 25);
      case "missing delta base" -> {
        // REF_DELTA (7) against an object nobody has: copy 14 bytes from the base
        byte[] delta = {14, 14, (byte) 0x90, 14};
        byte[] base = new byte[20];
        java.util.Arrays.fill(base, (byte) 0x42);
        yield pack(1, concat(objectHeader(7, delta.length), base, deflate(delta)));
      }
      case "zlib bomb" -> {
        // a blob of 64 MiB of zeros, 64 KiB on the wire; the limit here is 8 MiB
        long size = 64L << 20;
        Deflater d = new Deflater(9);
        ByteArrayOutputStream z = new ByteArrayOutputStream();
        byte[] zeros = new byte[1 << 20];
        byte[] out = new byte[64 << 10];
        for (long left = size; left > 0; left -= zeros.length) {
          d.setInput(zeros);
          while (!d.needsInput()) {
            z.write(out, 0, d.deflate(out));
          }
        }
        d.finish();
        while (!d.finished()) {
          z.write(out, 0, d.deflate(out));
        }
        d.end();
        yield pack(1, entry(3, size, z.toByteArray()));
      }
      case "deep delta chain" -> deepChain(10_000);
      default -> throw new IllegalArgumentException(shape);
    };
  }

  /**
   * A blob of 16 bytes and {@code depth} OFS_DELTAs, each on the one before: drop its first byte,
   * append one (every object 16 bytes, so only the depth is big, not the bytes).
   */
  private static byte[] deepChain(int depth) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    byte[] first = "0123456789abcdef".getBytes(UTF_8);
    List<Long> offsets = new java.util.ArrayList<>();
    long offset = 12;
    byte[] e = entry(3, first.length, deflate(first));
    offsets.add(offset);
    b.writeBytes(e);
    offset += e.length;
    for (int i = 0; i < depth; i++) {
      // sizes 16 and 16, copy 15 bytes from offset 1, insert one byte
      byte[] d = {16, 16, (byte) (0x80 | 0x01 | 0x10), 1, 15, 1, (byte) ('a' + i % 26)};
      byte[] entry = concat(objectHeader(6, d.length), ofsDistance(offset - offsets.get(i)),
          deflate(d));
      offsets.add(offset);
      b.writeBytes(entry);
      offset += entry.length;
    }
    return pack(depth + 1, b.toByteArray());
  }

  private static byte[] ofsDistance(long distance) {
    // git's offset encoding: big-endian 7-bit groups, each continuation adding one
    byte[] buf = new byte[10];
    int p = buf.length - 1;
    buf[p] = (byte) (distance & 0x7f);
    while ((distance >>>= 7) != 0) {
      buf[--p] = (byte) (0x80 | (--distance & 0x7f));
    }
    return java.util.Arrays.copyOfRange(buf, p, buf.length);
  }

  private static byte[] varint(long v) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    do {
      int c = (int) (v & 0x7f);
      v >>>= 7;
      b.write(v != 0 ? c | 0x80 : c);
    } while (v != 0);
    return b.toByteArray();
  }

  private static byte[] entry(int type, long size, byte[] deflated) {
    return concat(objectHeader(type, size), deflated);
  }

  private static byte[] objectHeader(int type, long size) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c = (type << 4) | (int) (size & 0x0f);
    size >>>= 4;
    while (size != 0) {
      b.write(c | 0x80);
      c = (int) (size & 0x7f);
      size >>>= 7;
    }
    b.write(c);
    return b.toByteArray();
  }

  /** "PACK", version 2, {@code count} (as the 32 bits it is on the wire), body, SHA-1. */
  private static byte[] pack(int count, byte[] body) {
    byte[] header = {'P', 'A', 'C', 'K', 0, 0, 0, 2, (byte) (count >>> 24),
        (byte) (count >>> 16), (byte) (count >>> 8), (byte) count};
    byte[] content = concat(header, body);
    try {
      return concat(content, MessageDigest.getInstance("SHA-1").digest(content));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] deflate(byte[] raw) {
    Deflater d = new Deflater();
    d.setInput(raw);
    d.finish();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[8192];
    while (!d.finished()) {
      out.write(buf, 0, d.deflate(buf));
    }
    d.end();
    return out.toByteArray();
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      b.writeBytes(p);
    }
    return b.toByteArray();
  }

  // ------------------------------------------------------------------ R10: malformed trees

  @ParameterizedTest
  @ValueSource(strings = {".git entry", ".. entry", ".gitmodules url -", "duplicate entries"})
  void r10_anUpstreamTreeGitRefuses_failsTheSync_andTheMirrorKeepsItsRefs(String shape)
      throws Exception {
    Map<String, String> before = refs(lib);
    String bad = badCommit(shape);

    SyncResult r = store.sync(lib, libUpstream);

    assertEquals(SyncResult.Outcome.FAILED, r.outcome(), "R10 " + shape
        + ": the malformed tree got in: " + r);
    assertEquals(before, refs(lib), "R10 " + shape + ": refs changed");
    assertTrue(store.state(lib).orElseThrow().lastError().orElse("").length() > 0,
        "R10 " + shape + ": failure not reported");
    assertFsckClean(lib, "R10 " + shape);
    upstream.commit("acme/app", "main", Map.of("r10.go", "package main\n"), "more");
    assertEquals(SyncResult.Outcome.UPDATED, store.sync(app, appUpstream).outcome(),
        "R10 " + shape + ": a clean mirror's sync after it");
    assertTrue(bad.length() == 40);
  }

  /**
   * R10: a zero-padded file mode is a warning to git ({@code fetch.fsckObjects} lets it in, and
   * old history has them): the mirror takes it, and stays fsck-clean by git's default rules and
   * by {@link MirrorInvariants} (strict, with zero-padded modes ignored).
   */
  @org.junit.jupiter.api.Test
  void r10_aZeroPaddedMode_isLetInAsGitDoes_andTheMirrorStaysFsckClean() throws Exception {
    String bad = badCommit("zero-padded mode");

    SyncResult r = store.sync(lib, libUpstream);

    assertEquals(SyncResult.Outcome.UPDATED, r.outcome(), "R10 zero-padded: " + r);
    assertEquals(bad, refs(lib).get("refs/heads/main"));
    Path git = dir.resolve("mirrors").resolve(lib.relativeDirectory());
    var fsck = ClientProcess.run(dir, ClientProcess.baseEnvironment(),
        List.of("git", "--git-dir=" + git, "fsck", "--full"), null);
    assertEquals(0, fsck.exitCode(), "R10 zero-padded: git fsck: " + fsck.stderr());
  }

  /** Puts a commit whose tree has {@code shape} on the upstream's main; returns its id. */
  private String badCommit(String shape) throws IOException {
    String blob = hashObject("blob", "payload\n".getBytes(UTF_8));
    String parent = upstream.git("acme/lib", "rev-parse", "main").assertOk().stdout().trim();
    String tree = switch (shape) {
      case ".git entry" -> tree(entry("40000", ".git", hashObject("tree", treeBytes(
          entry("100644", "config", blob)))));
      case ".. entry" -> tree(entry("40000", "..", hashObject("tree", treeBytes(
          entry("100644", "x", blob)))));
      case ".gitmodules url -" -> tree(entry("100644", ".gitmodules", hashObject("blob",
          "[submodule \"x\"]\n\tpath = x\n\turl = --upload-pack=touch${IFS}pwned\n"
              .getBytes(UTF_8))));
      case "duplicate entries" -> tree(entry("100644", "a", blob), entry("100644", "a", blob));
      case "zero-padded mode" -> tree(entry("040000", "dir", hashObject("tree", treeBytes(
          entry("100644", "x", blob)))));
      default -> throw new IllegalArgumentException(shape);
    };
    String commit = upstream.git("acme/lib", "commit-tree", tree, "-p", parent, "-m", shape)
        .assertOk().stdout().trim();
    upstream.git("acme/lib", "update-ref", "refs/heads/main", commit).assertOk();
    return commit;
  }

  private static byte[] entry(String mode, String name, String id) {
    return concat((mode + " " + name + "\0").getBytes(UTF_8),
        java.util.HexFormat.of().parseHex(id));
  }

  private static byte[] treeBytes(byte[]... entries) {
    return concat(entries);
  }

  private String tree(byte[]... entries) throws IOException {
    return hashObject("tree", treeBytes(entries));
  }

  /** {@code git hash-object --literally -w}: writes what git's own checks would refuse. */
  private String hashObject(String type, byte[] content) throws IOException {
    Path f = Files.createTempFile(dir, "object", ".raw");
    Files.write(f, content);
    return upstream.git("acme/lib", "hash-object", "--literally", "-t", type, "-w", f.toString())
        .assertOk().stdout().trim();
  }

  // ------------------------------------------------------------------ helpers

  private Map<String, String> refs(MirrorName name) throws IOException {
    Repository r = store.find(name).orElseThrow().repository();
    Map<String, String> refs = new LinkedHashMap<>();
    for (Ref ref : r.getRefDatabase().getRefsByPrefix(Constants.R_REFS)) {
      refs.put(ref.getName(), ref.getObjectId().name());
    }
    return refs;
  }

  private void assertFsckClean(MirrorName name, String row) {
    Path git = dir.resolve("mirrors").resolve(name.relativeDirectory());
    var fsck = ClientProcess.run(dir, ClientProcess.baseEnvironment(),
        List.of("git", "--git-dir=" + git, "fsck", "--full", "--strict"), null);
    assertEquals(0, fsck.exitCode(), row + ": fsck of the mirror: " + fsck.stderr());
  }
}
