package io.gitedge.gateway.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitedge.gateway.fleet.Ancestry.Relation;
import io.gitedge.gateway.fleet.Finding.Kind;
import io.gitedge.store.MirrorPolicy.TagPolicy;
import io.gitedge.store.MirrorRefs;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Lag or divergence, on plain values: which differences heal by syncing, and who is behind. */
class FleetComparisonTest {
  private static final String A = "a".repeat(40);
  private static final String B = "b".repeat(40);
  private static final String C = "c".repeat(40);
  private static final Instant EARLY = Instant.parse("2026-11-25T12:00:00Z");
  private static final Instant LATE = EARLY.plusSeconds(60);

  private static MirrorView view(String region, Instant lastSuccess, String... refAndId) {
    Map<String, String> ids = new TreeMap<>();
    for (int i = 0; i < refAndId.length; i += 2) {
      ids.put(refAndId[i], refAndId[i + 1]);
    }
    return new MirrorView(region, "github.com/acme/lib", true, Optional.of(MirrorRefs.of(ids)),
        Optional.ofNullable(lastSuccess),
        Optional.ofNullable(lastSuccess).map(t -> LATE.plusSeconds(40).getEpochSecond()
            - t.getEpochSecond()), TagPolicy.IMMUTABLE);
  }

  private static Finding only(List<Finding> findings) {
    assertEquals(1, findings.size(), findings.toString());
    return findings.get(0);
  }

  private static Ancestry always(Relation r) {
    return (here, there) -> r;
  }

  // ------------------------------------------------------------------------------ level, tags

  @Test
  void theSameRefs_areLevel_whateverTheSyncTimes() {
    Finding f = only(FleetComparison.compare(view("eu", LATE, "refs/heads/main", A),
        view("us", EARLY, "refs/heads/main", A), Ancestry.NONE));
    assertEquals(Kind.LEVEL, f.kind());
    assertEquals("us", f.region());
    assertEquals(f.here(), f.there());
    assertEquals(Optional.of(MirrorRefs.of(Map.of("refs/heads/main", A)).digest()), f.here());
  }

  @Test
  void aTagOnTwoObjects_hasDiverged_namingBothObjects() {
    Finding f = only(FleetComparison.compare(view("eu", LATE, "refs/tags/v1.0.0", A),
        view("us", EARLY, "refs/tags/v1.0.0", B), always(Relation.DESCENDANT)));
    assertEquals(Kind.DIVERGED, f.kind());
    assertEquals(Optional.of("refs/tags/v1.0.0"), f.ref());
    assertEquals(Optional.of(A), f.here());
    assertEquals(Optional.of(B), f.there());
    assertTrue(f.detail().startsWith("eu aaaaaaa us bbbbbbb"), f.detail());
  }

  @Test
  void aTagOnOneSideOnly_isLag_theSideWithoutItIsBehind() {
    Finding usBehind = only(FleetComparison.compare(
        view("eu", EARLY, "refs/heads/main", A, "refs/tags/v2", A),
        view("us", LATE, "refs/heads/main", A), Ancestry.NONE));
    assertEquals(Kind.BEHIND, usBehind.kind(), "even though us synced later");
    assertTrue(usBehind.detail().startsWith("us is behind eu (us lacks the tag; us synced 40s"
        + " ago, eu synced 1m40s ago)"), usBehind.detail());
    Finding euBehind = only(FleetComparison.compare(view("eu", LATE, "refs/heads/main", A),
        view("us", EARLY, "refs/heads/main", A, "refs/tags/v2", A), Ancestry.NONE));
    assertEquals(Kind.AHEAD, euBehind.kind());
    assertTrue(euBehind.detail().startsWith("eu is behind us (eu lacks the tag"),
        euBehind.detail());
  }

  // --------------------------------------------------------------------------------- branches

  @Test
  void aBranch_whereTheCommitsTellTheOrder_theSideWithTheAncestorIsBehind() {
    Finding usBehind = only(FleetComparison.compare(view("eu", EARLY, "refs/heads/main", B),
        view("us", LATE, "refs/heads/main", A), always(Relation.DESCENDANT)));
    assertEquals(Kind.BEHIND, usBehind.kind(), "the commits win over the sync times");
    assertTrue(usBehind.detail().startsWith("us is behind eu (eu's bbbbbbb descends from us's"
        + " aaaaaaa;"), usBehind.detail());
    Finding euBehind = only(FleetComparison.compare(view("eu", LATE, "refs/heads/main", A),
        view("us", EARLY, "refs/heads/main", B), always(Relation.ANCESTOR)));
    assertEquals(Kind.AHEAD, euBehind.kind());
  }

  @Test
  void aBranchWhoseOtherCommitIsNotHere_isLag_decidedByTheSyncTimes() {
    Finding euBehind = only(FleetComparison.compare(view("eu", EARLY, "refs/heads/main", A),
        view("us", LATE, "refs/heads/main", B), always(Relation.LACKS_THERE)));
    assertEquals(Kind.AHEAD, euBehind.kind());
    assertTrue(euBehind.detail().startsWith("eu is behind us (eu lacks bbbbbbb;"),
        euBehind.detail());
    Finding noTimes = only(FleetComparison.compare(view("eu", null, "refs/heads/main", A),
        view("us", null, "refs/heads/main", B), always(Relation.LACKS_THERE)));
    assertEquals(Kind.AHEAD, noTimes.kind(), "without times the side lacking a commit is behind");
    assertTrue(noTimes.detail().contains("the sync times do not tell"), noTimes.detail());
  }

  @Test
  void aForcePushedBranch_oneRegionHasNotSynced_isLagNotDivergence() {
    Finding f = only(FleetComparison.compare(view("eu", LATE, "refs/heads/main", C),
        view("us", EARLY, "refs/heads/main", B), always(Relation.UNRELATED)));
    assertEquals(Kind.BEHIND, f.kind());
    assertTrue(f.detail().startsWith("us is behind eu (not a fast-forward: a force push us has"
        + " not synced yet;"), f.detail());
    Finding other = only(FleetComparison.compare(view("eu", EARLY, "refs/heads/main", C),
        view("us", LATE, "refs/heads/main", B), always(Relation.UNRELATED)));
    assertEquals(Kind.AHEAD, other.kind(), "the region that synced earlier is behind");
  }

  @Test
  void fromOutside_withoutAncestry_theEarlierSyncIsBehind() {
    Finding f = only(FleetComparison.compare(view("eu", LATE, "refs/heads/main", B),
        view("us", EARLY, "refs/heads/main", A), Ancestry.NONE));
    assertEquals(Kind.BEHIND, f.kind());
    assertTrue(f.detail().startsWith("us is behind eu (eu has bbbbbbb, us aaaaaaa; us synced"),
        f.detail());
  }

  @Test
  void aBranchOnOneSideOnly_theEarlierSyncIsBehind_createdOrDeleted() {
    Finding created = only(FleetComparison.compare(
        view("eu", LATE, "refs/heads/main", A, "refs/heads/new", B),
        view("us", EARLY, "refs/heads/main", A), Ancestry.NONE));
    assertEquals(Kind.BEHIND, created.kind());
    assertTrue(created.detail().startsWith("us is behind eu (us lacks the branch;"),
        created.detail());
    Finding deleted = only(FleetComparison.compare(
        view("eu", EARLY, "refs/heads/main", A, "refs/heads/old", B),
        view("us", LATE, "refs/heads/main", A), Ancestry.NONE));
    assertEquals(Kind.AHEAD, deleted.kind());
    assertTrue(deleted.detail().startsWith("eu is behind us (eu still has a branch us no longer"
        + " has;"), deleted.detail());
  }

  @Test
  void manyDifferences_oneFindingPerRef_inGitOrder() {
    List<Finding> f = FleetComparison.compare(
        view("eu", LATE, "refs/heads/main", B, "refs/tags/v1", A, "refs/tags/v2", B),
        view("us", EARLY, "refs/heads/main", A, "refs/tags/v1", C), Ancestry.NONE);
    assertEquals(List.of(Kind.BEHIND, Kind.DIVERGED, Kind.BEHIND),
        f.stream().map(Finding::kind).toList());
    assertEquals(List.of("refs/heads/main", "refs/tags/v1", "refs/tags/v2"),
        f.stream().map(x -> x.ref().orElseThrow()).toList());
  }

  // ---------------------------------------------------------------------------------- missing

  @Test
  void aMirrorMissingOnASide_isMissing_sayingWhy() {
    MirrorView eu = view("eu", LATE, "refs/heads/main", A);
    Finding notServed = only(FleetComparison.compare(eu,
        MirrorView.notListed("us", "github.com/acme/lib"), Ancestry.NONE));
    assertEquals(Kind.MISSING, notServed.kind());
    assertEquals(eu.digest(), notServed.here());
    assertEquals(Optional.empty(), notServed.there());
    assertEquals("us does not mirror it; eu has it (1 ref)", notServed.detail());
    MirrorView notYet = new MirrorView("us", "github.com/acme/lib", true, Optional.empty(),
        Optional.empty(), Optional.empty(), TagPolicy.IMMUTABLE);
    assertEquals("us has not made it yet (no first sync); eu has it (1 ref)",
        only(FleetComparison.compare(eu, notYet, Ancestry.NONE)).detail());
    assertEquals(List.of(), FleetComparison.compare(MirrorView.notListed("eu", "x"),
        MirrorView.notListed("us", "x"), Ancestry.NONE), "neither serves it: nothing to say");
  }

  // ------------------------------------------------------------------------- Go module zips

  private static final String LIB_100 = "github.com/acme/lib@v1.0.0";
  private static final String H1 = "h1:" + "A".repeat(43) + "=";
  private static final String H2 = "h1:" + "B".repeat(43) + "=";

  private static MirrorView withModules(MirrorView v, Map<String, String> goModules) {
    return new MirrorView(v.region(), v.name(), v.listed(), v.refs(), v.lastSuccess(),
        v.ageSeconds(), v.tags(), goModules);
  }

  @Test
  void theSameModuleZipInBothRegions_addsNothing() {
    Finding f = only(FleetComparison.compare(
        withModules(view("eu", LATE, "refs/tags/v1.0.0", A), Map.of(LIB_100, H1)),
        withModules(view("us", EARLY, "refs/tags/v1.0.0", A), Map.of(LIB_100, H1)),
        Ancestry.NONE));
    assertEquals(Kind.LEVEL, f.kind());
  }

  @Test
  void aModuleVersionWithTwoZipHashes_hasDiverged_evenWhenTheRefsAreLevel() {
    List<Finding> f = FleetComparison.compare(
        withModules(view("eu", LATE, "refs/tags/v1.0.0", A), Map.of(LIB_100, H1)),
        withModules(view("us", EARLY, "refs/tags/v1.0.0", A), Map.of(LIB_100, H2)),
        Ancestry.NONE);
    assertEquals(List.of(Kind.LEVEL, Kind.DIVERGED), f.stream().map(Finding::kind).toList(),
        f.toString());
    Finding zip = f.get(1);
    assertEquals("us", zip.region());
    assertEquals(Optional.of("go:github.com/acme/lib@v1.0.0"), zip.ref());
    assertEquals(Optional.of(H1), zip.here());
    assertEquals(Optional.of(H2), zip.there());
    assertEquals("the module zip differs: eu " + H1 + " us " + H2 + " (a go.sum made through"
        + " one region is a checksum mismatch in the other)", zip.detail());
  }

  @Test
  void aModuleVersionBuiltInOneRegionOnly_isNoFinding_itIsBuiltOnRequest() {
    MirrorView eu = withModules(view("eu", LATE, "refs/tags/v1.0.0", A),
        Map.of(LIB_100, H1, "github.com/acme/lib@v1.1.0", H2));
    MirrorView us = withModules(view("us", EARLY, "refs/tags/v1.0.0", A), Map.of(LIB_100, H1));
    assertEquals(Kind.LEVEL, only(FleetComparison.compare(eu, us, Ancestry.NONE)).kind());
    assertEquals(Kind.LEVEL, only(FleetComparison.compare(us, eu, Ancestry.NONE)).kind());
    MirrorView older = view("us", EARLY, "refs/tags/v1.0.0", A);
    assertEquals(Kind.LEVEL, only(FleetComparison.compare(eu, older, Ancestry.NONE)).kind(),
        "a region that does not report zips has built none, as far as anyone can tell");
  }

  @Test
  void differingZips_comeAfterTheRefFindings_oneEach_inByteOrder() {
    String v2 = "github.com/acme/lib/v2@v2.0.0";
    List<Finding> f = FleetComparison.compare(
        withModules(view("eu", LATE, "refs/heads/main", B, "refs/tags/v1.0.0", A),
            Map.of(LIB_100, H1, v2, H1, "github.com/acme/lib/sub@v0.1.0", H1)),
        withModules(view("us", EARLY, "refs/heads/main", A, "refs/tags/v1.0.0", C),
            Map.of(LIB_100, H2, v2, H2, "github.com/acme/lib/sub@v0.1.0", H1)),
        Ancestry.NONE);
    assertEquals(List.of("refs/heads/main", "refs/tags/v1.0.0", "go:" + v2, "go:" + LIB_100),
        f.stream().map(x -> x.ref().orElseThrow()).toList(), "byte order: '/' before '@'");
    assertEquals(List.of(Kind.BEHIND, Kind.DIVERGED, Kind.DIVERGED, Kind.DIVERGED),
        f.stream().map(Finding::kind).toList());
  }

  // --------------------------------------------------------------------------------- upstream

  @Test
  void againstTheUpstream_aMovedOrDeletedTagKept_isAConflict_underFollowLag() {
    MirrorRefs upstream = MirrorRefs.of(Map.of("refs/heads/main", B, "refs/tags/v1", B));
    MirrorView eu = view("eu", EARLY, "refs/heads/main", A, "refs/tags/v1", A,
        "refs/tags/gone", A);
    List<Finding> f = FleetComparison.compareWithUpstream(upstream, eu);
    assertEquals(List.of(Kind.BEHIND, Kind.CONFLICT, Kind.CONFLICT),
        f.stream().map(Finding::kind).toList(), f.toString());
    assertTrue(f.get(0).detail().startsWith("eu is behind the upstream (upstream bbbbbbb, eu"
        + " aaaaaaa; eu synced"), f.get(0).detail());
    assertEquals("eu keeps aaaaaaa, the upstream deleted the tag (tags: immutable)",
        f.get(1).detail());
    assertEquals("eu keeps aaaaaaa, the upstream has bbbbbbb (tags: immutable)",
        f.get(2).detail());

    MirrorView following = new MirrorView("us", "github.com/acme/lib", true,
        eu.refs(), eu.lastSuccess(), eu.ageSeconds(), TagPolicy.FOLLOW);
    assertEquals(List.of(Kind.BEHIND, Kind.BEHIND, Kind.BEHIND),
        FleetComparison.compareWithUpstream(upstream, following).stream().map(Finding::kind)
            .toList());
    assertEquals(Kind.LEVEL, only(FleetComparison.compareWithUpstream(upstream,
        view("ap", LATE, "refs/heads/main", B, "refs/tags/v1", B))).kind());
  }
}
