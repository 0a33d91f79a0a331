package io.gitedge.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitedge.testing.ProcessResult;
import io.gitedge.testing.TestUpstream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a sync lets the upstream do to a mirror (catalogue rows R06 and the ingest checks): tags
 * stay where they were first seen unless the policy says follow, branches follow, a sync that
 * would empty the mirror is held, and malformed or oversized upstream data changes nothing.
 * Against a real C git upstream.
 */
class MirrorPolicyTest {
  @TempDir Path dir;
  private TestUpstream upstream;
  private MirrorStore store;
  private MirrorName lib;
  private Upstream libUpstream;
  private String first;

  @BeforeEach
  void setUp() throws Exception {
    upstream = TestUpstream.create(dir);
    upstream.createRepo("acme/lib");
    first = upstream.commit("acme/lib", "main", Map.of("go.mod", "module github.com/acme/lib\n"),
        "first");
    upstream.tag("acme/lib", "v1.0.0", first, false);
    upstream.annotatedTag("acme/lib", "v1.1.0", first);
    store = MirrorStore.open(StoreConfig.defaults(dir.resolve("mirrors")));
    lib = MirrorName.parse("github.com/acme/lib");
    libUpstream = new Upstream(upstream.fileUrl() + "/acme/lib.git", Optional.empty());
  }

  @AfterEach
  void tearDown() {
    store.close();
    upstream.close();
  }

  private Map<String, String> mirrorRefs() throws IOException {
    Repository r = store.find(lib).orElseThrow().repository();
    Map<String, String> refs = new LinkedHashMap<>();
    for (Ref ref : r.getRefDatabase().getRefsByPrefix(Constants.R_REFS)) {
      refs.put(ref.getName(), ref.getObjectId().name());
    }
    return refs;
  }

  private SyncResult sync(MirrorPolicy.TagPolicy tags) {
    return store.sync(lib, libUpstream, new MirrorPolicy(tags));
  }

  // ---------------------------------------------------------------- tags

  @Test
  void immutableTags_keepTheirFirstCommit_whenTheUpstreamMovesOrDeletesThem() throws Exception {
    sync(MirrorPolicy.TagPolicy.IMMUTABLE);
    Map<String, String> mirrored = mirrorRefs();
    String second = upstream.commit("acme/lib", "main", Map.of("evil.go", "package lib\n"),
        "rewritten release");
    upstream.tag("acme/lib", "v1.0.0", second, true);
    upstream.git("acme/lib", "tag", "-d", "v1.1.0").assertOk();
    upstream.tag("acme/lib", "v1.2.0", second, false);

    SyncResult r = sync(MirrorPolicy.TagPolicy.IMMUTABLE);

    assertEquals(SyncResult.Outcome.UPDATED, r.outcome(), r.toString());
    Map<String, String> now = mirrorRefs();
    assertEquals(mirrored.get("refs/tags/v1.0.0"), now.get("refs/tags/v1.0.0"));
    assertEquals(mirrored.get("refs/tags/v1.1.0"), now.get("refs/tags/v1.1.0"));
    assertEquals(second, now.get("refs/heads/main"), "branches still follow");
    assertEquals(second, now.get("refs/tags/v1.2.0"), "new tags still arrive");
    List<TagConflict> conflicts = store.state(lib).orElseThrow().tagConflicts();
    assertEquals(2, conflicts.size(), conflicts.toString());
    TagConflict moved = conflicts.stream().filter(c -> c.ref().equals("refs/tags/v1.0.0"))
        .findFirst().orElseThrow();
    assertEquals(first, moved.keptId());
    assertEquals(second, moved.upstreamId());
    assertTrue(conflicts.stream().anyMatch(c -> c.ref().equals("refs/tags/v1.1.0")
        && c.deletedUpstream()), conflicts.toString());
    assertEquals(2, r.newTagConflicts().size());

    SyncResult again = sync(MirrorPolicy.TagPolicy.IMMUTABLE);
    assertEquals(SyncResult.Outcome.UNCHANGED, again.outcome(), "a kept tag is not news");
    assertTrue(again.newTagConflicts().isEmpty());
    assertEquals(conflicts, store.state(lib).orElseThrow().tagConflicts(), "since is kept");
  }

  @Test
  void aConflict_endsWhenTheUpstreamPutsTheTagBack_andSurvivesARestart() throws Exception {
    sync(MirrorPolicy.TagPolicy.IMMUTABLE);
    String second = upstream.commit("acme/lib", "main", Map.of("x", "x\n"), "second");
    upstream.tag("acme/lib", "v1.0.0", second, true);
    sync(MirrorPolicy.TagPolicy.IMMUTABLE);
    store.close();
    store = MirrorStore.open(StoreConfig.defaults(dir.resolve("mirrors")));
    assertEquals(1, store.state(lib).orElseThrow().tagConflicts().size());

    upstream.tag("acme/lib", "v1.0.0", first, true);
    sync(MirrorPolicy.TagPolicy.IMMUTABLE);

    assertTrue(store.state(lib).orElseThrow().tagConflicts().isEmpty());
  }

  @Test
  void followTags_moveAndDeleteTagsAsTheUpstreamDoes() throws Exception {
    sync(MirrorPolicy.TagPolicy.FOLLOW);
    String second = upstream.commit("acme/lib", "main", Map.of("x", "x\n"), "second");
    upstream.tag("acme/lib", "v1.0.0", second, true);
    upstream.git("acme/lib", "tag", "-d", "v1.1.0").assertOk();

    SyncResult r = sync(MirrorPolicy.TagPolicy.FOLLOW);

    assertEquals(SyncResult.Outcome.UPDATED, r.outcome());
    assertEquals(upstream.refs("acme/lib"), mirrorRefs());
    assertTrue(store.state(lib).orElseThrow().tagConflicts().isEmpty());
  }

  // ---------------------------------------------------------------- deletions

  @Test
  void aSyncDeletingMostRefs_isHeld_untilApproved() throws Exception {
    for (String b : List.of("a", "b", "c")) {
      upstream.commit("acme/lib", b, Map.of(b, b), b);
    }
    sync(MirrorPolicy.TagPolicy.FOLLOW);
    Map<String, String> before = mirrorRefs();
    for (String b : List.of("a", "b", "c")) {
      upstream.git("acme/lib", "branch", "-D", b).assertOk();
    }
    upstream.git("acme/lib", "tag", "-d", "v1.0.0").assertOk();

    SyncResult r = sync(MirrorPolicy.TagPolicy.FOLLOW);

    assertEquals(SyncResult.Outcome.HELD, r.outcome(), r.toString());
    assertEquals(before, mirrorRefs(), "a held sync changes nothing");
    MirrorState s = store.state(lib).orElseThrow();
    assertTrue(s.held());
    assertTrue(s.lastError().orElseThrow().contains("would delete 4 of the mirror's 6"),
        s.toString());
    assertEquals(SyncResult.Outcome.HELD, sync(MirrorPolicy.TagPolicy.FOLLOW).outcome(),
        "held until approved");

    store.approveMassDelete(lib);
    assertEquals(SyncResult.Outcome.UPDATED, sync(MirrorPolicy.TagPolicy.FOLLOW).outcome());
    assertEquals(upstream.refs("acme/lib"), mirrorRefs());
    assertFalse(store.state(lib).orElseThrow().held());
  }

  @Test
  void aBranchReplacedByOneWhoseNameWasItsFolder_isMirroredInOneSync() throws Exception {
    upstream.commit("acme/lib", "qa/x", Map.of("qa", "1"), "qa/x");
    sync(MirrorPolicy.TagPolicy.IMMUTABLE);
    upstream.git("acme/lib", "branch", "-D", "qa/x").assertOk();
    upstream.git("acme/lib", "branch", "qa", "main").assertOk();

    SyncResult r = sync(MirrorPolicy.TagPolicy.IMMUTABLE);

    assertEquals(SyncResult.Outcome.UPDATED, r.outcome(), r.toString());
    assertEquals(upstream.refs("acme/lib"), mirrorRefs());
  }

  // ---------------------------------------------------------------- ingest checks

  @Test
  void aMalformedCommitUpstream_failsTheSync_andTheMirrorKeepsItsLastGoodState()
      throws Exception {
    sync(MirrorPolicy.TagPolicy.IMMUTABLE);
    Map<String, String> before = mirrorRefs();
    String tree = upstream.git("acme/lib", "rev-parse", "main^{tree}").assertOk().stdout().trim();
    Path raw = Files.writeString(dir.resolve("bad-commit"), "tree " + tree + "\n"
        + "parent " + first + "\nauthor nobody\ncommitter nobody\n\nno dates, no email\n");
    String bad = upstream.git("acme/lib", "hash-object", "-t", "commit", "-w", "--literally",
        raw.toString()).assertOk().stdout().trim();
    upstream.git("acme/lib", "update-ref", "refs/heads/main", bad).assertOk();

    SyncResult r = sync(MirrorPolicy.TagPolicy.IMMUTABLE);

    assertEquals(SyncResult.Outcome.FAILED, r.outcome(), r.toString());
    assertTrue(r.error().orElseThrow().contains(bad), r.error().get());
    assertEquals(before, mirrorRefs());
    assertFsckClean();
  }

  @Test
  void aFetchBringingMoreObjectsOrBytesThanAllowed_isRefused_andChangesNothing()
      throws Exception {
    sync(MirrorPolicy.TagPolicy.IMMUTABLE);
    Map<String, String> before = mirrorRefs();
    byte[] noise = new byte[64 * 1024];
    new java.util.Random(7).nextBytes(noise);
    upstream.commit("acme/lib", "main", Map.of("a.txt", "a\n", "b.txt", "b\n", "c.txt", "c\n",
        "big.bin", java.util.Base64.getEncoder().encodeToString(noise)), "many");

    store.close();
    store = MirrorStore.open(StoreConfig.defaults(dir.resolve("mirrors"))
        .withIngest(new IngestLimits(3, 1L << 30, true)));
    SyncResult tooMany = sync(MirrorPolicy.TagPolicy.IMMUTABLE);
    assertEquals(SyncResult.Outcome.FAILED, tooMany.outcome());
    assertTrue(tooMany.error().orElseThrow().contains("sync.maxObjects"), tooMany.toString());
    assertEquals(before, mirrorRefs());

    store.close();
    store = MirrorStore.open(StoreConfig.defaults(dir.resolve("mirrors"))
        .withIngest(new IngestLimits(1000, 32 * 1024, true)));
    SyncResult tooBig = sync(MirrorPolicy.TagPolicy.IMMUTABLE);
    assertEquals(SyncResult.Outcome.FAILED, tooBig.outcome());
    assertTrue(tooBig.error().orElseThrow().contains("sync.maxObjectBytes"), tooBig.toString());
    assertEquals(before, mirrorRefs());
    assertFsckClean();

    store.close();
    store = MirrorStore.open(StoreConfig.defaults(dir.resolve("mirrors")));
    assertEquals(SyncResult.Outcome.UPDATED, sync(MirrorPolicy.TagPolicy.IMMUTABLE).outcome());
    assertEquals(upstream.refs("acme/lib"), mirrorRefs());
  }

  private void assertFsckClean() throws IOException {
    Path git = dir.resolve("mirrors/github.com/acme/lib.git");
    ProcessResult fsck = io.gitedge.testing.ClientProcess.run(dir,
        io.gitedge.testing.ClientProcess.baseEnvironment(),
        List.of("git", "--git-dir=" + git, "fsck", "--full", "--strict"), null);
    fsck.assertOk();
    try (var packs = Files.list(git.resolve("objects/pack"))) {
      assertTrue(packs.noneMatch(p -> p.getFileName().toString().startsWith("incoming_")
          || p.getFileName().toString().endsWith(".keep")), "leftover temporary packs");
    }
  }
}
