package io.gitedge.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitedge.testing.TestUpstream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where a sync takes a mirror from besides its upstream: the fleet's copies, whose tags a new
 * mirror keeps (one tag, one commit, in every region, for regions that join later too), and a
 * fallback when the upstream (a nearer region's gateway) is down. Against real C git
 * repositories; another region's mirror is reached by its file URL.
 */
class UpstreamSourcesTest {
  @TempDir Path dir;
  private TestUpstream upstream;
  private MirrorStore eu;
  private MirrorStore ap;
  private MirrorName lib;
  private final Map<String, ObjectId> heard = new java.util.concurrent.ConcurrentHashMap<>();
  private Upstream origin;
  private String first;

  @BeforeEach
  void setUp() throws Exception {
    lib = MirrorName.parse("github.com/acme/lib");
    upstream = TestUpstream.create(dir.resolve("origin"));
    upstream.createRepo("acme/lib");
    first = upstream.commit("acme/lib", "main", Map.of("go.mod", "module github.com/acme/lib\n"),
        "first");
    upstream.tag("acme/lib", "v1.0.0", first, false);
    origin = new Upstream(upstream.fileUrl() + "/acme/lib.git", Optional.empty());
    eu = MirrorStore.open(StoreConfig.defaults(dir.resolve("eu")));
    ap = MirrorStore.open(StoreConfig.defaults(dir.resolve("ap")));
  }

  @AfterEach
  void tearDown() {
    eu.close();
    ap.close();
    upstream.close();
  }

  private Map<String, String> refs(MirrorStore store) throws IOException {
    Map<String, String> refs = new TreeMap<>();
    for (Ref r : store.find(lib).orElseThrow().repository().getRefDatabase()
        .getRefsByPrefix(Constants.R_HEADS, Constants.R_TAGS)) {
      refs.put(r.getName(), r.getObjectId().name());
    }
    return refs;
  }

  private Upstream region(MirrorStore store) throws IOException {
    return new Upstream("file://" + store.find(lib).orElseThrow().repository().getDirectory(),
        Optional.empty());
  }

  /** History rewritten upstream: main and v1.0.0 on a new root, the old commits gone. */
  private String rewriteHistory() {
    String rewritten = upstream.rewriteHistory("acme/lib", "main", "v1.0.0");
    assertNotEquals(0, upstream.git("acme/lib", "cat-file", "-e", first).exitCode(),
        "the first commit is gone upstream");
    return rewritten;
  }

  @Test
  void aRegionMirroringLater_keepsTheCommitTheFleetFirstSawForATag_evenWhenOnlyThePeerHasIt()
      throws Exception {
    assertEquals(SyncResult.Outcome.CREATED, eu.sync(lib, origin).outcome());
    String rewritten = rewriteHistory();
    upstream.tag("acme/lib", "v1.1.0", rewritten, false);

    SyncResult r = ap.sync(lib, origin.withFleet(List.of(region(eu))));

    assertEquals(SyncResult.Outcome.CREATED, r.outcome(), r.toString());
    Map<String, String> apRefs = refs(ap);
    assertEquals(first, apRefs.get("refs/tags/v1.0.0"), "the fleet's commit for the tag");
    assertEquals(rewritten, apRefs.get("refs/tags/v1.1.0"), "a tag new upstream arrives");
    assertEquals(rewritten, apRefs.get("refs/heads/main"), "branches follow the upstream");
    List<TagConflict> conflicts = ap.state(lib).orElseThrow().tagConflicts();
    assertEquals(1, conflicts.size(), conflicts.toString());
    assertEquals(first, conflicts.get(0).keptId());
    assertEquals(rewritten, conflicts.get(0).upstreamId());
    assertEquals(1, r.newTagConflicts().size(), "the conflict is reported as news");
    assertTrue(ap.find(lib).orElseThrow().repository().getObjectDatabase().has(
        org.eclipse.jgit.lib.ObjectId.fromString(first)), "the kept commit's objects are here");

    assertEquals(SyncResult.Outcome.UNCHANGED, ap.sync(lib, origin).outcome(),
        "a later sync from the upstream alone keeps the fleet's commit");
    assertEquals(first, refs(ap).get("refs/tags/v1.0.0"));
  }

  @Test
  void aTagTheFleetServes_isCreatedAtTheFleetsCommit_whenTheUpstreamMovedItInBetween()
      throws Exception {
    try (MirrorStore sa = MirrorStore.open(StoreConfig.defaults(dir.resolve("sa")),
        name -> name.equals(lib) ? heard : Map.of())) {
      sa.sync(lib, origin); // sa mirrored the repository before v2.0.0 existed
      String c2 = upstream.commit("acme/lib", "main", Map.of("two.go", "package lib\n"), "c2");
      upstream.tag("acme/lib", "v2.0.0", c2, false);
      assertEquals(SyncResult.Outcome.CREATED, eu.sync(lib, origin).outcome());
      heard.put("refs/tags/v2.0.0", ObjectId.fromString(c2)); // eu's event said so
      upstream.git("acme/lib", "tag", "-d", "v2.0.0").assertOk();
      String rewritten = rewriteHistory();
      upstream.tag("acme/lib", "v2.0.0", rewritten, false);
      assertNotEquals(0, upstream.git("acme/lib", "cat-file", "-e", c2).exitCode());

      SyncResult r = sa.sync(lib, origin.withFleet(List.of(region(eu))));

      assertEquals(SyncResult.Outcome.UPDATED, r.outcome(), r.toString());
      Map<String, String> saRefs = refs(sa);
      assertEquals(c2, saRefs.get("refs/tags/v2.0.0"), "the fleet's commit, fetched from eu");
      assertEquals(rewritten, saRefs.get("refs/heads/main"));
      List<TagConflict> conflicts = sa.state(lib).orElseThrow().tagConflicts().stream()
          .filter(c -> c.ref().equals("refs/tags/v2.0.0")).toList();
      assertEquals(1, conflicts.size(), conflicts.toString());
      assertEquals(rewritten, conflicts.get(0).upstreamId());

      heard.clear();
      upstream.tag("acme/lib", "v3.0.0", rewritten, false);
      sa.sync(lib, origin.withFleet(List.of(region(eu))));
      assertEquals(rewritten, refs(sa).get("refs/tags/v3.0.0"), "a tag the fleet did not"
          + " mention is taken as the upstream has it");
    }
  }

  @Test
  void aSyncFollowingTheFleet_createsOnlyTheTagsTheFleetAnnounced() throws Exception {
    try (MirrorStore sa = MirrorStore.open(StoreConfig.defaults(dir.resolve("sa")),
        name -> heard)) {
      sa.sync(lib, origin);
      String c2 = upstream.commit("acme/lib", "main", Map.of("two.go", "package lib\n"), "c2");
      upstream.tag("acme/lib", "v2.0.0", c2, false);
      upstream.tag("acme/lib", "v3.0.0", c2, false);
      heard.put("refs/tags/v1.0.0", ObjectId.fromString(first));
      heard.put("refs/tags/v2.0.0", ObjectId.fromString(c2));
      MirrorPolicy following = MirrorPolicy.DEFAULT.followingFleet();

      assertEquals(SyncResult.Outcome.UPDATED, sa.sync(lib, origin, following).outcome());

      Map<String, String> saRefs = refs(sa);
      assertEquals(c2, saRefs.get("refs/tags/v2.0.0"));
      assertEquals(null, saRefs.get("refs/tags/v3.0.0"), "not announced: left for later");
      assertEquals(c2, saRefs.get("refs/heads/main"), "branches follow the upstream");
      assertTrue(sa.state(lib).orElseThrow().tagConflicts().isEmpty());
      sa.sync(lib, origin);
      assertEquals(c2, refs(sa).get("refs/tags/v3.0.0"), "a sync of its own takes it");
    }
  }

  @Test
  void aNewMirror_whoseFleetCannotBeAsked_takesTheUpstreamsTags() throws Exception {
    Upstream nowhere = new Upstream("file://" + dir.resolve("no-such-region/lib.git"),
        Optional.empty());

    SyncResult r = ap.sync(lib, origin.withFleet(List.of(nowhere)));

    assertEquals(SyncResult.Outcome.CREATED, r.outcome(), r.toString());
    assertEquals(first, refs(ap).get("refs/tags/v1.0.0"));
    assertTrue(ap.state(lib).orElseThrow().tagConflicts().isEmpty());
  }

  @Test
  void followTags_ignoreTheFleet() throws Exception {
    eu.sync(lib, origin);
    String rewritten = rewriteHistory();

    ap.sync(lib, origin.withFleet(List.of(region(eu))),
        new MirrorPolicy(MirrorPolicy.TagPolicy.FOLLOW));

    assertEquals(rewritten, refs(ap).get("refs/tags/v1.0.0"));
  }

  @Test
  void anUpstreamThatIsDown_isReplacedByItsFallback_inTheSameSync() throws Exception {
    Upstream tier = new Upstream("file://" + dir.resolve("tier-down/lib.git"), Optional.empty(),
        Optional.empty(), Optional.of(origin), List.of());

    SyncResult created = ap.sync(lib, tier);

    assertEquals(SyncResult.Outcome.CREATED, created.outcome(), created.toString());
    assertEquals(first, refs(ap).get("refs/heads/main"));
    assertEquals(origin.url(), ap.state(lib).orElseThrow().upstreamUrl(),
        "the state says where the mirror came from");
    String next = upstream.commit("acme/lib", "main", Map.of("b.go", "package lib\n"), "next");
    assertEquals(SyncResult.Outcome.UPDATED, ap.sync(lib, tier).outcome());
    assertEquals(next, refs(ap).get("refs/heads/main"));
  }

  @Test
  void withoutAFallback_anUpstreamThatIsDown_failsTheSync_andChangesNothing() throws Exception {
    ap.sync(lib, origin);
    Map<String, String> before = refs(ap);
    Upstream tier = new Upstream("file://" + dir.resolve("tier-down/lib.git"), Optional.empty());

    SyncResult r = ap.sync(lib, tier);

    assertEquals(SyncResult.Outcome.FAILED, r.outcome());
    assertTrue(r.error().orElseThrow().contains("tier-down"), r.error().orElseThrow());
    assertEquals(before, refs(ap));
  }

  @Test
  void aTierThatAnswers_isUsed_andTheFallbackIsNotAsked() throws Exception {
    eu.sync(lib, origin);
    Upstream brokenFallback = new Upstream("file://" + dir.resolve("nowhere/lib.git"),
        Optional.empty());
    Upstream tier = new Upstream(region(eu).url(), Optional.empty(), Optional.empty(),
        Optional.of(brokenFallback), List.of());

    SyncResult r = ap.sync(lib, tier);

    assertEquals(SyncResult.Outcome.CREATED, r.outcome(), r.toString());
    assertEquals(refs(eu), refs(ap));
    assertEquals(tier.url(), ap.state(lib).orElseThrow().upstreamUrl());
  }
}
