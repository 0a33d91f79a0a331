package io.gitedge.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitedge.testing.ClientProcess;
import io.gitedge.testing.HttpBackendServer;
import io.gitedge.testing.HttpStub;
import io.gitedge.testing.OpenSshServer;
import io.gitedge.testing.ProcessResult;
import io.gitedge.testing.Requires;
import io.gitedge.testing.TestUpstream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The store against a real C git upstream ({@code file://} and http-backend). */
class MirrorStoreTest {
  @TempDir Path dir;
  private TestUpstream upstream;
  private MirrorStore store;
  private MirrorName lib;
  private Upstream libUpstream;

  @BeforeEach
  void setUp() throws Exception {
    upstream = TestUpstream.create(dir);
    upstream.createRepo("acme/lib");
    String c1 = upstream.commit("acme/lib", "main",
        Map.of("go.mod", "module github.com/acme/lib\n"), "first");
    upstream.tag("acme/lib", "v1.0.0", c1, false);
    upstream.commit("acme/lib", "dev", Map.of("dev.txt", "dev\n"), "dev work");
    store = MirrorStore.open(StoreConfig.defaults(dir.resolve("mirrors")));
    lib = MirrorName.parse("github.com/acme/lib");
    libUpstream = new Upstream(upstream.fileUrl() + "/acme/lib.git", Optional.empty());
  }

  @AfterEach
  void tearDown() {
    store.close();
    upstream.close();
  }

  private Map<String, String> mirrorRefs(MirrorName name) throws IOException {
    Repository r = store.find(name).orElseThrow().repository();
    Map<String, String> refs = new LinkedHashMap<>();
    for (Ref ref : r.getRefDatabase().getRefsByPrefix(Constants.R_REFS)) {
      refs.put(ref.getName(), ref.getObjectId().name());
    }
    return refs;
  }

  // ---------------------------------------------------------------- create

  @Test
  void aNewMirror_isRepackedWithABitmapAndACommitGraph_thatGitAcceptsAndJGitReads()
      throws Exception {
    assertEquals(SyncResult.Outcome.CREATED, store.sync(lib, libUpstream).outcome());
    Path dir = store.find(lib).orElseThrow().repository().getDirectory().toPath();
    assertTrue(Files.exists(dir.resolve("objects/info/commit-graph")), "commit-graph written");
    try (var packs = Files.list(dir.resolve("objects/pack"))) {
      assertTrue(packs.anyMatch(p -> p.toString().endsWith(".bitmap")), "bitmap written");
    }
    ProcessResult verify = ClientProcess.run(dir, ClientProcess.baseEnvironment(),
        List.of("git", "commit-graph", "verify"), null);
    assertEquals(0, verify.exitCode(), verify.stderr());
    ProcessResult config = ClientProcess.run(dir, ClientProcess.baseEnvironment(),
        List.of("git", "config", "--local", "--get", "core.commitGraph"), null);
    assertEquals("true", config.stdout().trim());
  }

  @Test
  void firstSync_createsAMirrorWithTheUpstreamsBranchesTagsAndHead() throws Exception {
    upstream.git("acme/lib", "update-ref", "refs/pull/1/head", "refs/heads/dev").assertOk();

    SyncResult r = store.sync(lib, libUpstream);

    assertEquals(SyncResult.Outcome.CREATED, r.outcome(), r.toString());
    Map<String, String> expected = new LinkedHashMap<>(upstream.refs("acme/lib"));
    expected.remove("refs/pull/1/head");
    assertEquals(expected, mirrorRefs(lib));
    Repository repo = store.find(lib).orElseThrow().repository();
    assertEquals("refs/heads/main", repo.exactRef("HEAD").getTarget().getName());
    assertTrue(Files.isDirectory(dir.resolve("mirrors/github.com/acme/lib.git")));
    try (Stream<Path> s = Files.list(dir.resolve("mirrors/github.com/acme/lib.git/objects/pack"))) {
      assertTrue(s.anyMatch(p -> p.toString().endsWith(".bitmap")), "clones need a bitmap");
    }
    MirrorState state = store.state(lib).orElseThrow();
    assertEquals(libUpstream.url(), state.upstreamUrl());
    assertTrue(state.lastSuccess().isPresent());
    assertTrue(state.lastError().isEmpty());
  }

  @Test
  void failedFirstSync_leavesNoMirrorAndNoScratch() throws Exception {
    Upstream missing = new Upstream(upstream.fileUrl() + "/acme/nope.git", Optional.empty());

    SyncResult r = store.sync(lib, missing);

    assertEquals(SyncResult.Outcome.FAILED, r.outcome());
    assertTrue(store.find(lib).isEmpty());
    assertFalse(Files.exists(dir.resolve("mirrors/github.com/acme/lib.git")));
    try (Stream<Path> s = Files.list(dir.resolve("mirrors/.incoming"))) {
      assertEquals(0, s.count());
    }
    assertTrue(store.state(lib).orElseThrow().lastError().isPresent());
  }

  // ---------------------------------------------------------------- update

  @Test
  void laterSync_followsNewCommitsForcePushesAndDeletions() throws Exception {
    store.sync(lib, libUpstream);
    upstream.commit("acme/lib", "main", Map.of("a.go", "package lib\n"), "second");
    upstream.git("acme/lib", "update-ref", "refs/heads/dev", "refs/heads/main~1").assertOk();
    upstream.git("acme/lib", "branch", "-D", "dev").assertOk();
    upstream.commit("acme/lib", "feature", Map.of("f.txt", "f\n"), "feature");

    SyncResult r = store.sync(lib, libUpstream);

    assertEquals(SyncResult.Outcome.UPDATED, r.outcome(), r.toString());
    assertEquals(upstream.refs("acme/lib"), mirrorRefs(lib));
    assertFalse(mirrorRefs(lib).containsKey("refs/heads/dev"));
  }

  @Test
  void syncWithNothingNew_isUnchanged_andRefreshesLastSuccess() throws Exception {
    store.sync(lib, libUpstream);
    var first = store.state(lib).orElseThrow().lastSuccess().orElseThrow();

    SyncResult r = store.sync(lib, libUpstream);

    assertEquals(SyncResult.Outcome.UNCHANGED, r.outcome());
    assertTrue(store.state(lib).orElseThrow().lastSuccess().orElseThrow().isAfter(first));
  }

  @Test
  void headFollowsTheUpstreamsDefaultBranch() throws Exception {
    store.sync(lib, libUpstream);
    upstream.git("acme/lib", "symbolic-ref", "HEAD", "refs/heads/dev").assertOk();

    store.sync(lib, libUpstream);

    assertEquals("refs/heads/dev",
        store.find(lib).orElseThrow().repository().exactRef("HEAD").getTarget().getName());
  }

  /** Whether the newest pack, the one a fetch or a repack just wrote, has a bitmap. */
  private boolean newestPackHasBitmap() throws IOException {
    try (Stream<Path> s = Files.list(dir.resolve("mirrors/github.com/acme/lib.git/objects/pack"))) {
      Path newest = s.filter(p -> p.toString().endsWith(".pack"))
          .max(java.util.Comparator.comparingLong(p -> p.toFile().lastModified())).orElseThrow();
      return Files.exists(Path.of(newest.toString().replaceAll("\\.pack$", ".bitmap")));
    }
  }

  @Test
  void largeFetch_isRepackedWithABitmap_butASmallOneIsNot() throws Exception {
    store.sync(lib, libUpstream);
    byte[] noise = new byte[256 * 1024];
    new java.util.Random(42).nextBytes(noise);
    upstream.commit("acme/lib", "main",
        Map.of("blob.bin", java.util.Base64.getEncoder().encodeToString(noise)), "big");

    assertEquals(SyncResult.Outcome.UPDATED, store.sync(lib, libUpstream).outcome());
    assertTrue(newestPackHasBitmap(), "a large fetch must end in a bitmapped pack");

    upstream.commit("acme/lib", "main", Map.of("small.txt", "x\n"), "small");
    assertEquals(SyncResult.Outcome.UPDATED, store.sync(lib, libUpstream).outcome());
    assertFalse(newestPackHasBitmap(), "a small fetch is not worth a repack");
    assertEquals(upstream.refs("acme/lib"), mirrorRefs(lib));
  }

  // ---------------------------------------------------------------- failure and atomicity

  /** Catalogue row R02: stale locks fail the sync visibly, then are cleared, then it works. */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"packed-refs.lock",
      "refs/heads/main.lock"})
  void r02_staleLock_failsTheSyncWithTheLockReason_changesNoRef_andIsClearedForTheNext(String name)
      throws Exception {
    store.sync(lib, libUpstream);
    Map<String, String> before = mirrorRefs(lib);
    upstream.commit("acme/lib", "main", Map.of("b.txt", "b\n"), "main moves");
    upstream.commit("acme/lib", "dev", Map.of("c.txt", "c\n"), "dev moves");
    Path lock = dir.resolve("mirrors/github.com/acme/lib.git").resolve(name);
    Files.createDirectories(lock.getParent());
    Files.writeString(lock, "");

    SyncResult r = store.sync(lib, libUpstream);

    assertEquals(SyncResult.Outcome.FAILED, r.outcome(), r.toString());
    assertEquals(before, mirrorRefs(lib), "a failed sync must not change any ref");
    String error = store.state(lib).orElseThrow().lastError().orElseThrow();
    assertTrue(error.contains("refused") && error.contains("LOCK_FAILURE"), error);
    assertFalse(Files.exists(lock), "the stale lock is cleared after the failure");

    assertEquals(SyncResult.Outcome.UPDATED, store.sync(lib, libUpstream).outcome());
    assertEquals(upstream.refs("acme/lib"), mirrorRefs(lib));
  }

  @Test
  void unreachableUpstream_keepsTheMirrorAndItsLastSuccess() throws Exception {
    store.sync(lib, libUpstream);
    Map<String, String> before = mirrorRefs(lib);
    var lastSuccess = store.state(lib).orElseThrow().lastSuccess();

    SyncResult r = store.sync(lib, new Upstream("http://127.0.0.1:9/acme/lib.git",
        Optional.empty()));

    assertEquals(SyncResult.Outcome.FAILED, r.outcome());
    assertEquals(before, mirrorRefs(lib));
    MirrorState s = store.state(lib).orElseThrow();
    assertEquals(lastSuccess, s.lastSuccess());
    assertTrue(s.lastError().isPresent());
  }

  /**
   * R04: every way an upstream can be down fails the sync, records why, and leaves the mirror
   * and its last success as they were.
   */
  @ParameterizedTest
  @ValueSource(strings = {"connection refused", "unknown host", "HTTP 500", "HTTP 401",
      "TLS to a plain HTTP port", "not a Git server"})
  void r04_anUpstreamThatIsDown_failsTheSync_andKeepsTheMirror(String how) throws Exception {
    store.sync(lib, libUpstream);
    Map<String, String> before = mirrorRefs(lib);
    var lastSuccess = store.state(lib).orElseThrow().lastSuccess();
    // a plain HTTP server never answers a TLS hello: the fetch timeout ends that case
    store.close();
    store = MirrorStore.open(new StoreConfig(dir.resolve("mirrors"), Duration.ofSeconds(2),
        StoreConfig.DEFAULT_REPACK_AFTER_PACKS, IngestLimits.DEFAULT,
        StoreConfig.DEFAULT_MAX_FETCH_TIME));
    try (HttpStub stub = HttpStub.start()) {
      String infoRefs = "/acme/lib.git/info/refs";
      stub.route("GET", infoRefs, r -> switch (how) {
        case "HTTP 500" -> new HttpStub.Response(500, "{}");
        case "HTTP 401" -> new HttpStub.Response(401, "{}");
        default -> HttpStub.Response.ok("{\"not\": \"git\"}");
      });
      String url = switch (how) {
        case "connection refused" -> "http://127.0.0.1:9/acme/lib.git";
        case "unknown host" -> "http://no-such-host.invalid/acme/lib.git";
        case "TLS to a plain HTTP port" -> stub.url("/acme/lib.git").replace("http:", "https:");
        default -> stub.url("/acme/lib.git");
      };

      SyncResult r = store.sync(lib, new Upstream(url, Optional.empty()));

      assertEquals(SyncResult.Outcome.FAILED, r.outcome(), how);
      assertEquals(before, mirrorRefs(lib));
      MirrorState s = store.state(lib).orElseThrow();
      assertEquals(lastSuccess, s.lastSuccess());
      assertTrue(s.lastError().orElseThrow().contains("acme/lib.git"), s.lastError().get());
    }
  }

  /**
   * R05: an upstream that accepts the connection and then says nothing (or stops mid-answer) is
   * given up on after fetchTimeout of silence; the mirror keeps its state.
   */
  @ParameterizedTest
  @ValueSource(strings = {"silent", "stalls mid-answer"})
  @Timeout(60)
  void aHangingUpstream_failsTheSyncAfterTheFetchTimeout_andChangesNothing(String how)
      throws Exception {
    store.sync(lib, libUpstream);
    Map<String, String> before = mirrorRefs(lib);
    store.close();
    store = MirrorStore.open(new StoreConfig(dir.resolve("mirrors"), Duration.ofSeconds(1),
        StoreConfig.DEFAULT_REPACK_AFTER_PACKS, IngestLimits.DEFAULT,
        StoreConfig.DEFAULT_MAX_FETCH_TIME));
    try (ServerSocket hanging = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      List<Socket> held = new java.util.concurrent.CopyOnWriteArrayList<>();
      Thread acceptor = new Thread(() -> {
        try {
          while (true) {
            Socket c = hanging.accept();
            held.add(c);
            if (how.startsWith("stalls")) {
              c.getOutputStream().write(("HTTP/1.1 200 OK\r\nContent-Type: application/"
                  + "x-git-upload-pack-advertisement\r\nContent-Length: 1000\r\n\r\n"
                  + "001e# service=git-upload-pack\n").getBytes(StandardCharsets.US_ASCII));
              c.getOutputStream().flush();
            }
          }
        } catch (IOException closed) {
          // the test is over
        }
      });
      acceptor.setDaemon(true);
      acceptor.start();

      SyncResult r = store.sync(lib, new Upstream("http://127.0.0.1:" + hanging.getLocalPort()
          + "/acme/lib.git", Optional.empty()));

      assertEquals(SyncResult.Outcome.FAILED, r.outcome());
      assertTrue(r.error().orElseThrow().toLowerCase().contains("timed out")
          || r.error().orElseThrow().toLowerCase().contains("timeout"), r.error().orElseThrow());
      assertEquals(before, mirrorRefs(lib));
      for (Socket c : held) {
        c.close();
      }
    }
  }

  @Test
  void secondStoreOnTheSameFolder_isRefused() {
    IOException e = assertThrows(IOException.class,
        () -> MirrorStore.open(StoreConfig.defaults(dir.resolve("mirrors"))));
    assertTrue(e.getMessage().contains("in use by another gitedge process"), e.getMessage());
  }

  @Test
  void leftoverScratchFromACrash_isRemovedAtOpen() throws Exception {
    store.close();
    Path leftover = Files.createDirectories(dir.resolve("mirrors/.incoming/dead.git/objects"));
    store = MirrorStore.open(StoreConfig.defaults(dir.resolve("mirrors")));
    assertFalse(Files.exists(leftover));
  }

  @Test
  void locksAndTemporaryPacksOfAKilledSync_areRemovedAtOpen_soSyncsWorkAgain() throws Exception {
    store.sync(lib, libUpstream);
    store.close();
    Path git = dir.resolve("mirrors/github.com/acme/lib.git");
    List<Path> leftovers = List.of(git.resolve("packed-refs.lock"),
        git.resolve("refs/heads/main.lock"), git.resolve("objects/pack/incoming_42.pack"),
        git.resolve("objects/incoming_43.pack"), git.resolve("objects/incoming_43.idx"),
        git.resolve("objects/pack/pack-0000.keep"), git.resolve("gitedge-state.properties.tmp"));
    for (Path p : leftovers) {
      Files.createDirectories(p.getParent());
      Files.writeString(p, "left by kill -9");
    }
    upstream.commit("acme/lib", "main", Map.of("after.txt", "x\n"), "after the crash");

    store = MirrorStore.open(StoreConfig.defaults(dir.resolve("mirrors")));

    for (Path p : leftovers) {
      assertFalse(Files.exists(p), p + " should be gone");
    }
    assertEquals(SyncResult.Outcome.UPDATED, store.sync(lib, libUpstream).outcome());
    assertEquals(upstream.refs("acme/lib"), mirrorRefs(lib));
  }

  @Test
  void stateSurvivesARestart() throws Exception {
    store.sync(lib, libUpstream);
    MirrorState s = store.state(lib).orElseThrow();
    store.close();
    store = MirrorStore.open(StoreConfig.defaults(dir.resolve("mirrors")));
    assertEquals(s, store.state(lib).orElseThrow());
  }

  @Test
  void aSyncFromAMovedUpstream_recordsTheNewUpstream() throws Exception {
    store.sync(lib, libUpstream);
    Path moved = dir.resolve("moved.git");
    upstream.git("acme/lib", "clone", "--bare", "--quiet", ".", moved.toString()).assertOk();
    Upstream elsewhere = new Upstream("file://" + moved, Optional.empty());

    assertEquals(SyncResult.Outcome.UNCHANGED, store.sync(lib, elsewhere).outcome());

    assertEquals(elsewhere.url(), store.state(lib).orElseThrow().upstreamUrl());
  }

  // ---------------------------------------------------------------- HTTP upstream

  @Test
  void httpUpstreamWithToken_isFetchedWithTheTokenFromItsFile() throws Exception {
    HttpBackendServer http = upstream.serveHttp("x-access-token", "s3cret-upstream-token");
    Path tokenFile = Files.writeString(dir.resolve("acme.token"), "s3cret-upstream-token\n");
    Upstream good = new Upstream(http.url() + "/acme/lib.git",
        Optional.of(new Upstream.Token("x-access-token", tokenFile)));

    assertEquals(SyncResult.Outcome.CREATED, store.sync(lib, good).outcome());
    assertEquals(upstream.refs("acme/lib"), mirrorRefs(lib));

    Files.writeString(tokenFile, "wrong-token\n");
    upstream.commit("acme/lib", "main", Map.of("x", "x"), "more");
    SyncResult bad = store.sync(lib, good);
    assertEquals(SyncResult.Outcome.FAILED, bad.outcome());
    assertFalse(bad.error().orElseThrow().contains("wrong-token"), bad.error().get());
  }

  @Test
  void aPushBetweenTheSyncsListingAndItsFetch_leavesTheMirrorAtOneStateTheUpstreamHad()
      throws Exception {
    HttpBackendServer http = upstream.serveHttp(null, null);
    Upstream viaHttp = new Upstream(http.url() + "/acme/lib.git", Optional.empty());
    assertEquals(SyncResult.Outcome.CREATED, store.sync(lib, viaHttp).outcome());
    upstream.commit("acme/lib", "main", Map.of("a.txt", "a\n"), "A");
    Map<String, String> before = upstream.refs("acme/lib");
    AtomicInteger posts = new AtomicInteger();
    AtomicReference<Map<String, String>> after = new AtomicReference<>();
    // the upstream's second state, pushed while the sync's first POST (its listing) is answered
    // and its next one is not: main moves again and a tag is created at the new commit, as one
    // push (nobody reads the upstream while this hook runs)
    http.beforeAnswering(line -> {
      if (line.startsWith("POST ") && posts.incrementAndGet() == 2) {
        String b = upstream.git("acme/lib", "commit-tree", "main^{tree}", "-p", "main", "-m",
            "B").assertOk().stdout().trim();
        upstream.git("acme/lib", "update-ref", "refs/heads/main", b).assertOk();
        upstream.tag("acme/lib", "v1.1.0", b, false);
        after.set(upstream.refs("acme/lib"));
      }
    });

    SyncResult r = store.sync(lib, viaHttp);

    assertEquals(SyncResult.Outcome.UPDATED, r.outcome(), r.toString());
    assertNotNull(after.get(), "the upstream was not pushed to during the sync: "
        + http.requests());
    Map<String, String> mirrored = new TreeMap<>(mirrorRefs(lib));
    assertTrue(mirrored.equals(new TreeMap<>(before))
        || mirrored.equals(new TreeMap<>(after.get())),
        "the mirror's refs " + mirrored + " are neither the upstream's state before the push "
        + new TreeMap<>(before) + " nor after it " + new TreeMap<>(after.get()));
    http.beforeAnswering(line -> { });
    assertEquals(SyncResult.Outcome.UPDATED, store.sync(lib, viaHttp).outcome());
    assertEquals(new TreeMap<>(after.get()), new TreeMap<>(mirrorRefs(lib)),
        "the next sync takes the second state whole");
  }

  /**
   * The fleet serves v9.0.0 at the mirror's first commit; the upstream has it at a newer one
   * (moved after another region mirrored it); the announcement reaches this region while the
   * upstream answers this sync's listing (its first POST) or its fetch (the second).
   */
  @ParameterizedTest(name = "announced during POST {0}")
  @ValueSource(ints = {1, 2})
  void aTagTheFleetAnnouncedDuringTheSync_isTakenAtTheFleetsCommit(int post)
      throws Exception {
    String fleets = upstream.refs("acme/lib").get("refs/heads/main");
    AtomicReference<Map<String, ObjectId>> heard = new AtomicReference<>(Map.of());
    try (MirrorStore fleetStore = MirrorStore.open(StoreConfig.defaults(dir.resolve("region")),
        name -> heard.get())) {
      HttpBackendServer http = upstream.serveHttp(null, null);
      Upstream viaHttp = new Upstream(http.url() + "/acme/lib.git", Optional.empty());
      assertEquals(SyncResult.Outcome.CREATED, fleetStore.sync(lib, viaHttp).outcome());
      String moved = upstream.commit("acme/lib", "main", Map.of("b.txt", "b\n"), "B");
      upstream.tag("acme/lib", "v9.0.0", moved, false);
      AtomicInteger posts = new AtomicInteger();
      http.beforeAnswering(line -> {
        if (line.startsWith("POST ") && posts.incrementAndGet() == post) {
          heard.set(Map.of("refs/tags/v9.0.0", ObjectId.fromString(fleets)));
        }
      });

      SyncResult r = fleetStore.sync(lib, viaHttp);

      assertEquals(SyncResult.Outcome.UPDATED, r.outcome(), r.toString());
      Repository repo = fleetStore.find(lib).orElseThrow().repository();
      assertEquals(fleets, repo.exactRef("refs/tags/v9.0.0").getObjectId().name(),
          "the tag must be at the commit the fleet announced before the refs changed, not at"
          + " the upstream's " + moved + " (requests: " + http.requests() + ")");
    }
  }

  // ---------------------------------------------------------------- SSH upstream

  @Test
  void sshUpstream_isFetchedWithItsKey_fromAHostListedInKnownHosts() throws Exception {
    Requires.that(OpenSshServer.available(), OpenSshServer.NEEDS);
    try (OpenSshServer sshd = OpenSshServer.start(dir.resolve("sshd"))) {
      Path knownHosts = Files.writeString(dir.resolve("known_hosts"), sshd.knownHostsLine() + "\n");
      Upstream ssh = new Upstream(sshd.url(upstream.bare("acme/lib")),
          Optional.of(new Upstream.SshKey(sshd.clientKey(), knownHosts)));

      SyncResult r = store.sync(lib, ssh);

      assertEquals(SyncResult.Outcome.CREATED, r.outcome(), r.toString());
      assertEquals(upstream.refs("acme/lib"), mirrorRefs(lib));
      String pushed = upstream.commit("acme/lib", "main", Map.of("ssh.txt", "x\n"), "over ssh");
      assertEquals(SyncResult.Outcome.UPDATED, store.sync(lib, ssh).outcome());
      assertEquals(pushed, mirrorRefs(lib).get("refs/heads/main"));
    }
  }

  @Test
  void sshUpstreamWithAnUnknownHostKey_failsAndChangesNothing() throws Exception {
    Requires.that(OpenSshServer.available(), OpenSshServer.NEEDS);
    store.sync(lib, libUpstream);
    Map<String, String> before = mirrorRefs(lib);
    upstream.commit("acme/lib", "main", Map.of("mitm.txt", "x\n"), "should not arrive");
    try (OpenSshServer sshd = OpenSshServer.start(dir.resolve("sshd"))) {
      Path knownHosts = Files.writeString(dir.resolve("known_hosts"),
          "[127.0.0.1]:" + sshd.port() + " ssh-ed25519 "
              + "AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl\n");
      Upstream ssh = new Upstream(sshd.url(upstream.bare("acme/lib")),
          Optional.of(new Upstream.SshKey(sshd.clientKey(), knownHosts)));

      SyncResult r = store.sync(lib, ssh);

      assertEquals(SyncResult.Outcome.FAILED, r.outcome(), r.toString());
      assertTrue(r.error().orElseThrow().contains("Server key did not validate"), r.toString());
      assertEquals(before, mirrorRefs(lib));
    }
  }
}
