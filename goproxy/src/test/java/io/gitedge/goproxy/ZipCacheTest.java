package io.gitedge.goproxy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jgit.lib.ObjectId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ZipCacheTest {
  private static final ObjectId C1 = ObjectId.fromString(
      "0123456789abcdef0123456789abcdef01234567");
  private static final ObjectId C2 = ObjectId.fromString(
      "89abcdef0123456789abcdef0123456789abcdef");

  @TempDir Path dir;

  @Test
  void aZipIsBuiltOnce_thenServedFromDisk_withItsHash() throws Exception {
    ZipCache cache = ZipCache.open(dir, 1 << 20);
    AtomicInteger builds = new AtomicInteger();
    ZipCache.Builder b = out -> {
      builds.incrementAndGet();
      out.write("zip bytes".getBytes(StandardCharsets.UTF_8));
      return "h1:first";
    };
    ZipCache.Opened first = cache.get("example.com/m", "v1.0.0", C1, b);
    ZipCache.Opened second = cache.get("example.com/m", "v1.0.0", C1, b);

    assertEquals(ZipCache.Outcome.BUILT, first.outcome());
    assertEquals(ZipCache.Outcome.HIT, second.outcome());
    assertEquals(1, builds.get());
    assertEquals("h1:first", second.hash());
    assertArrayEquals("zip bytes".getBytes(StandardCharsets.UTF_8), read(second));
    assertEquals(9, second.size());
    first.stream().close();
    // another commit is another zip
    assertEquals(ZipCache.Outcome.BUILT, cache.get("example.com/m", "v1.0.0", C2, b).outcome());
    assertEquals(2, builds.get());
  }

  @Test
  void concurrentRequestsForOneMissingZip_buildItOnce() throws Exception {
    ZipCache cache = ZipCache.open(dir, 1 << 20);
    AtomicInteger builds = new AtomicInteger();
    CountDownLatch release = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<ZipCache.Opened>> all = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        all.add(pool.submit(() -> cache.get("example.com/m", "v1.0.0", C1, out -> {
          builds.incrementAndGet();
          try {
            release.await(10, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            throw new java.io.InterruptedIOException();
          }
          out.write(1);
          return "h1:x";
        })));
      }
      Thread.sleep(200); // let every request arrive while the first is building
      release.countDown();
      for (Future<ZipCache.Opened> f : all) {
        ZipCache.Opened o = f.get(10, TimeUnit.SECONDS);
        assertEquals("h1:x", o.hash());
        o.stream().close();
      }
      assertEquals(1, builds.get());
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void theLeastRecentlyUsedZipsGo_whenTheBoundIsPassed() throws Exception {
    ZipCache cache = ZipCache.open(dir, 250);
    for (String v : List.of("v1.0.0", "v1.0.1")) {
      cache.get("example.com/m", v, C1, out -> {
        out.write(new byte[100]);
        return "h1:" + v;
      }).stream().close();
    }
    cache.get("example.com/m", "v1.0.0", C1, out -> {
      throw new AssertionError("held already");
    }).stream().close(); // v1.0.0 is now the most recently used
    cache.get("example.com/m", "v1.0.2", C1, out -> {
      out.write(new byte[100]);
      return "h1:v1.0.2";
    }).stream().close();

    assertEquals(200, cache.bytes());
    assertEquals(List.of("v1.0.0", "v1.0.2"), cache.built().stream()
        .map(ZipCache.Built::version).sorted().toList());
    try (var files = Files.list(dir)) {
      assertEquals(4, files.count(), "two zips and their hashes, nothing else");
    }
  }

  @Test
  void aRestartKeepsWholeEntries_andRemovesHalfWrittenOnes() throws Exception {
    ZipCache cache = ZipCache.open(dir, 1 << 20);
    cache.get("example.com/m", "v1.0.0", C1, out -> {
      out.write(new byte[10]);
      return "h1:kept";
    }).stream().close();
    Files.writeString(dir.resolve("abc.zip123.tmp"), "half");
    Files.writeString(dir.resolve("orphan.zip"), "no hash file");

    ZipCache again = ZipCache.open(dir, 1 << 20);

    assertEquals(List.of(new ZipCache.Built("example.com/m", "v1.0.0", C1.name(), "h1:kept")),
        again.built());
    assertFalse(Files.exists(dir.resolve("abc.zip123.tmp")));
    assertFalse(Files.exists(dir.resolve("orphan.zip")));
    assertEquals(ZipCache.Outcome.HIT, again.get("example.com/m", "v1.0.0", C1, out -> {
      throw new AssertionError("kept across the restart");
    }).outcome());
  }

  @Test
  void aRefusedModuleIsNotKept_andLeavesNoFile() throws Exception {
    ZipCache cache = ZipCache.open(dir, 1 << 20);
    assertThrows(GoModuleException.BadModule.class, () -> cache.get("example.com/m", "v1.0.0",
        C1, out -> {
          out.write(new byte[10]);
          throw new GoModuleException.BadModule("module source tree too large");
        }));
    assertEquals(0, cache.entries());
    try (var files = Files.list(dir)) {
      assertEquals(0, files.count());
    }
    // the next request tries again
    assertTrue(cache.get("example.com/m", "v1.0.0", C1, out -> "h1:ok").hash().equals("h1:ok"));
  }

  private static byte[] read(ZipCache.Opened o) throws Exception {
    try (InputStream in = o.stream()) {
      return in.readAllBytes();
    }
  }
}
