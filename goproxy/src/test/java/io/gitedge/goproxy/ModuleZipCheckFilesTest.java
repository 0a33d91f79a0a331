package io.gitedge.goproxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Which files a zip keeps, leaves out and refuses, against x/mod's
 * {@code zip/testdata/check_files/*.txt} (golang.org/x/mod fe2ec04, embedded verbatim): the
 * three lists must read exactly as x/mod's {@code TestCheckFiles} prints them, and
 * {@link ModuleZip#create} must refuse with the invalid list as its error.
 */
class ModuleZipCheckFilesTest {
  /** x/mod {@code zip/testdata/check_files/empty.txt}. */
  private static final String CHECK_EMPTY = """
      -- want --
      valid:

      omitted:

      invalid:
      """;

  /** x/mod {@code zip/testdata/check_files/various.txt}. */
  private static final String CHECK_VARIOUS = """
      -- want --
      valid:
      valid.go
      vendor/modules.txt

      omitted:
      vendor/x/y: file is in vendor directory
      sub/go.mod: file is in another module
      .hg_archival.txt: file is inserted by 'hg archive' and is always omitted
      pkg/vendor/vendor.go: file is in vendor directory

      invalid:
      not/../clean: file path is not clean
      GO.MOD: go.mod files must have lowercase names
      invalid.go': malformed file path "invalid.go'": invalid char '\\''
      valid.go: multiple entries for file "valid.go"
      -- valid.go --
      -- not/../clean --
      -- GO.MOD --
      -- invalid.go' --
      -- vendor/x/y --
      -- vendor/modules.txt --
      -- sub/go.mod --
      -- .hg_archival.txt --
      -- valid.go --
      duplicate
      -- valid.go --
      another duplicate
      -- pkg/vendor/vendor.go --
      """;

  /** x/mod {@code zip/testdata/check_files/various_go123.txt}. */
  private static final String CHECK_VARIOUS_GO123 = """
      -- want --
      valid:
      valid.go
      go.mod
      vendor/modules.txt

      omitted:
      vendor/x/y: file is in vendor directory
      sub/go.mod: file is in another module
      .hg_archival.txt: file is inserted by 'hg archive' and is always omitted
      pkg/vendor/vendor.go: file is in vendor directory

      invalid:
      not/../clean: file path is not clean
      invalid.go': malformed file path "invalid.go'": invalid char '\\''
      valid.go: multiple entries for file "valid.go"
      -- valid.go --
      -- not/../clean --
      -- go.mod --
      go 1.23
      -- invalid.go' --
      -- vendor/x/y --
      -- vendor/modules.txt --
      -- sub/go.mod --
      -- .hg_archival.txt --
      -- valid.go --
      duplicate
      -- valid.go --
      another duplicate
      -- pkg/vendor/vendor.go --
      """;

  /** x/mod {@code zip/testdata/check_files/various_go124.txt}. */
  private static final String CHECK_VARIOUS_GO124 = """
      -- want --
      valid:
      valid.go
      go.mod
      pkg/vendor/vendor.go

      omitted:
      vendor/x/y: file is in vendor directory
      vendor/modules.txt: file is in vendor directory
      sub/go.mod: file is in another module
      .hg_archival.txt: file is inserted by 'hg archive' and is always omitted

      invalid:
      not/../clean: file path is not clean
      invalid.go': malformed file path "invalid.go'": invalid char '\\''
      valid.go: multiple entries for file "valid.go"
      -- valid.go --
      -- not/../clean --
      -- go.mod --
      go 1.24
      -- invalid.go' --
      -- vendor/x/y --
      -- vendor/modules.txt --
      -- sub/go.mod --
      go 1.23
      -- .hg_archival.txt --
      -- valid.go --
      duplicate
      -- valid.go --
      another duplicate
      -- pkg/vendor/vendor.go --
      """;

  @Test
  void empty() throws Exception {
    assertListing(CHECK_EMPTY);
  }

  @Test
  void various_withoutGoMod_isTheOldRules() throws Exception {
    assertListing(CHECK_VARIOUS);
  }

  @Test
  void various_go123_keepsModulesTxt_andDropsPkgVendor() throws Exception {
    assertListing(CHECK_VARIOUS_GO123);
  }

  @Test
  void various_go124_dropsModulesTxt_andKeepsPkgVendor() throws Exception {
    assertListing(CHECK_VARIOUS_GO124);
  }

  private static void assertListing(String archive) throws Exception {
    Txtar test = Txtar.parse(archive);
    String want = test.files().stream().filter(f -> f.name().equals("want")).findFirst()
        .orElseThrow().text();
    List<MemoryFile> files = test.moduleFiles().stream()
        .filter(f -> !f.path().equals("want")).toList();

    CheckedFiles checked = ZipFileRules.check(files);

    assertEquals(want, format(checked));
    if (checked.invalid().isEmpty()) {
      return;
    }
    String invalid = checked.invalid().stream().map(CheckedFiles.FileError::toString)
        .collect(Collectors.joining("\n"));
    GoModuleException e = assertThrows(GoModuleException.BadModule.class,
        () -> ModuleZip.create("example.com/m", "v1.0.0", files, new ByteArrayOutputStream()));
    assertEquals("create zip: " + invalid, e.getMessage());
  }

  /** As x/mod's formatCheckedFiles prints them. */
  private static String format(CheckedFiles checked) {
    StringBuilder out = new StringBuilder("valid:\n");
    checked.valid().forEach(f -> out.append(f.path()).append('\n'));
    out.append("\nomitted:\n");
    checked.omitted().forEach(f -> out.append(f).append('\n'));
    out.append("\ninvalid:\n");
    checked.invalid().forEach(f -> out.append(f).append('\n'));
    return out.toString();
  }
}
