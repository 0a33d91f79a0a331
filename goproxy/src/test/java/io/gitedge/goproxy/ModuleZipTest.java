package io.gitedge.goproxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;

/**
 * {@link ModuleZip#create} against x/mod's own test data ({@code zip/testdata/create/*.txt} at
 * golang.org/x/mod fe2ec04): each archive is built as module files, zipped, and must give the
 * hash x/mod publishes for it, or be refused with x/mod's error. Every zip written is read back:
 * it must be a valid zip of exactly the files kept, each under {@code module@version/}, whose
 * contents hash (by this test's own {@code sha256sum | sha256sum}) to the hash returned.
 */
class ModuleZipTest {
  /** x/mod {@code zip/testdata/create/bad_file_path.txt}. */
  private static final String BAD_FILE_PATH = """
      path=example.com/m
      version=v1.0.0
      wantErr=malformed file path "bad.go'": invalid char '\\''
      -- bad.go' --
      package bad
      """;

  /** x/mod {@code zip/testdata/create/bad_gomod_case.txt}. */
  private static final String BAD_GOMOD_CASE = """
      path=example.com/m
      version=v1.0.0
      wantErr=GO.MOD: go.mod files must have lowercase names
      -- GO.MOD --
      module example.com/m
      """;

  /** x/mod {@code zip/testdata/create/bad_mod_path.txt}. */
  private static final String BAD_MOD_PATH = """
      path=cache
      version=v1.0.0
      wantErr=missing dot in first path element
      """;

  /** x/mod {@code zip/testdata/create/bad_mod_path_version_suffix.txt}. */
  private static final String BAD_MOD_PATH_VERSION_SUFFIX = """
      path=example.com/m
      version=v2.0.0
      wantErr=invalid version: should be v0 or v1, not v2
      """;

  /** x/mod {@code zip/testdata/create/bad_version.txt}. */
  private static final String BAD_VERSION = """
      path=example.com/m
      version=v1.0.0+bad
      wantErr=version "v1.0.0+bad" is not canonical (should be "v1.0.0")
      """;

  /** x/mod {@code zip/testdata/create/dup_file.txt}. */
  private static final String DUP_FILE = """
      path=example.com/m
      version=v1.0.0
      wantErr=multiple entries for file "dup.go"
      -- dup.go --
      package d1
      -- dup.go --
      package d2
      """;

  /** x/mod {@code zip/testdata/create/dup_file_and_dir.txt}. */
  private static final String DUP_FILE_AND_DIR = """
      path=example.com/m
      version=v1.0.0
      wantErr=entry "a.go" is both a file and a directory
      -- a.go --
      package a
      -- a.go/b.go --
      package b
      """;

  /** x/mod {@code zip/testdata/create/empty.txt}. */
  private static final String EMPTY = """
      path=example.com/empty
      version=v1.0.0
      hash=h1:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=
      """;

  /** x/mod {@code zip/testdata/create/exclude_cap_go_mod_submodule.txt}. */
  private static final String EXCLUDE_CAP_GO_MOD_SUBMODULE = """
      path=example.com/m
      version=v1.0.0
      hash=h1:xctQQey8/y7IcBjFZDP/onWLSXhlqcsC3i1fgSdpMHk=
      -- a.go --
      package a
      -- b/GO.MOD --
      MODULE EXAMPLE.COM/M/B
      -- b/b.go --
      package b
      """;

  /** x/mod {@code zip/testdata/create/exclude_submodule.txt}. */
  private static final String EXCLUDE_SUBMODULE = """
      path=example.com/m
      version=v1.0.0
      hash=h1:XduFAgX/GaspZa8Jv4pfzoGEzNaU/r88PiCunijw5ok=
      -- go.mod --
      module example.com/m

      go 1.13
      -- sub/go.mod --
      module example.com/m/sub
      -- sub/x.go' --
      invalid name, but this shouldn't be read
      """;

  /** x/mod {@code zip/testdata/create/exclude_vendor.txt}. */
  private static final String EXCLUDE_VENDOR = """
      path=example.com/m
      version=v1.0.0
      hash=h1:5u93LDLN0Me+NGfZtRpA5mHxY8svfykHpq4CMSaBZyc=
      -- go.mod --
      module example.com/m

      go 1.13
      -- vendor/modules.txt --
      included
      see comment in isVendoredPackage and golang.org/issue/31562.
      -- vendor/example.com/x/x.go --
      excluded
      -- sub/vendor/sub.txt --
      excluded
      -- pkg/vendor/vendor.go --
      excluded
      see comment in isVendoredPackage and golang.org/issue/37397
      """;

  /** x/mod {@code zip/testdata/create/exclude_vendor_go124.txt}. */
  private static final String EXCLUDE_VENDOR_GO124 = """
      path=example.com/m
      version=v1.0.0
      hash=h1:mJR1q75yiMK6+CDw6DuhMS4v4hNoLXqkyk2Cph4VS8Q=
      -- go.mod --
      module example.com/m

      go 1.24
      modules.txt is excluded in 1.24+. See golang.org/issue/63395
      -- vendor/modules.txt --
      excluded
      see comment in isVendoredPackage and golang.org/issue/31562.
      -- vendor/example.com/x/x.go --
      excluded
      -- sub/vendor/sub.txt --
      excluded
      -- pkg/vendor/vendor.go --
      included
      see comment in isVendoredPackage and golang.org/issue/37397
      """;

  /** x/mod {@code zip/testdata/create/file_case_conflict.txt}. */
  private static final String FILE_CASE_CONFLICT = """
      path=example.com/m
      version=v1.0.0
      wantErr=case-insensitive file name collision: "m.go" and "M.GO"
      -- m.go --
      package m
      -- M.GO --
      package m
      """;

  /** x/mod {@code zip/testdata/create/go_mod_dir.txt}. */
  private static final String GO_MOD_DIR = """
      path=example.com/m
      version=v1.0.0
      hash=h1:Mun5l9cBlDnnV6JasTpio2aZJSbFj++h+814mnKC/OM=
      -- go.mod/a.go --
      package a
      """;

// SKIP non-UTF-8 zip/testdata/create/invalid_utf8_mod_path.txt
  /** x/mod {@code zip/testdata/create/simple.txt}. */
  private static final String SIMPLE = """
      path=example.com/m
      version=v1.0.0
      hash=h1:tpqYOOmuilagXzyqoJ3roUjp8gneQeTv5YVpL6BG7/k=
      -- go.mod --
      module example.com/m

      go 1.13
      -- m.go --
      package m

      func Foo() int { return 42 }
      -- cmd/hello/hello.go --
      package main

      import (
        "fmt"
        "example.com/m"
      )

      func main() {
        fmt.Println(m.Foo())
      }
      """;

  @Test
  void simple() throws Exception {
    assertPublishedHash(SIMPLE, List.of("go.mod", "m.go", "cmd/hello/hello.go"));
  }

  @Test
  void empty() throws Exception {
    assertPublishedHash(EMPTY, List.of());
  }

  @Test
  void excludeSubmodule() throws Exception {
    // sub/x.go' has a bad name, but it lies in another module and is never looked at.
    assertPublishedHash(EXCLUDE_SUBMODULE, List.of("go.mod"));
  }

  @Test
  void excludeCapGoModSubmodule() throws Exception {
    assertPublishedHash(EXCLUDE_CAP_GO_MOD_SUBMODULE, List.of("a.go"));
  }

  @Test
  void excludeVendor_go113_keepsModulesTxt_andDropsNestedVendorPackages() throws Exception {
    assertPublishedHash(EXCLUDE_VENDOR, List.of("go.mod", "vendor/modules.txt"));
  }

  @Test
  void excludeVendor_go124_dropsModulesTxt_andKeepsFilesDirectlyInNestedVendorDirs()
      throws Exception {
    // The archive's sub/vendor/sub.txt says "excluded", but the published hash is that of a
    // zip holding it: from go 1.24, sub/vendor is a package whose path ends in vendor, not one
    // under a vendor directory, so its files stay, like pkg/vendor/vendor.go.
    assertPublishedHash(EXCLUDE_VENDOR_GO124,
        List.of("go.mod", "sub/vendor/sub.txt", "pkg/vendor/vendor.go"));
  }

  @Test
  void excludeVendor_theGoLineAlonePicksTheRules() throws Exception {
    // exclude_vendor.txt and exclude_vendor_go124.txt hold the same paths: swap their go lines
    // and the vendor rules swap with them; no go line at all is the old rules.
    assertEquals(List.of("go.mod", "sub/vendor/sub.txt", "pkg/vendor/vendor.go"),
        keptPaths(withGoMod(EXCLUDE_VENDOR, "module example.com/m\n\ngo 1.24\n")));
    assertEquals(List.of("go.mod", "vendor/modules.txt"),
        keptPaths(withGoMod(EXCLUDE_VENDOR_GO124, "module example.com/m\n\ngo 1.13\n")));
    assertEquals(List.of("go.mod", "vendor/modules.txt"),
        keptPaths(withGoMod(EXCLUDE_VENDOR_GO124, "module example.com/m\n")));
    assertNotEquals(Txtar.parse(EXCLUDE_VENDOR).param("hash"),
        Txtar.parse(EXCLUDE_VENDOR_GO124).param("hash"));
  }

  @Test
  void goModDir() throws Exception {
    assertPublishedHash(GO_MOD_DIR, List.of("go.mod/a.go"));
  }

  @Test
  void badFilePath() {
    assertRefused(BAD_FILE_PATH, GoModuleException.BadModule.class);
  }

  @Test
  void badGoModCase() {
    assertRefused(BAD_GOMOD_CASE, GoModuleException.BadModule.class);
  }

  @Test
  void badModPath() {
    assertRefused(BAD_MOD_PATH, GoModuleException.Invalid.class);
  }

  @Test
  void badModPathVersionSuffix() {
    assertRefused(BAD_MOD_PATH_VERSION_SUFFIX, GoModuleException.Invalid.class);
  }

  @Test
  void badVersion() {
    assertRefused(BAD_VERSION, GoModuleException.Invalid.class);
  }

  @Test
  void dupFile() {
    assertRefused(DUP_FILE, GoModuleException.BadModule.class);
  }

  @Test
  void dupFileAndDir() {
    assertRefused(DUP_FILE_AND_DIR, GoModuleException.BadModule.class);
  }

  @Test
  void fileCaseConflict() {
    assertRefused(FILE_CASE_CONFLICT, GoModuleException.BadModule.class);
  }

  @Test
  void invalidUtf8ModPath() {
    // x/mod's invalid_utf8_mod_path.txt names the module by the byte 0xff, which no Java
    // string holds; a lone surrogate is this package's stand-in for bytes that are not UTF-8.
    GoModuleException e = assertThrows(GoModuleException.Invalid.class,
        () -> ModuleZip.create("\udcff", "v1.0.0", List.of(), new ByteArrayOutputStream()));
    assertEquals("create zip: malformed module path \"\\udcff\": invalid UTF-8", e.getMessage());
  }

  @Test
  void errorsAreWordedAsCreateWordsThem() {
    assertEquals("create zip: dup.go: multiple entries for file \"dup.go\"",
        refusal(DUP_FILE).getMessage());
    assertEquals("create zip: M.GO: case-insensitive file name collision: \"m.go\" and "
        + "\"M.GO\"", refusal(FILE_CASE_CONFLICT).getMessage());
    assertEquals("create zip: a.go/b.go: entry \"a.go\" is both a file and a directory",
        refusal(DUP_FILE_AND_DIR).getMessage());
    assertEquals("create zip: malformed module path \"cache\": missing dot in first path element",
        refusal(BAD_MOD_PATH).getMessage());
    assertEquals("create zip: example.com/m@v2.0.0: invalid version: should be v0 or v1, not v2",
        refusal(BAD_MOD_PATH_VERSION_SUFFIX).getMessage());
  }

  @Test
  void everyInvalidFileIsListed_oneALine_inTheOrderGiven() {
    List<MemoryFile> files = List.of(MemoryFile.of("ok.go", "package ok\n"),
        MemoryFile.of("b\\c.go", ""), MemoryFile.of("a/../d.go", ""), MemoryFile.of("OK.GO", ""));
    GoModuleException e = assertThrows(GoModuleException.BadModule.class,
        () -> ModuleZip.create("example.com/m", "v1.0.0", files, new ByteArrayOutputStream()));
    assertEquals("create zip: b\\c.go: malformed file path \"b\\\\c.go\": invalid char '\\\\'\n"
        + "a/../d.go: file path is not clean\n"
        + "OK.GO: case-insensitive file name collision: \"ok.go\" and \"OK.GO\"", e.getMessage());
  }

  @Test
  void versionControlFolders_areKept_asCreateKeepsThem() throws Exception {
    Map<String, byte[]> zip = zipOf("example.com/m", "v1.0.0", List.of(
        MemoryFile.of(".hg/hgrc", "[ui]\n"), MemoryFile.of(".svn/entries", "12\n"),
        MemoryFile.of(".bzr/branch-format", "x\n"), MemoryFile.of(".hg_archival.txt", "repo\n"),
        MemoryFile.of("sub/.hg_archival.txt", "kept: only the root one is dropped\n")));
    assertEquals(List.of("example.com/m@v1.0.0/.hg/hgrc", "example.com/m@v1.0.0/.svn/entries",
        "example.com/m@v1.0.0/.bzr/branch-format", "example.com/m@v1.0.0/sub/.hg_archival.txt"),
        List.copyOf(zip.keySet()));
  }

  @Test
  void irregularFiles_areLeftOut_butStillCollide() throws Exception {
    Map<String, byte[]> zip = zipOf("example.com/m", "v1.0.0", List.of(
        MemoryFile.of("a.go", "package a\n"), MemoryFile.of("link.go", "a.go").irregular()));
    assertEquals(List.of("example.com/m@v1.0.0/a.go"), List.copyOf(zip.keySet()));

    GoModuleException e = assertThrows(GoModuleException.BadModule.class,
        () -> ModuleZip.create("example.com/m", "v1.0.0", List.of(
            MemoryFile.of("a.go", "package a\n"), MemoryFile.of("A.go", "a.go").irregular()),
            new ByteArrayOutputStream()));
    assertEquals("create zip: A.go: case-insensitive file name collision: \"a.go\" and \"A.go\"",
        e.getMessage());
  }

  @Test
  void anIrregularGoMod_makesNoNestedModule() throws Exception {
    Map<String, byte[]> zip = zipOf("example.com/m", "v1.0.0", List.of(
        MemoryFile.of("sub/go.mod", "module example.com/m/sub\n").irregular(),
        MemoryFile.of("sub/s.go", "package sub\n")));
    assertEquals(List.of("example.com/m@v1.0.0/sub/s.go"), List.copyOf(zip.keySet()));
  }

  @Test
  void unicodeCaseFolding_isGos() {
    // The Kelvin sign folds to k, so K.go and \u212a.go collide; dotless i stays apart from i.
    assertThrows(GoModuleException.BadModule.class, () -> ModuleZip.create("example.com/m",
        "v1.0.0", List.of(MemoryFile.of("k.go", ""), MemoryFile.of("\u212a.go", "")),
        new ByteArrayOutputStream()));
    assertThrows(GoModuleException.BadModule.class, () -> ModuleZip.create("example.com/m",
        "v1.0.0", List.of(MemoryFile.of("stra\u00dfe/x.go", ""),
            MemoryFile.of("STRA\u1e9eE/y.go", "")), new ByteArrayOutputStream()));
    assertDoesNotThrow(List.of(MemoryFile.of("i.go", ""), MemoryFile.of("\u0131.go", "")));
  }

  @Test
  void majorVersionSuffixes_andIncompatible() throws Exception {
    zipHash("example.com/m/v2", "v2.0.0");
    zipHash("example.com/m", "v2.0.0+incompatible");
    zipHash("gopkg.in/yaml.v3", "v3.0.1");
    zipHash("gopkg.in/check.v1", "v0.0.0-20161208181325-20d25e280405");
    assertEquals("create zip: version \"v1.2\" is not canonical (should be \"v1.2.0\")",
        assertThrows(GoModuleException.Invalid.class, () -> zipHash("example.com/m", "v1.2"))
            .getMessage());
    assertEquals("create zip: example.com/m/v2@v3.0.0: invalid version: should be v2, not v3",
        assertThrows(GoModuleException.Invalid.class, () -> zipHash("example.com/m/v2", "v3.0.0"))
            .getMessage());
    assertEquals("create zip: example.com/m@: invalid version: not a semantic version",
        assertThrows(GoModuleException.Invalid.class, () -> zipHash("example.com/m", ""))
            .getMessage());
    assertEquals("create zip: malformed module path \"example.com/m/v1\": invalid version",
        assertThrows(GoModuleException.Invalid.class, () -> zipHash("example.com/m/v1", "v1.0.0"))
            .getMessage());
  }

  @Test
  void entries_keepTheOrderGiven_whileTheHashSortsNamesAsUtf8() throws Exception {
    // U+FF41 sorts before U+10400 in UTF-8 (Go's order) but after it in UTF-16 (Java's).
    List<MemoryFile> files = List.of(MemoryFile.of("z.go", "package z\n"),
        MemoryFile.of("a.go", "package a\n"), MemoryFile.of("\ud801\udc00.txt", "U+10400\n"),
        MemoryFile.of("\uff41.txt", "fullwidth a\n"));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    String hash = ModuleZip.create("example.com/m", "v1.0.0", files, out);
    Map<String, byte[]> zip = readZip(out.toByteArray());
    assertEquals(List.of("example.com/m@v1.0.0/z.go", "example.com/m@v1.0.0/a.go",
        "example.com/m@v1.0.0/\ud801\udc00.txt", "example.com/m@v1.0.0/\uff41.txt"),
        List.copyOf(zip.keySet()));
    assertEquals(sha256sumOfSha256sums(zip), hash);
    List<MemoryFile> reversed = new ArrayList<>(files);
    java.util.Collections.reverse(reversed);
    assertEquals(hash, ModuleZip.create("example.com/m", "v1.0.0", reversed,
        new ByteArrayOutputStream()));
  }

  @Test
  void theZip_isTheSameBytes_everyTime() throws Exception {
    List<MemoryFile> files = Txtar.parse(SIMPLE).moduleFiles();
    ByteArrayOutputStream first = new ByteArrayOutputStream();
    ByteArrayOutputStream second = new ByteArrayOutputStream();
    ModuleZip.create("example.com/m", "v1.0.0", files, first);
    ModuleZip.create("example.com/m", "v1.0.0", files, second);
    assertTrue(java.util.Arrays.equals(first.toByteArray(), second.toByteArray()));
  }

  @Test
  void eachFileIsOpenedOnce_andTheRootGoModTwice() throws Exception {
    List<MemoryFile> files = Txtar.parse(SIMPLE).moduleFiles();
    ModuleZip.create("example.com/m", "v1.0.0", files, new ByteArrayOutputStream());
    for (MemoryFile f : files) {
      assertEquals(f.path().equals("go.mod") ? 2 : 1, f.opens().get(), f.path());
    }
  }

  @Test
  void refusedFiles_areNeverRead() {
    List<MemoryFile> files = Txtar.parse(DUP_FILE).moduleFiles();
    assertThrows(GoModuleException.BadModule.class, () -> ModuleZip.create("example.com/m",
        "v1.0.0", files, new ByteArrayOutputStream()));
    files.forEach(f -> assertEquals(0, f.opens().get(), f.path()));
  }

  @Test
  void theOutputStream_isLeftOpen() throws Exception {
    boolean[] closed = {false};
    ByteArrayOutputStream out = new ByteArrayOutputStream() {
      @Override
      public void close() {
        closed[0] = true;
      }
    };
    ModuleZip.create("example.com/m", "v1.0.0", Txtar.parse(SIMPLE).moduleFiles(), out);
    assertFalse(closed[0]);
  }

  @Test
  void goModHash_isHash1OfOneFileNamedGoMod() {
    byte[] goMod = "module example.com/m\n\ngo 1.13\n".getBytes(StandardCharsets.UTF_8);
    Map<String, byte[]> one = new LinkedHashMap<>();
    one.put("go.mod", goMod);
    assertEquals(sha256sumOfSha256sums(one), ModuleZip.goModHash(goMod));
    assertNotEquals(ModuleZip.goModHash(goMod), ModuleZip.goModHash(new byte[0]));
  }

  // Helpers.

  private static void assertPublishedHash(String archive, List<String> kept) throws Exception {
    Txtar test = Txtar.parse(archive);
    String path = test.param("path");
    String version = test.param("version");
    List<MemoryFile> files = test.moduleFiles();
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    String hash = ModuleZip.create(path, version, files, out);

    assertEquals(test.param("hash"), hash);
    Map<String, byte[]> zip = readZip(out.toByteArray());
    String prefix = path + "@" + version + "/";
    assertEquals(kept.stream().map(p -> prefix + p).toList(), List.copyOf(zip.keySet()));
    for (String p : kept) {
      byte[] want = files.stream().filter(f -> f.path().equals(p)).findFirst().orElseThrow()
          .data();
      assertEquals(new String(want, StandardCharsets.UTF_8),
          new String(zip.get(prefix + p), StandardCharsets.UTF_8), p);
    }
    assertEquals(hash, sha256sumOfSha256sums(zip));
  }

  private static void assertRefused(String archive,
      Class<? extends GoModuleException> kind) {
    Txtar test = Txtar.parse(archive);
    GoModuleException e = refusal(archive);
    assertEquals(kind, e.getClass());
    assertTrue(e.getMessage().startsWith("create zip: "), e.getMessage());
    assertTrue(e.getMessage().contains(test.param("wantErr")),
        e.getMessage() + " lacks " + test.param("wantErr"));
  }

  private static GoModuleException refusal(String archive) {
    Txtar test = Txtar.parse(archive);
    return assertThrows(GoModuleException.class, () -> ModuleZip.create(test.param("path"),
        test.param("version"), test.moduleFiles(), new ByteArrayOutputStream()));
  }

  private static void assertDoesNotThrow(List<MemoryFile> files) {
    org.junit.jupiter.api.Assertions.assertDoesNotThrow(() -> ModuleZip.create("example.com/m",
        "v1.0.0", files, new ByteArrayOutputStream()));
  }

  private static String zipHash(String path, String version) throws Exception {
    return ModuleZip.create(path, version, List.of(MemoryFile.of("x.go", "package x\n")),
        new ByteArrayOutputStream());
  }

  /** The files of {@code archive}, with {@code goMod} in place of its go.mod. */
  private static List<MemoryFile> withGoMod(String archive, String goMod) {
    return Txtar.parse(archive).moduleFiles().stream()
        .map(f -> f.path().equals("go.mod") ? MemoryFile.of("go.mod", goMod) : f).toList();
  }

  /** The paths of the files a zip of {@code files} keeps, in order. */
  private static List<String> keptPaths(List<MemoryFile> files) throws Exception {
    String prefix = "example.com/m@v1.0.0/";
    return zipOf("example.com/m", "v1.0.0", files).keySet().stream()
        .map(n -> n.substring(prefix.length())).toList();
  }

  private static Map<String, byte[]> zipOf(String path, String version, List<MemoryFile> files)
      throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    String hash = ModuleZip.create(path, version, files, out);
    Map<String, byte[]> zip = readZip(out.toByteArray());
    assertEquals(hash, sha256sumOfSha256sums(zip));
    return zip;
  }

  /** The zip's entries in order, read back with the JDK's reader; no name twice. */
  static Map<String, byte[]> readZip(byte[] zip) throws IOException {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip),
        StandardCharsets.UTF_8)) {
      for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
        assertFalse(e.isDirectory(), e.getName());
        assertEquals(ZipEntry.DEFLATED, e.getMethod(), e.getName());
        byte[] content = in.readAllBytes();
        assertEquals(null, entries.put(e.getName(), content), "twice: " + e.getName());
      }
    }
    return entries;
  }

  /**
   * The {@code h1:} hash as its definition says, written apart from {@link DirHash}:
   * {@code sha256sum $(find . -type f | sort) | sha256sum}, in base64, names sorted as bytes.
   */
  static String sha256sumOfSha256sums(Map<String, byte[]> files) {
    try {
      Map<String, byte[]> byBytes = new TreeMap<>((a, b) -> java.util.Arrays.compareUnsigned(
          a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8)));
      byBytes.putAll(files);
      StringBuilder summary = new StringBuilder();
      for (Map.Entry<String, byte[]> f : byBytes.entrySet()) {
        summary.append(HexFormat.of().formatHex(
            MessageDigest.getInstance("SHA-256").digest(f.getValue())))
            .append("  ").append(f.getKey()).append('\n');
      }
      byte[] sum = MessageDigest.getInstance("SHA-256")
          .digest(summary.toString().getBytes(StandardCharsets.UTF_8));
      return "h1:" + Base64.getEncoder().encodeToString(sum);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
