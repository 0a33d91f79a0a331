package io.gitedge.goproxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.lib.ObjectId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * go.mod files (as found, or made up), the files of a zip (what {@code git archive} gives and
 * coderepo.go's Zip keeps), retractions, and repositories without tags or without a default
 * branch.
 */
class ModuleRepoFilesTest {
  private static final String LIB = "github.com/acme/lib";

  @TempDir Path dir;
  private TestRepo git;

  @AfterEach
  void tearDown() {
    if (git != null) {
      git.close();
    }
  }

  static String read(ModuleFile f) throws IOException {
    try (InputStream in = f.open()) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static String shortHash(ObjectId id) {
    return id.name().substring(0, 12);
  }

  private ModuleRepo lib() throws GoModuleException {
    return ModuleRepo.open(git.repository(), LIB, LIB);
  }

  @Test
  void aVersionWithoutGoMod_getsTheMadeUpOne() throws Exception {
    git = TestRepo.create(dir.resolve("lib.git"));
    git.tag("v1.0.0",
        git.commit("main", "2019-06-01T00:00:00Z", Map.of("lib.go", "package lib\n")));
    git.head("main");
    // LegacyGoMod: "module <path>\n", nothing else.
    assertEquals("module github.com/acme/lib\n",
        new String(lib().goMod(lib().resolve("v1.0.0")), StandardCharsets.UTF_8));
  }

  @Test
  void zipFiles_areTheTreesBlobs_symlinksIrregular_submodulesLeftOut() throws Exception {
    git = TestRepo.create(dir.resolve("lib.git"));
    Map<String, Object> tree = new LinkedHashMap<>();
    tree.put("go.mod", "module github.com/acme/lib\n");
    tree.put("a.go", "package lib\r\n");
    tree.put("bin/run.sh", TestRepo.executable("#!/bin/sh\n"));
    tree.put("link", TestRepo.symlink("a.go"));
    tree.put("vendored", TestRepo.gitlink("0123456789abcdef0123456789abcdef01234567"));
    tree.put("dir/nested.txt", "nested\n");
    git.tag("v1.0.0", git.commit("main", "2019-06-01T00:00:00Z", tree));
    git.head("main");

    List<ModuleFile> files = lib().files(lib().resolve("v1.0.0"));
    // git archive's order is the tree's; the submodule is an empty directory entry in the
    // archive, which Zip skips; the symbolic link stays, irregular, for the zip rules to drop.
    assertEquals(List.of("a.go", "bin/run.sh", "dir/nested.txt", "go.mod", "link"),
        files.stream().map(ModuleFile::path).toList());
    assertEquals(List.of(true, true, true, true, false),
        files.stream().map(ModuleFile::regular).toList());
    // Contents are the blobs as stored (no line-ending conversion).
    assertEquals("package lib\r\n", read(files.get(0)));
    assertEquals(13, files.get(0).size());
    assertEquals("a.go", read(files.get(4)));
    assertEquals(4, files.get(4).size());
  }

  @Test
  void retractedVersions_areSkippedByLatest_andAsPseudoVersionBases() throws Exception {
    git = TestRepo.create(dir.resolve("lib.git"));
    ObjectId c1 = git.commit("main", "2019-06-01T00:00:00Z",
        Map.of("go.mod", "module github.com/acme/lib\n"));
    git.tag("v1.0.0", c1);
    String retracting = "module github.com/acme/lib\n\ngo 1.16\n\nretract (\n"
        + "\tv1.1.0 // published too early\n)\n";
    ObjectId c2 = git.commit("main", "2019-06-02T00:00:00Z", Map.of("go.mod", retracting));
    git.tag("v1.1.0", c2);
    ObjectId c3 = git.commit("main", "2019-06-03T00:00:00Z",
        Map.of("go.mod", retracting, "x.go", "package lib\n"));
    git.head("main");
    ModuleRepo lib = lib();

    assertEquals(List.of("v1.0.0", "v1.1.0"), lib.versions(), "listed all the same");
    // Query "latest" skips the versions the latest version's go.mod retracts.
    assertEquals("v1.0.0", lib.latest().version());
    // convert ignores retracted tags as pseudo-version bases (tagAllowed) ...
    assertEquals("v1.0.1-0.20190603000000-" + shortHash(c3), lib.stat("main").version());
    // ... and as the canonical tag of a commit found by hash (highestCanonical) ...
    assertEquals("v1.0.1-0.20190602000000-" + shortHash(c2), lib.stat(c2.name()).version());
    // ... but a retracted version asked for by name is still that version.
    assertEquals("v1.1.0", lib.stat("v1.1.0").version());
  }

  @Test
  void aGoModThatDoesNotParse_retractsNothing() throws Exception {
    git = TestRepo.create(dir.resolve("lib.git"));
    git.tag("v1.0.0", git.commit("main", "2019-06-01T00:00:00Z",
        Map.of("go.mod", "module github.com/acme/lib\n")));
    // "require" with a version that is none fails ParseLax: retractions are ignored.
    git.tag("v1.1.0", git.commit("main", "2019-06-02T00:00:00Z", Map.of("go.mod",
        "module github.com/acme/lib\nrequire example.com/x latest\nretract v1.1.0\n")));
    git.head("main");
    assertEquals("v1.1.0", lib().latest().version());
  }

  @Test
  void latest_withOnlyPrereleases_isTheHighestPrerelease() throws Exception {
    git = TestRepo.create(dir.resolve("lib.git"));
    git.tag("v0.9.0-alpha", git.commit("main", "2019-06-01T00:00:00Z",
        Map.of("go.mod", "module github.com/acme/lib\n")));
    git.tag("v0.9.0-beta", git.commit("main", "2019-06-02T00:00:00Z",
        Map.of("go.mod", "module github.com/acme/lib\n", "b", "")));
    git.commit("main", "2019-06-03T00:00:00Z", Map.of("go.mod", "module github.com/acme/lib\n"));
    git.head("main");
    assertEquals("v0.9.0-beta", lib().latest().version());
  }

  @Test
  void latest_withoutTags_isTheDefaultBranchsTip() throws Exception {
    git = TestRepo.create(dir.resolve("lib.git"));
    ObjectId tip = git.commit("main", "2019-06-01T00:00:00Z",
        Map.of("go.mod", "module github.com/acme/lib\n"));
    git.commit("newer", "2019-07-01T00:00:00Z", Map.of("go.mod", "module github.com/acme/lib\n"));
    git.head("main");
    // Not the newest commit of all: HEAD's.
    assertEquals("v0.0.0-20190601000000-" + shortHash(tip), lib().latest().version());
    assertEquals(List.of(), lib().versions());
  }

  @Test
  void withoutHeadOrTags_thereIsNoLatest() throws Exception {
    git = TestRepo.create(dir.resolve("lib.git"));
    git.commit("main", "2019-06-01T00:00:00Z", Map.of("go.mod", "module github.com/acme/lib\n"));
    git.head("gone");
    GoModuleException e = assertThrows(GoModuleException.NotFound.class, () -> lib().latest());
    assertEquals("module " + LIB + ": no matching versions for query \"latest\"",
        e.getMessage());
    assertThrows(GoModuleException.NotFound.class, () -> lib().stat("HEAD"));
    assertEquals("v0.0.0-20190601000000-",
        lib().stat("main").version().substring(0, "v0.0.0-20190601000000-".length()));
  }

  @Test
  void commitsOutsideBranchesAndTags_areNotFound() throws Exception {
    git = TestRepo.create(dir.resolve("lib.git"));
    ObjectId kept = git.commit("main", "2019-06-01T00:00:00Z",
        Map.of("go.mod", "module github.com/acme/lib\n"));
    ObjectId pull = git.commit("main", "2019-06-02T00:00:00Z",
        Map.of("go.mod", "module github.com/acme/lib\n", "pr", ""));
    // main goes back to kept; pull stays only under refs/pull/, which go never fetches.
    git.commit("main", java.time.Instant.parse("2019-06-03T00:00:00Z"), java.time.ZoneOffset.UTC,
        Map.of("go.mod", "module github.com/acme/lib\n", "c", ""), kept);
    org.eclipse.jgit.lib.RefUpdate u = git.repository().updateRef("refs/pull/1/head");
    u.setNewObjectId(pull);
    u.update();
    git.head("main");
    assertEquals("v0.0.0-20190601000000-" + shortHash(kept), lib().stat(kept.name()).version());
    GoModuleException e = assertThrows(GoModuleException.NotFound.class,
        () -> lib().stat(pull.name()));
    assertEquals(LIB + "@" + pull.name() + ": invalid version: unknown revision " + pull.name(),
        e.getMessage());
    assertThrows(GoModuleException.NotFound.class, () -> lib().stat(shortHash(pull)));
  }
}
