package io.gitedge.goproxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.lib.ObjectId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A root module with releases, a prerelease, non-canonical tags, a side branch and an orphan
 * branch: versions, queries, the three pseudo-version forms, checks of requested
 * pseudo-versions, {@code latest} and refusals. Expected values follow coderepo.go's rules as
 * each comment says; hashes come from the fixture, times are fixed.
 */
class ModuleRepoTest {
  private static final String LIB = "github.com/acme/lib";
  private static final String GO_MOD = "module github.com/acme/lib\n\ngo 1.19\n";

  @TempDir Path dir;
  private TestRepo git;
  private ModuleRepo lib;
  private ObjectId c1;
  private ObjectId c2;
  private ObjectId c3;
  private ObjectId c4;
  private ObjectId c5;
  private ObjectId side;
  private ObjectId orphan;

  /*
   * main:    c1 v0.1.0 -- c2 v1.0.0-rc.1 -- c3 v1.0.0 (annotated), 1.0.0 -- c4 v1.1.0, v1.2
   *            -- c5 (tip, committed at 06:00 +02:00, i.e. 04:00 UTC)
   * side:    c2 -- side
   * orphan:  orphan (no parent, no tag in its history)
   */
  @BeforeEach
  void setUp() throws Exception {
    git = TestRepo.create(dir.resolve("lib.git"));
    c1 = git.commit("main", "2019-01-01T00:00:00Z", Map.of("go.mod", GO_MOD, "a.go", "1"));
    git.tag("v0.1.0", c1);
    c2 = git.commit("main", "2019-01-01T01:00:00Z", Map.of("go.mod", GO_MOD, "a.go", "2"));
    git.tag("v1.0.0-rc.1", c2);
    c3 = git.commit("main", "2019-01-01T02:00:00Z", Map.of("go.mod", GO_MOD, "a.go", "3"));
    git.annotatedTag("v1.0.0", c3);
    git.tag("1.0.0", c3);
    c4 = git.commit("main", "2019-01-01T03:00:00Z", Map.of("go.mod", GO_MOD, "a.go", "4"));
    git.tag("v1.1.0", c4);
    git.tag("v1.2", c4);
    c5 = git.commit("main", Instant.parse("2019-01-01T04:00:00Z"), ZoneOffset.ofHours(2),
        Map.of("go.mod", GO_MOD, "a.go", "5"), c4);
    side = git.commit("side", Instant.parse("2019-01-02T00:00:00Z"), ZoneOffset.UTC,
        Map.of("go.mod", GO_MOD, "a.go", "side"), c2);
    orphan = git.commit("orphan", Instant.parse("2019-01-03T00:00:00Z"), ZoneOffset.UTC,
        Map.of("go.mod", GO_MOD), null);
    git.head("main");
    lib = ModuleRepo.open(git.repository(), LIB, LIB);
  }

  @AfterEach
  void tearDown() {
    git.close();
  }

  private static String shortHash(ObjectId id) {
    return id.name().substring(0, 12);
  }

  private static Instant at(String time) {
    return Instant.parse(time);
  }

  @Test
  void versions_areTheCanonicalTagsInSemverOrder() throws Exception {
    // Versions keeps tags equal to their semver.Canonical form: "v1.2" (incomplete) and
    // "1.0.0" (no v) are not versions. Prereleases sort below their release.
    assertEquals(List.of("v0.1.0", "v1.0.0-rc.1", "v1.0.0", "v1.1.0"), lib.versions());
    assertEquals(LIB, lib.modulePath());
  }

  @Test
  void aTag_isItsVersion_atItsCommitsCommitterTime() throws Exception {
    assertEquals(new VersionInfo("v1.0.0", at("2019-01-01T02:00:00Z"), c3), lib.stat("v1.0.0"));
    assertEquals(new VersionInfo("v1.0.0-rc.1", at("2019-01-01T01:00:00Z"), c2),
        lib.stat("v1.0.0-rc.1"));
    assertEquals("{\"Version\":\"v1.0.0\",\"Time\":\"2019-01-01T02:00:00Z\"}",
        lib.stat("v1.0.0").json());
  }

  @Test
  void aCommitHash_isTheHighestCanonicalTagOnIt() throws Exception {
    // c3 carries "1.0.0" and "v1.0.0": only the latter is a canonical version (tagToVersion).
    assertEquals("v1.0.0", lib.stat(c3.name()).version());
    assertEquals("v1.0.0", lib.stat(c3.name().substring(0, 7)).version());
    assertEquals("v1.0.0-rc.1", lib.stat(c2.name().substring(0, 12)).version());
  }

  @Test
  void aNonCanonicalTag_resolvesToTheCanonicalTagOnItsCommit() throws Exception {
    // "v1.2" is valid semver, so revToRev looks up the tag v1.2 (at c4); not being canonical,
    // it yields to the highest canonical tag on the same commit, v1.1.0.
    assertEquals(new VersionInfo("v1.1.0", at("2019-01-01T03:00:00Z"), c4), lib.stat("v1.2"));
  }

  @Test
  void aBranchTip_afterARelease_isAPseudoVersionAboveIt() throws Exception {
    // Form vX.Y.(Z+1)-0.yyyymmddhhmmss-hash: the most recent ancestor tag is v1.1.0 ("v1.2" is
    // not allowed as a base: tagToVersion drops incomplete versions); the time is UTC.
    String expected = "v1.1.1-0.20190101040000-" + shortHash(c5);
    assertEquals(new VersionInfo(expected, at("2019-01-01T04:00:00Z"), c5), lib.stat("main"));
    assertEquals(expected, lib.stat("HEAD").version());
    // Stat("latest") is codeRepo.Latest: HEAD's commit, unlike the "latest" query.
    assertEquals(expected, lib.stat("latest").version());
    assertEquals(expected, lib.stat(c5.name()).version());
    assertEquals(expected, lib.stat(shortHash(c5)).version());
  }

  @Test
  void aBranch_afterAPrerelease_isAPseudoVersionOfThePrerelease() throws Exception {
    // side descends from c2 (v1.0.0-rc.1) only: form vX.Y.Z-pre.0.yyyymmddhhmmss-hash.
    assertEquals("v1.0.0-rc.1.0.20190102000000-" + shortHash(side), lib.stat("side").version());
  }

  @Test
  void aBranch_withoutTagsInItsHistory_isAZeroPseudoVersion() throws Exception {
    // Form v0.0.0-yyyymmddhhmmss-hash (pseudoMajor "" means v0).
    assertEquals("v0.0.0-20190103000000-" + shortHash(orphan), lib.stat("orphan").version());
  }

  @Test
  void aRequestedPseudoVersion_thatMatchesItsCommit_isItself() throws Exception {
    String computed = "v1.1.1-0.20190101040000-" + shortHash(c5);
    assertEquals(new VersionInfo(computed, at("2019-01-01T04:00:00Z"), c5), lib.stat(computed));
    assertEquals(computed, lib.resolve(computed).version());
    // A lower ancestor tag is an acceptable base too: validatePseudoVersion only requires the
    // base to be an ancestor, not the highest one.
    String older = "v1.0.1-0.20190101040000-" + shortHash(c5);
    assertEquals(older, lib.stat(older).version());
    // And a v0.0.0 pseudo-version has no base to check at all.
    String zero = "v0.0.0-20190101040000-" + shortHash(c5);
    assertEquals(zero, lib.resolve(zero).version());
  }

  @Test
  void aRequestedPseudoVersion_withTheWrongTime_isRefused() {
    String v = "v1.1.1-0.20190101040001-" + shortHash(c5);
    GoModuleException e = assertThrows(GoModuleException.NotFound.class, () -> lib.stat(v));
    assertEquals(LIB + "@" + v + ": invalid pseudo-version: does not match version-control"
        + " timestamp (expected 20190101040000)", e.getMessage());
  }

  @Test
  void aRequestedPseudoVersion_withAnUnknownOrShortRevision_isRefused() {
    // The revision must resolve (rev 000000000000 names no commit) ...
    String unknown = "v1.1.1-0.20190101040000-000000000000";
    GoModuleException e = assertThrows(GoModuleException.NotFound.class,
        () -> lib.stat(unknown));
    assertEquals(LIB + "@" + unknown + ": invalid version: unknown revision 000000000000",
        e.getMessage());
    // ... and be the commit's 12-digit short hash exactly.
    String shortRev = "v1.1.1-0.20190101040000-" + c5.name().substring(0, 8);
    e = assertThrows(GoModuleException.NotFound.class, () -> lib.stat(shortRev));
    assertEquals(LIB + "@" + shortRev + ": invalid pseudo-version: revision is shorter than"
        + " canonical (expected " + shortHash(c5) + ")", e.getMessage());
  }

  @Test
  void aRequestedPseudoVersion_whoseBaseIsNoAncestor_isRefused() {
    // v1.1.0 (c4) exists but side descends from c2 only.
    String v = "v1.1.1-0.20190102000000-" + shortHash(side);
    GoModuleException e = assertThrows(GoModuleException.NotFound.class, () -> lib.stat(v));
    assertEquals(LIB + "@" + v + ": invalid pseudo-version: revision " + shortHash(side)
        + " is not a descendent of preceding tag (v1.1.0)", e.getMessage());
    // A base that is no tag at all.
    String noTag = "v1.5.1-0.20190101040000-" + shortHash(c5);
    e = assertThrows(GoModuleException.NotFound.class, () -> lib.stat(noTag));
    assertEquals(LIB + "@" + noTag + ": invalid pseudo-version: preceding tag (v1.5.0) not found",
        e.getMessage());
  }

  @Test
  void aRequestedPseudoVersion_basedOnItsOwnCommitsTag_isRefused() {
    String v = "v1.0.1-0.20190101020000-" + shortHash(c3);
    GoModuleException e = assertThrows(GoModuleException.NotFound.class, () -> lib.stat(v));
    assertEquals(LIB + "@" + v + ": invalid pseudo-version: tag (v1.0.0) found on revision "
        + shortHash(c3) + " is already canonical, so should not be replaced with a"
        + " pseudo-version derived from that tag", e.getMessage());
  }

  @Test
  void aRequestedV1PseudoVersion_withoutBase_isRefused() {
    String v = "v1.0.0-20190103000000-" + shortHash(orphan);
    GoModuleException e = assertThrows(GoModuleException.NotFound.class, () -> lib.stat(v));
    assertEquals(LIB + "@" + v + ": invalid pseudo-version: major version without preceding"
        + " tag must be v0, not v1", e.getMessage());
  }

  @Test
  void latest_isTheHighestRelease() throws Exception {
    assertEquals(new VersionInfo("v1.1.0", at("2019-01-01T03:00:00Z"), c4), lib.latest());
  }

  @Test
  void unknownVersionsBranchesAndShortHashes_areNotFound() {
    GoModuleException e = assertThrows(GoModuleException.NotFound.class,
        () -> lib.stat("v1.9.9"));
    assertEquals(LIB + "@v1.9.9: invalid version: unknown revision v1.9.9", e.getMessage());
    e = assertThrows(GoModuleException.NotFound.class, () -> lib.stat("nosuchbranch"));
    assertEquals(LIB + "@nosuchbranch: invalid version: unknown revision nosuchbranch",
        e.getMessage());
    // Fewer than 7 hex digits, or upper case ones, are no hash for the go command.
    assertThrows(GoModuleException.NotFound.class, () -> lib.stat(c5.name().substring(0, 6)));
    String upper = c5.name().toUpperCase(java.util.Locale.ROOT);
    assertNotEquals(c5.name(), upper, "the hash has letters");
    assertThrows(GoModuleException.NotFound.class, () -> lib.stat(upper));
  }

  @Test
  void resolve_takesOnlyCanonicalVersionsThatResolveToThemselves() throws Exception {
    assertEquals(new VersionInfo("v1.0.0", at("2019-01-01T02:00:00Z"), c3),
        lib.resolve("v1.0.0"));
    assertThrows(GoModuleException.Invalid.class, () -> lib.resolve("v1.2"));
    assertThrows(GoModuleException.Invalid.class, () -> lib.resolve("main"));
    assertThrows(GoModuleException.NotFound.class, () -> lib.resolve("v9.9.9"));
    // v1.0.0 is not a +incompatible version of a v1 module.
    GoModuleException e = assertThrows(GoModuleException.NotFound.class,
        () -> lib.resolve("v1.0.0+incompatible"));
    assertEquals(LIB + "@v1.0.0+incompatible: invalid version: +incompatible suffix not allowed:"
        + " major version v1 is compatible", e.getMessage());
  }

  @Test
  void historyWalks_stopAtTheirBound() throws Exception {
    // The latest tag below main, and checking that v1.0.0 is an ancestor of c5, both walk
    // c5, c4, c3...: more than 2 commits.
    ModuleRepo bounded = lib.withHistoryLimit(2);
    assertThrows(java.io.IOException.class, () -> bounded.stat("main"));
    assertThrows(java.io.IOException.class,
        () -> bounded.stat("v1.0.1-0.20190101040000-" + shortHash(c5)));
    // A tag, or a hash of a tip, needs no walk.
    assertEquals("v1.0.0", bounded.stat("v1.0.0").version());
    assertEquals("v0.0.0-20190103000000-" + shortHash(orphan),
        lib.withHistoryLimit(1).stat(orphan.name()).version());
  }

  @Test
  void aModuleOutsideTheRepository_isNotFound_andABadPathInvalid() {
    assertThrows(GoModuleException.NotFound.class,
        () -> ModuleRepo.open(git.repository(), LIB, "github.com/acme/other"));
    assertThrows(GoModuleException.NotFound.class,
        () -> ModuleRepo.open(git.repository(), LIB, "github.com/acme/libx"));
    assertThrows(GoModuleException.Invalid.class,
        () -> ModuleRepo.open(git.repository(), LIB, "github.com/acme/lib/../x"));
  }
}
