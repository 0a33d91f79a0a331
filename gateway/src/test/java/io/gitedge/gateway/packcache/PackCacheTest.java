package io.gitedge.gateway.packcache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitedge.gateway.config.PackCacheConfig;
import io.gitedge.gateway.packcache.PackCache.Result;
import io.gitedge.store.MirrorName;
import io.gitedge.store.SyncResult;
import io.gitedge.sync.Trigger;
import io.gitedge.testing.PktLines;
import io.gitedge.testing.TestUpstream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.UploadPack;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pack cache on its own, with JGit's upload-pack over a real repository: what is stored,
 * where, when it is served, and that a broken disk or file never reaches a client.
 */
class PackCacheTest {
  private static final MirrorName NAME = name("github.com/acme/lib");
  private static final List<String> V2 = List.of("version=2");

  @TempDir Path dir;

  private static MirrorName name(String n) {
    try {
      return MirrorName.parse(n);
    } catch (io.gitedge.store.InvalidMirrorNameException e) {
      throw new IllegalArgumentException(e);
    }
  }
  private TestUpstream upstream;
  private Repository repo;
  private String main;
  private final List<Result> results = new CopyOnWriteArrayList<>();
  private final List<PackCache> opened = new ArrayList<>();

  @BeforeEach
  void repository() throws Exception {
    upstream = TestUpstream.create(dir);
    upstream.createRepo("acme/lib");
    upstream.commit("acme/lib", "main", Map.of("a.txt", "a\n"), "first");
    main = upstream.commit("acme/lib", "main", Map.of("b.txt", noise(20_000)), "second");
    upstream.annotatedTag("acme/lib", "v1", main);
    repo = new FileRepositoryBuilder().setGitDir(upstream.bare("acme/lib").toFile()).build();
  }

  /** Text that does not compress much, so that packs are a few KiB. */
  private static String noise(int chars) {
    java.util.Random r = new java.util.Random(7);
    StringBuilder b = new StringBuilder();
    while (b.length() < chars) {
      b.append(Long.toHexString(r.nextLong())).append(b.length() % 80 < 16 ? "\n" : "");
    }
    return b.toString();
  }

  @AfterEach
  void close() {
    opened.forEach(PackCache::close);
    repo.close();
    upstream.close();
  }

  private PackCache open(long memory, long maxEntry) throws IOException {
    PackCache c = PackCache.open(new PackCacheConfig(true, memory, 64L << 20, maxEntry,
        Duration.ofMinutes(5)), dir.resolve("pack-cache"), (r, request) -> results.add(r),
        Runnable::run, null);
    opened.add(c);
    return c;
  }

  private PackCache open() throws IOException {
    return open(64L << 20, 16L << 20);
  }

  private PackCache reopen(PackCache c) throws IOException {
    c.close();
    return open();
  }

  private static byte[] cloneRequest(String... wants) {
    List<String> lines = new ArrayList<>(List.of("command=fetch", "agent=git/2.39.5", "0001",
        "thin-pack", "ofs-delta", "no-progress"));
    for (String w : wants) {
      lines.add("want " + w);
    }
    lines.add("done");
    lines.add("0000");
    return PktLines.of(lines.toArray(String[]::new));
  }

  private record Response(Result result, byte[] body) {}

  /** What a responder's upload-pack does with the request and the stream it is given. */
  @FunctionalInterface
  private interface Upload {
    boolean run(InputStream request, OutputStream out) throws IOException;
  }

  /** A responder as a front door is: writes a stored response, or runs {@code upload}. */
  private static PackCache.Responder responder(OutputStream body, Upload upload) {
    return new PackCache.Responder() {
      @Override
      public void sendStored(CachedPack stored) throws IOException {
        stored.writeTo(body);
      }

      @Override
      public OutputStream body() {
        return body;
      }

      @Override
      public boolean uploadPack(InputStream request, OutputStream out) throws IOException {
        return upload.run(request, out);
      }
    };
  }

  /** One request as a front door runs it: the cached response, or upload-pack. */
  private Response fetch(PackCache cache, byte[] request) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Result r = cache.serve(NAME, repo, false, V2, new ByteArrayInputStream(request),
        responder(out, this::runUploadPack));
    return new Response(r, out.toByteArray());
  }

  private boolean runUploadPack(InputStream in, OutputStream out) {
    UploadPack up = new UploadPack(repo);
    up.setBiDirectionalPipe(false);
    up.setExtraParameters(V2);
    try {
      up.upload(in, out, null);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private Stream<Path> packFiles() throws IOException {
    return Files.walk(dir.resolve("pack-cache")).filter(p -> p.toString().endsWith(".pack"));
  }

  // ------------------------------------------------------------------------------ tiers

  @Test
  void identicalRequests_theSecondGetsTheFirstResponseByteForByte_fromMemory() throws Exception {
    PackCache cache = open();
    Response first = fetch(cache, cloneRequest(main));
    Response second = fetch(cache, cloneRequest(main));
    assertEquals(Result.MISS, first.result());
    assertEquals(Result.HIT, second.result());
    assertArrayEquals(first.body(), second.body());
    assertTrue(first.body().length > 1000, "a pack: " + first.body().length);
    assertEquals(1, cache.memoryEntries());
    assertEquals(first.body().length, cache.memoryBytes());
    assertEquals(0, packFiles().count());
    assertEquals(List.of(Result.MISS, Result.HIT), results);
  }

  @Test
  void responsesAboveTheEntryLimit_areWrittenToDiskWhileStreaming_andServedFromThere()
      throws Exception {
    PackCache cache = open(64L << 20, 100);
    Response first = fetch(cache, cloneRequest(main));
    Response second = fetch(cache, cloneRequest(main));
    assertEquals(Result.HIT, second.result());
    assertArrayEquals(first.body(), second.body());
    assertEquals(0, cache.memoryEntries());
    assertEquals(1, cache.diskEntries());
    assertEquals(1, packFiles().count());
    try (Stream<Path> tmp = Files.list(dir.resolve("pack-cache/tmp"))) {
      assertEquals(0, tmp.count(), "the temporary file was moved into place");
    }
  }

  @Test
  void entriesEvictedFromMemoryForSize_spillToDisk() throws Exception {
    String other = upstream.commit("acme/lib", "other", Map.of("c.txt", "c\n"), "other");
    ByteArrayOutputStream direct = new ByteArrayOutputStream();
    assertTrue(runUploadPack(new ByteArrayInputStream(cloneRequest(main)), direct));
    long room = direct.size() + 10; // one of the two responses fits, not both
    PackCache cache = open(room, room);
    Response a1 = fetch(cache, cloneRequest(main));
    fetch(cache, cloneRequest(other));
    cache.cleanUp();
    assertEquals(1, cache.memoryEntries());
    assertEquals(1, cache.diskEntries(), "the evicted entry went to disk");
    Response a2 = fetch(cache, cloneRequest(main));
    Response b2 = fetch(cache, cloneRequest(other));
    assertEquals(Result.HIT, a2.result());
    assertEquals(Result.HIT, b2.result());
    assertArrayEquals(a1.body(), a2.body());
  }

  @Test
  void invalidate_dropsTheMirrorsEntriesFromBothTiers_andDeletesTheirFiles() throws Exception {
    PackCache cache = open(64L << 20, 100);
    fetch(cache, cloneRequest(main));
    cache = reopen(cache); // now one on disk
    fetch(cache, cloneRequest(main, main)); // same normal form: a hit
    fetch(cache, PktLines.of("command=fetch", "0001", "want " + main, "done", "0000")); // memory
    assertEquals(1, cache.memoryEntries());
    assertEquals(1, cache.diskEntries());

    cache.invalidate(name("github.com/acme/other"));
    assertEquals(1, cache.diskEntries());
    cache.invalidate(NAME);
    cache.cleanUp();

    assertEquals(0, cache.memoryEntries());
    assertEquals(0, cache.diskEntries());
    assertEquals(0, packFiles().count());
    assertEquals(Result.MISS, fetch(cache, cloneRequest(main)).result());
  }

  // ------------------------------------------------------------------------------ restarts

  @Test
  void afterARestart_theDiskTierIsIndexedAgain_andTheMemoryTierWasKept() throws Exception {
    PackCache cache = open();
    Response first = fetch(cache, cloneRequest(main));
    Files.writeString(dir.resolve("pack-cache/tmp/left-by-a-crash.tmp"), "partial");
    cache = reopen(cache);
    try (Stream<Path> tmp = Files.list(dir.resolve("pack-cache/tmp"))) {
      assertEquals(0, tmp.count(), "temporary files are removed at start");
    }
    Response again = fetch(cache, cloneRequest(main));
    assertEquals(Result.HIT, again.result());
    assertArrayEquals(first.body(), again.body());
    assertEquals(1, cache.diskEntries());
    assertEquals(first.body().length + headerAndTrailer(), cache.diskBytes());
  }

  private static long headerAndTrailer() {
    return PackFile.header(new PackKey(NAME, "0".repeat(64))).length + PackFile.TRAILER;
  }

  @Test
  void aTruncatedFile_isRemovedAtStart_andNeverServed() throws Exception {
    PackCache cache = open();
    Response first = fetch(cache, cloneRequest(main));
    cache.close();
    Path file = packFiles().findFirst().orElseThrow();
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.truncate(ch.size() - 100);
    }
    cache = open();
    assertEquals(0, cache.diskEntries());
    assertFalse(Files.exists(file));
    Response again = fetch(cache, cloneRequest(main));
    assertEquals(Result.MISS, again.result());
    assertArrayEquals(first.body(), again.body());
  }

  @Test
  void aFileWhoseBodyChanged_failsItsChecksumOnFirstUse_andIsNeverServed() throws Exception {
    PackCache cache = open();
    Response first = fetch(cache, cloneRequest(main));
    cache.close();
    Path file = packFiles().findFirst().orElseThrow();
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length / 2] ^= 0x20; // same length, one bit changed
    Files.write(file, bytes);
    cache = open();
    assertEquals(1, cache.diskEntries(), "the length still matches");

    Response again = fetch(cache, cloneRequest(main));
    cache.cleanUp();

    assertEquals(Result.MISS, again.result());
    assertArrayEquals(first.body(), again.body());
    assertFalse(Files.exists(file), "removed once found corrupt");
  }

  @Test
  void aFileRenamedToAnotherKey_isRemovedAtStart() throws Exception {
    PackCache cache = open();
    fetch(cache, cloneRequest(main));
    cache.close();
    Path file = packFiles().findFirst().orElseThrow();
    Path other = file.resolveSibling("f".repeat(64) + ".0000000000000001.pack");
    Files.move(file, other);
    cache = open();
    assertEquals(0, cache.diskEntries());
    assertFalse(Files.exists(other));
  }

  // ------------------------------------------------------------------------------ what is cached

  @Test
  void wantsThatAreNotRefTips_areLeftToUploadPack() throws Exception {
    PackCache cache = open();
    String parent = repo.resolve("main~1").name();
    assertEquals(Result.BYPASS, fetch(cache, cloneRequest(parent)).result());
    assertEquals(Result.BYPASS, fetch(cache, cloneRequest(parent)).result());
    assertEquals(Result.BYPASS, fetch(cache, cloneRequest(main, "3".repeat(40))).result());
    assertEquals(0, cache.memoryEntries());
  }

  @Test
  void wantsOfAnAnnotatedTagOrWhatItPointsTo_areRefTips() throws Exception {
    String parent = repo.resolve("main~1").name(); // no branch points here, only the tag
    upstream.annotatedTag("acme/lib", "v0.9", parent);
    PackCache cache = open();
    String tag = repo.exactRef("refs/tags/v1").getObjectId().name();
    assertEquals(Result.MISS, fetch(cache, cloneRequest(tag)).result());
    assertEquals(Result.HIT, fetch(cache, cloneRequest(tag)).result());
    assertEquals(Result.MISS, fetch(cache, cloneRequest(main, tag)).result());
    assertEquals(Result.MISS, fetch(cache, cloneRequest(parent)).result(), "a peeled tag");
    assertEquals(Result.HIT, fetch(cache, cloneRequest(parent)).result());
  }

  @Test
  void aStaleMirror_isNotAnsweredFromTheCache() throws Exception {
    PackCache cache = open();
    fetch(cache, cloneRequest(main));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertEquals(Result.BYPASS, cache.serve(NAME, repo, true, V2,
        new ByteArrayInputStream(cloneRequest(main)), responder(out, this::runUploadPack)));
    assertEquals(Result.HIT, fetch(cache, cloneRequest(main)).result(), "stored before");
  }

  @Test
  void aFailedUpload_storesNothing() throws Exception {
    PackCache cache = open();
    Result r = cache.serve(NAME, repo, false, V2, new ByteArrayInputStream(cloneRequest(main)),
        responder(new ByteArrayOutputStream(), (in, out) -> {
          runUploadPack(in, out);
          return false; // as when upload-pack threw
        }));
    assertEquals(Result.MISS, r);
    assertEquals(0, cache.memoryEntries());
    assertEquals(Result.MISS, fetch(cache, cloneRequest(main)).result());
  }

  @Test
  void aResponseComputedWhileTheRefsMoved_isNotStored() throws Exception {
    PackCache cache = open();
    cache.serve(NAME, repo, false, V2, new ByteArrayInputStream(cloneRequest(main)),
        responder(new ByteArrayOutputStream(), (in, out) -> {
          assertTrue(runUploadPack(in, out));
          upstream.commit("acme/lib", "feature", Map.of("f.txt", "f\n"), "meanwhile");
          return true;
        }));
    assertEquals(0, cache.memoryEntries());
  }

  @Test
  void aSyncThatMovesOnlyHead_makesTheRefsBeReadAgain() throws Exception {
    upstream.commit("acme/lib", "other", Map.of("o.txt", "o\n"), "other");
    PackCache cache = open();
    fetch(cache, cloneRequest(main));
    upstream.git("acme/lib", "symbolic-ref", "HEAD", "refs/heads/other").assertOk();
    cache.syncListener().onSync(new SyncResult(NAME, SyncResult.Outcome.UNCHANGED, List.of(),
        List.of(), Duration.ZERO, Optional.empty(), false), Set.of(Trigger.SCHEDULE));
    assertEquals(Result.MISS, fetch(cache, cloneRequest(main)).result(),
        "another HEAD, another listing: the old entry is not reachable");
  }

  @Test
  void refsAreReadOncePerSync_andASyncMakesOldEntriesUnreachable() throws Exception {
    PackCache cache = open();
    fetch(cache, cloneRequest(main));
    upstream.commit("acme/lib", "feature", Map.of("f.txt", "f\n"), "elsewhere");
    assertEquals(Result.HIT, fetch(cache, cloneRequest(main)).result(),
        "only syncs change a mirror's refs; until one says so, the refs read last still count");
    cache.invalidate(NAME); // what the sync listener does after every sync
    assertEquals(Result.MISS, fetch(cache, cloneRequest(main)).result());
    assertEquals(Result.HIT, fetch(cache, cloneRequest(main)).result());
  }

  @Test
  void bypassedBodies_reachUploadPackUnchanged_largeOnesAndFailingOnesToo() throws Exception {
    PackCache cache = open();
    byte[] big = new byte[PackCache.MAX_REQUEST + 5000];
    new java.util.Random(1).nextBytes(big);
    List<byte[]> seen = new ArrayList<>();
    assertEquals(Result.BYPASS, cache.serve(NAME, repo, false, V2, new ByteArrayInputStream(big),
        responder(new ByteArrayOutputStream(), (in, out) -> seen.add(in.readAllBytes()))));
    assertArrayEquals(big, seen.get(0));
    IOException boom = new IOException("client went away");
    InputStream failing = new InputStream() {
      int n;

      @Override
      public int read() throws IOException {
        if (n == 10) {
          throw boom;
        }
        return cloneRequest(main)[n++] & 0xff;
      }
    };
    assertEquals(Result.BYPASS, cache.serve(NAME, repo, false, V2, failing,
        responder(new ByteArrayOutputStream(), (in, out) -> {
          assertArrayEquals(java.util.Arrays.copyOf(cloneRequest(main), 10), in.readNBytes(10));
          assertEquals(boom, assertThrows(IOException.class, in::read));
          return false;
        })));
  }

  @Test
  void bypassedBodies_passSkipToTheOriginalStream_onceTheBufferedBytesAreRead()
      throws Exception {
    PackCache cache = open();
    List<Long> skips = new ArrayList<>();
    InputStream original = new java.io.FilterInputStream(
        new ByteArrayInputStream(new byte[PackCache.MAX_REQUEST * 2])) {
      @Override
      public long skip(long n) throws IOException {
        skips.add(n);
        return super.skip(n);
      }
    };
    cache.serve(NAME, repo, false, V2, original,
        responder(new ByteArrayOutputStream(), (in, out) -> {
          assertEquals(100, in.skip(100), "within the buffered bytes");
          assertEquals(List.of(), skips);
          in.readNBytes(PackCache.MAX_REQUEST + 1 - 100);
          assertEquals(2048, in.skip(2048));
          return false;
        }));
    assertEquals(List.of(2048L), skips, "upload-pack drains a refused body this way");
  }

  @Test
  void aDisabledCache_passesTheBodyThroughWithoutReadingIt() throws Exception {
    PackCache off = PackCache.open(PackCacheConfig.OFF, dir.resolve("never"),
        (r, request) -> results.add(r));
    InputStream body = new ByteArrayInputStream(cloneRequest(main));
    List<InputStream> given = new ArrayList<>();
    assertEquals(Result.BYPASS, off.serve(NAME, repo, false, V2, body,
        responder(new ByteArrayOutputStream(), (in, out) -> given.add(in))));
    assertSame(body, given.get(0));
    assertEquals(List.of(), results, "nothing counted");
    assertFalse(Files.exists(dir.resolve("never")));
  }

  // ------------------------------------------------------------------------------ failures

  @Test
  void aDiskThatCannotBeWritten_neverFailsARequest() throws Exception {
    PackCache cache = open(64L << 20, 100);
    Path tmp = dir.resolve("pack-cache/tmp");
    Files.delete(tmp);
    Files.writeString(tmp, "a file where the folder should be");

    Response first = fetch(cache, cloneRequest(main));
    Response second = fetch(cache, cloneRequest(main));

    assertEquals(Result.MISS, second.result(), "nothing could be stored");
    assertArrayEquals(first.body(), second.body());
    assertTrue(first.body().length > 1000);
    Response small = fetch(cache, PktLines.of("command=fetch", "0001", "want " + main, "done",
        "0000"));
    assertTrue(small.body().length > 1000, "served in full");
  }

  // ------------------------------------------------------------------------------ single flight

  @Test
  void concurrentIdenticalMisses_oneRunsUploadPack_theOthersServeItsResponse() throws Exception {
    PackCache cache = open();
    CompletableFuture<Void> followersWaiting = new CompletableFuture<>();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    CompletableFuture<Result> leader = leaderInThread(cache, out, (in, o) -> {
      followersWaiting.join();
      return runUploadPack(in, o);
    });
    List<CompletableFuture<Response>> followers = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      CompletableFuture<Response> f = new CompletableFuture<>();
      threads.add(fetchInThread(cache, cloneRequest(main), f));
      followers.add(f);
    }
    for (Thread t : threads) {
      awaitBlocked(t);
    }
    followersWaiting.complete(null);
    assertEquals(Result.MISS, leader.get());
    for (CompletableFuture<Response> f : followers) {
      Response r = f.get();
      assertEquals(Result.HIT, r.result());
      assertArrayEquals(out.toByteArray(), r.body());
    }
  }

  @Test
  void whenTheLeaderFails_aFollowerComputesAndStoresTheResponse() throws Exception {
    PackCache cache = open();
    CompletableFuture<Void> followerWaiting = new CompletableFuture<>();
    CompletableFuture<Result> leader = leaderInThread(cache, new ByteArrayOutputStream(),
        (in, o) -> {
          followerWaiting.join();
          return false; // the leader's client went away
        });
    CompletableFuture<Response> follower = new CompletableFuture<>();
    Thread t = fetchInThread(cache, cloneRequest(main), follower);
    awaitBlocked(t);
    followerWaiting.complete(null);

    assertEquals(Result.MISS, leader.get());
    assertEquals(Result.MISS, follower.get().result());
    assertEquals(Result.HIT, fetch(cache, cloneRequest(main)).result());
  }

  /**
   * Starts a clone request whose upload-pack is {@code upload}, and returns once it leads the
   * single flight (it is inside upload-pack, so its flight is registered).
   */
  private CompletableFuture<Result> leaderInThread(PackCache cache, OutputStream out,
      Upload upload) throws InterruptedException {
    CompletableFuture<Result> result = new CompletableFuture<>();
    java.util.concurrent.CountDownLatch leading = new java.util.concurrent.CountDownLatch(1);
    new Thread(() -> {
      try {
        result.complete(cache.serve(NAME, repo, false, V2,
            new ByteArrayInputStream(cloneRequest(main)), responder(out, (in, o) -> {
              leading.countDown();
              return upload.run(in, o);
            })));
      } catch (Throwable e) {
        result.completeExceptionally(e);
      }
    }).start();
    leading.await();
    return result;
  }

  /** Starts a thread that fetches {@code request} and completes {@code result} with it. */
  private Thread fetchInThread(PackCache cache, byte[] request,
      CompletableFuture<Response> result) {
    Thread t = new Thread(() -> {
      try {
        result.complete(fetch(cache, request));
      } catch (Throwable e) {
        result.completeExceptionally(e);
      }
    });
    t.start();
    return t;
  }

  /** Waits until {@code t} is parked (waiting for the leader); no time is measured. */
  private static void awaitBlocked(Thread t) throws InterruptedException {
    while (t.getState() != Thread.State.WAITING && t.getState() != Thread.State.TIMED_WAITING) {
      assertTrue(t.isAlive(), "the follower finished without waiting");
      Thread.sleep(5);
    }
  }
}
