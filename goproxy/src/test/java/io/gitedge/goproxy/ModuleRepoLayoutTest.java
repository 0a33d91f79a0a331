package io.gitedge.goproxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.lib.ObjectId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where a module lives in its repository: a subdirectory with {@code sub/} tags, a major
 * version in a {@code v2} subdirectory or on a major branch, and v2+ tags of a module without
 * go.mod ({@code +incompatible}). Expectations follow {@code findDir}, {@code Versions},
 * {@code appendIncompatibleVersions} and {@code convert} of coderepo.go.
 */
class ModuleRepoLayoutTest {
  private static final String LIB = "github.com/acme/lib";

  @TempDir Path dir;
  private TestRepo git;

  @AfterEach
  void tearDown() {
    if (git != null) {
      git.close();
    }
  }

  private static String shortHash(ObjectId id) {
    return id.name().substring(0, 12);
  }

  private static String text(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  private ModuleRepo open(String module) throws Exception {
    return ModuleRepo.open(git.repository(), LIB, module);
  }

  @Test
  void aModuleInASubdirectory_hasItsPrefixedTags_andTheRootLicense() throws Exception {
    git = TestRepo.create(dir.resolve("lib.git"));
    ObjectId c1 = git.commit("main", "2020-05-01T00:00:00Z", Map.of(
        "go.mod", "module github.com/acme/lib\n", "LICENSE", "root license\n",
        "sub/go.mod", "module github.com/acme/lib/sub\n", "sub/x.go", "package sub\n"));
    git.tag("v1.0.0", c1);
    git.tag("sub/v0.1.0", c1);
    git.tag("sub/v0.2", c1);
    ObjectId c2 = git.commit("main", "2020-05-02T00:00:00Z", Map.of(
        "go.mod", "module github.com/acme/lib\n", "LICENSE", "root license\n",
        "sub/go.mod", "module github.com/acme/lib/sub\n", "sub/x.go", "package sub // 2\n",
        "sub/LICENSE", "sub license\n"));
    git.head("main");
    ModuleRepo sub = open(LIB + "/sub");

    // Tags "sub/<canonical version>" only; the root's v1.0.0 is no version of sub, nor are
    // sub's tags versions of the root module.
    assertEquals(List.of("v0.1.0"), sub.versions());
    assertEquals(List.of("v1.0.0"), open(LIB).versions());

    VersionInfo v010 = sub.stat("v0.1.0");
    assertEquals(c1, v010.commit());
    assertEquals("module github.com/acme/lib/sub\n", text(sub.goMod(v010)));
    // Zip: the files under sub/ (tree order), then the root LICENSE as sub has none.
    List<ModuleFile> files = sub.files(v010);
    assertEquals(List.of("go.mod", "x.go", "LICENSE"),
        files.stream().map(ModuleFile::path).toList());
    assertEquals("root license\n", ModuleRepoFilesTest.read(files.get(2)));

    // A pseudo-version for sub is based on sub's own tags (tag prefix "sub/").
    VersionInfo tip = sub.stat("main");
    assertEquals("v0.1.1-0.20200502000000-" + shortHash(c2), tip.version());
    assertEquals(List.of("LICENSE", "go.mod", "x.go"),
        sub.files(tip).stream().map(ModuleFile::path).toList());
    assertEquals("sub license\n", ModuleRepoFilesTest.read(sub.files(tip).get(0)));
    assertEquals("v0.1.0", sub.latest().version());
  }

  @Test
  void aSubdirectoryWithoutGoMod_isNoModule() throws Exception {
    git = TestRepo.create(dir.resolve("lib.git"));
    ObjectId c1 = git.commit("main", "2020-05-01T00:00:00Z", Map.of(
        "go.mod", "module github.com/acme/lib\n", "other/x.go", "package other\n"));
    git.head("main");
    // findDir: a module below the root needs its go.mod ("missing ... go.mod").
    GoModuleException e = assertThrows(GoModuleException.NotFound.class,
        () -> open(LIB + "/other").stat("main"));
    String pseudo = "v0.0.0-20200501000000-" + shortHash(c1);
    assertEquals(LIB + "/other@" + pseudo + ": invalid version: missing " + LIB
        + "/other/go.mod at revision " + shortHash(c1), e.getMessage());
  }

  @Test
  void majorVersion2_inAV2Subdirectory() throws Exception {
    git = TestRepo.create(dir.resolve("lib.git"));
    ObjectId c1 = git.commit("main", "2021-01-01T00:00:00Z", Map.of(
        "go.mod", "module github.com/acme/lib\n", "lib.go", "package lib\n"));
    git.tag("v1.0.0", c1);
    ObjectId c2 = git.commit("main", "2021-02-01T00:00:00Z", Map.of(
        "go.mod", "module github.com/acme/lib\n", "lib.go", "package lib\n",
        "v2/go.mod", "module github.com/acme/lib/v2\n", "v2/lib.go", "package lib\n"));
    git.tag("v2.0.0", c2);
    ObjectId c3 = git.commit("main", "2021-03-01T00:00:00Z", Map.of(
        "go.mod", "module github.com/acme/lib\n", "lib.go", "package lib\n",
        "v2/go.mod", "module github.com/acme/lib/v2\n", "v2/lib.go", "package lib // 3\n"));
    git.head("main");
    ModuleRepo v2 = open(LIB + "/v2");
    ModuleRepo v1 = open(LIB);

    // /v2: only v2.x tags; v1: v2.0.0 is no +incompatible version since v1.0.0 has a go.mod.
    assertEquals(List.of("v2.0.0"), v2.versions());
    assertEquals(List.of("v1.0.0"), v1.versions());

    VersionInfo v200 = v2.resolve("v2.0.0");
    assertEquals(c2, v200.commit());
    assertEquals("module github.com/acme/lib/v2\n", text(v2.goMod(v200)));
    assertEquals(List.of("go.mod", "lib.go"),
        v2.files(v200).stream().map(ModuleFile::path).toList());
    // A pseudo-version of /v2 is above the highest v2 tag in its history.
    assertEquals("v2.0.1-0.20210301000000-" + shortHash(c3), v2.stat("main").version());
    assertEquals("v2.0.0", v2.latest().version());

    // v1.0.0 is not a version of /v2: its tree has neither a /v2 go.mod nor a v2/go.mod.
    GoModuleException e = assertThrows(GoModuleException.NotFound.class,
        () -> v2.stat("v1.0.0"));
    assertEquals(LIB + "/v2@v1.0.0: invalid version: go.mod has non-.../v2 module path"
        + " \"github.com/acme/lib\" (and .../v2/go.mod does not exist) at revision v1.0.0",
        e.getMessage());
    // And v2.0.0 is not a version of the unversioned path, which has a go.mod.
    e = assertThrows(GoModuleException.NotFound.class, () -> v1.stat("v2.0.0"));
    assertEquals(LIB + "@v2.0.0: invalid version: module contains a go.mod file, so module path"
        + " must match major version (\"github.com/acme/lib/v2\")", e.getMessage());
  }

  @Test
  void majorVersion2_onAMajorBranch() throws Exception {
    git = TestRepo.create(dir.resolve("lib.git"));
    ObjectId c1 = git.commit("main", "2021-01-01T00:00:00Z", Map.of(
        "go.mod", "module github.com/acme/lib\n", "lib.go", "package lib\n"));
    git.tag("v1.0.0", c1);
    ObjectId c2 = git.commit("main", "2021-02-01T00:00:00Z", Map.of(
        "go.mod", "module github.com/acme/lib/v2\n", "lib.go", "package lib // v2\n"));
    git.tag("v2.0.0", c2);
    git.head("main");
    ModuleRepo v2 = open(LIB + "/v2");

    // findDir: the root go.mod says /v2 and there is no v2/go.mod: the module is the root.
    assertEquals(List.of("v2.0.0"), v2.versions());
    VersionInfo v200 = v2.resolve("v2.0.0");
    assertEquals("module github.com/acme/lib/v2\n", text(v2.goMod(v200)));
    assertEquals(List.of("go.mod", "lib.go"),
        v2.files(v200).stream().map(ModuleFile::path).toList());
    assertEquals(v200, v2.latest());
    // The unversioned module sees v1.0.0; v2.0.0 is dropped (v1.0.0 has a go.mod).
    assertEquals(List.of("v1.0.0"), open(LIB).versions());
    // For the unversioned module, c2 (tagged v2.0.0, not allowed: its go.mod requires /v2)
    // gets a pseudo-version above v1.0.0, whose go.mod check fails: the root go.mod declares
    // a post-v1 path (findDir).
    GoModuleException e = assertThrows(GoModuleException.NotFound.class,
        () -> open(LIB).stat(c2.name()));
    String pseudo = "v1.0.1-0.20210201000000-" + shortHash(c2);
    assertEquals(LIB + "@" + pseudo + ": invalid version: go.mod has post-v1 module path"
        + " \"github.com/acme/lib/v2\" at revision " + shortHash(c2), e.getMessage());
  }

  @Test
  void v2PlusTagsWithoutGoMod_areIncompatibleVersions_unlessTheirMajorLaterHasOne()
      throws Exception {
    git = TestRepo.create(dir.resolve("lib.git"));
    ObjectId c1 = git.commit("main", "2018-01-01T00:00:00Z", Map.of("lib.go", "1"));
    git.tag("v1.0.0", c1);
    ObjectId c2 = git.commit("main", "2018-02-01T00:00:00Z", Map.of("lib.go", "2"));
    git.tag("v2.0.0", c2);
    ObjectId c3 = git.commit("main", "2018-03-01T00:00:00Z", Map.of("lib.go", "3"));
    git.tag("v2.1.0", c3);
    ObjectId c5 = git.commit("main", "2018-05-01T00:00:00Z", Map.of("lib.go", "5"));
    ObjectId c4 = git.commit("v3", java.time.Instant.parse("2018-04-01T00:00:00Z"),
        java.time.ZoneOffset.UTC,
        Map.of("go.mod", "module github.com/acme/lib/v3\n", "lib.go", "4"), c3);
    git.tag("v3.0.0", c4);
    git.head("main");
    ModuleRepo lib = open(LIB);

    // v1.0.0 has no go.mod, so v2+ tags may be +incompatible; v3's latest tag has a go.mod,
    // so no v3 tag is listed.
    assertEquals(List.of("v1.0.0", "v2.0.0+incompatible", "v2.1.0+incompatible"),
        lib.versions());
    assertEquals("v2.0.0+incompatible", lib.stat("v2.0.0").version());
    assertEquals("v2.0.0+incompatible", lib.resolve("v2.0.0+incompatible").version());
    assertThrows(GoModuleException.NotFound.class, () -> lib.resolve("v2.0.0"));
    // No go.mod: the go command makes one up.
    assertEquals("module github.com/acme/lib\n",
        text(lib.goMod(lib.resolve("v2.1.0+incompatible"))));
    // latest: the highest release, +incompatible ones included (v1.0.0 has no go.mod).
    assertEquals("v2.1.0+incompatible", lib.latest().version());
    // Untagged main after v2.1.0: a pseudo-version based on it, +incompatible too.
    assertEquals("v2.1.1-0.20180501000000-" + shortHash(c5) + "+incompatible",
        lib.stat("main").version());
    // v3.0.0 has a go.mod declaring /v3: not a version of the unversioned path.
    GoModuleException e = assertThrows(GoModuleException.NotFound.class,
        () -> lib.stat("v3.0.0"));
    assertEquals(LIB + "@v3.0.0: invalid version: go.mod has post-v3 module path"
        + " \"github.com/acme/lib/v3\" at revision v3.0.0", e.getMessage());
    // ... but it is v3.0.0 of /v3.
    assertEquals("v3.0.0", open(LIB + "/v3").stat("v3.0.0").version());
  }

  @Test
  void aMajorWhoseLatestTagHasGoMod_isNotListed_butItsOlderTagsStillResolve()
      throws Exception {
    git = TestRepo.create(dir.resolve("lib.git"));
    ObjectId c1 = git.commit("main", "2018-01-01T00:00:00Z", Map.of("lib.go", "1"));
    git.tag("v2.0.0", c1);
    ObjectId c2 = git.commit("main", "2018-02-01T00:00:00Z",
        Map.of("go.mod", "module github.com/acme/lib\n", "lib.go", "2"));
    git.tag("v2.1.0", c2);
    git.head("main");
    ModuleRepo lib = open(LIB);

    // appendIncompatibleVersions: v2.1.0, the latest v2, has a go.mod: drop all of v2.
    assertEquals(List.of(), lib.versions());
    // Asked for explicitly, v2.0.0 (no go.mod in its tree) is still v2.0.0+incompatible.
    assertEquals("v2.0.0+incompatible", lib.stat("v2.0.0").version());
    // v2.1.0's go.mod means semantic import versioning is required.
    assertThrows(GoModuleException.NotFound.class, () -> lib.stat("v2.1.0"));
    // latest: no listed version, so the latest commit's version: its tags are not allowed
    // (canUseIncompatible fails: it has a go.mod), nor is v2.0.0 as a base, so v0.0.0-...
    assertEquals("v0.0.0-20180201000000-" + shortHash(c2), lib.latest().version());
  }
}
