package io.gitedge.goproxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The module's {@code go} line, which picks the zip's vendor rules: {@link GoModFile} against
 * {@code modfile.ParseLax} and {@link GoVersion} against {@code go/version}. The expected values
 * are the go command's: x/mod's {@code TestParseVersions} and {@code TestParseLax}, Go's
 * {@code go/version} and {@code internal/gover} test tables, and for the rest what
 * {@code modfile.ParseLax} at x/mod fe2ec04 answered for the same bytes.
 */
class ModuleZipGoModTest {

  /** A go.mod and the version ParseLax reads from it; "" for none, UNREADABLE for an error. */
  static Stream<Arguments> goModFiles() {
    return Stream.of(
        // x/mod TestParseVersions: ok (read in both modes) or neither ok nor laxOK (never read).
        Arguments.of("module m\ngo \n", UNREADABLE),
        Arguments.of("module m\ngo 1\n", UNREADABLE),
        Arguments.of("module m\ngo 1.22\n", "1.22"),
        Arguments.of("module m\ngo 1.22.333", "1.22.333"),
        Arguments.of("module m\ngo 1.2rc1\n", "1.2rc1"),
        Arguments.of("module m\ngo 1.2 3.4\n", UNREADABLE),
        Arguments.of("module m\ngo 1.2.3\n", "1.2.3"),
        Arguments.of("module m\ngo 1.2beta1\n", "1.2beta1"),
        Arguments.of("module m\ntoolchain inconceivable!\n", ""),
        // x/mod TestParseLax: all that is wrong here is ignored by lax parsing.
        Arguments.of("module m\n\t\tsurprise attack\n\t\tx y (\n\t\t\tz\n\t\t)\n"
            + "\t\texclude v1.2.3\n\t\treplace <-!!!\n\t\tretract v1.2.3 v1.2.4\n"
            + "\t\tretract (v1.2.3, v1.2.4]\n\t\tretract v1.2.3 (\n\t\t\tkey1 value1\n"
            + "\t\t\tkey2 value2\n\t\t)\n\t\trequire good v1.0.0\n\tgo 1.24\n", "1.24"),
        // The lax form of the go line keeps major.minor.
        Arguments.of("go 1.21.x\n", "1.21"),
        Arguments.of("go 1.2.beta1\n", "1.2"),
        Arguments.of("go v1.24.0\n", "1.24"),
        Arguments.of("go v1.24\n", UNREADABLE),
        Arguments.of("go 01.24\n", UNREADABLE),
        // Where and how the go line is written.
        Arguments.of("module example.com/m\n\ngo 1.24\nmodules.txt is excluded in 1.24+. See "
            + "golang.org/issue/63395\n", "1.24"),
        Arguments.of("go 1.24 // comment\n", "1.24"),
        Arguments.of("go\t1.24", "1.24"),
        Arguments.of("go 1.24\r\n", "1.24"),
        Arguments.of("// go 1.24\n", ""),
        Arguments.of("go (\n\t1.24\n)\n", ""),
        Arguments.of("go 1.23\ngo 1.24\n", UNREADABLE),
        Arguments.of("\ufeffgo 1.24\n", UNREADABLE),
        Arguments.of("go 1.24\n\u0000\n", UNREADABLE),
        Arguments.of("go 1.24\n)\n", "1.24"),
        // Syntax errors anywhere.
        Arguments.of("/* c */\ngo 1.24\n", UNREADABLE),
        Arguments.of("go 1.24\nmodule \"example.com/m\n", UNREADABLE),
        Arguments.of("go 1.24\nrequire (\n\tx v1.0.0\n", UNREADABLE),
        Arguments.of("go 1.24\nrequire x v1.0.0 (\n", UNREADABLE),
        Arguments.of("go 1.24\nrequire [\n", UNREADABLE),
        Arguments.of("go 1.24\nrequire ( ) \n", "1.24"),
        // Lines lax parsing still reads, and can fail on.
        Arguments.of("go 1.24\nrequire example.com/x v1\n", "1.24"),
        Arguments.of("go 1.24\nrequire example.com/x v2.0.0+incompatible\n", "1.24"),
        Arguments.of("go 1.24\nrequire (\n\texample.com/x v1.0.0\n"
            + "\t\"example.com/y\" v1.0.0 // indirect\n)\n", "1.24"),
        Arguments.of("go 1.24\nrequire example.com/x 1.0\n", UNREADABLE),
        Arguments.of("go 1.24\nrequire example.com/x/v2 v1.0.0\n", UNREADABLE),
        Arguments.of("go 1.24\nrequire example.com/x/v1 v1.0.0\n", UNREADABLE),
        Arguments.of("go 1.24\nrequire \"example.com/\\x\" v1.0.0\n", UNREADABLE),
        Arguments.of("go 1.24\nrequire \"a\\400\" v1.0.0\n", UNREADABLE),
        Arguments.of("go 1.24\nrequire `raw` v1.0.0\n", UNREADABLE),
        Arguments.of("go 1.24\nrequire example.com/x'y v1.0.0\n", UNREADABLE),
        Arguments.of("go 1.24\nrequire example.com/x v1.0.0 garbage\n", UNREADABLE),
        Arguments.of("go 1.24\nmodule a b\n", UNREADABLE),
        Arguments.of("module a\nmodule b\ngo 1.24\n", UNREADABLE),
        Arguments.of("go 1.24\nmodule \"a\\u00e9\"\n", "1.24"),
        Arguments.of("go 1.24\nmodule \"a\\ud800\"\n", UNREADABLE),
        Arguments.of("go 1.24\nignore ./x\n", "1.24"),
        Arguments.of("go 1.24\nignore a b\n", UNREADABLE),
        // What lax parsing ignores.
        Arguments.of("go 1.24\nreplace x => y z w\nexclude q\ntoolchain bogus!\ngodebug ,\n"
            + "tool a b c\nretract (v1\nsurprise attack\n", "1.24"),
        Arguments.of("go 1.24\nx y (\n\tz\n)\n", "1.24"));
  }

  private static final String UNREADABLE = "UNREADABLE";

  @ParameterizedTest
  @MethodSource("goModFiles")
  void goLine_isWhatParseLaxReads(String goMod, String want) {
    Optional<String> got = GoModFile.goVersion(goMod.getBytes(StandardCharsets.UTF_8));
    assertEquals(want.equals(UNREADABLE) ? "" : want, got.orElse(""));
  }

  @Test
  void bytesThatAreNotUtf8_areIdentifierCharacters_asInGo() {
    byte[] goMod = {'g', 'o', ' ', '1', '.', '2', '4', '\n', 'x', (byte) 0xff, '\n'};
    assertEquals(Optional.of("1.24"), GoModFile.goVersion(goMod));
  }

  @Test
  void aGoModGoCannotRead_getsTheOldVendorRules() throws Exception {
    List<MemoryFile> files = List.of(
        MemoryFile.of("go.mod", "module example.com/m\n\ngo 1.24\nrequire example.com/x 1.0\n"),
        MemoryFile.of("vendor/modules.txt", "# kept by the old rules\n"),
        MemoryFile.of("pkg/vendor/v.go", "package vendor\n"));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ModuleZip.create("example.com/m", "v1.0.0", files, out);
    assertEquals(List.of("example.com/m@v1.0.0/go.mod", "example.com/m@v1.0.0/vendor/modules.txt"),
        List.copyOf(ModuleZipTest.readZip(out.toByteArray()).keySet()));
  }

  @ParameterizedTest
  @CsvSource({
      // Go's go/version TestCompare.
      "'', '', 0", "x, x, 0", "'', x, 0", "1, 1.1, 0", "go1, go1.1, -1", "go1.5, go1.6, -1",
      "go1.5, go1.10, -1", "go1.6, go1.6.1, -1", "go1.19, go1.19.0, 0", "go1.19rc1, go1.19, -1",
      "go1.20, go1.20.0, 0", "go1.20, go1.20.0-bigcorp, 0", "go1.20rc1, go1.20, -1",
      "go1.21, go1.21.0, -1", "go1.21, go1.21.0-bigcorp, -1", "go1.21, go1.21rc1, -1",
      "go1.21rc1, go1.21.0, -1", "go1.6, go1.19, -1", "go1.19, go1.19.1, -1",
      "go1.19rc1, go1.19.1, -1", "go1.19rc1, go1.19rc2, -1", "go1.19.0, go1.19.1, -1",
      "go1.19rc1, go1.19.0, -1", "go1.19alpha3, go1.19beta2, -1", "go1.19beta2, go1.19rc1, -1",
      "go1.1, go1.99999999999999998, -1", "go1.9.2rc2, go1.9.2, -1",
      "go1.9.2rc2, go1.9.2rc3, -1", "go1.9.2beta2, go1.9.2rc3, -1",
      "go1.9.2alpha1, go1.9.2beta2, -1", "go1.99999999999999998, go1.99999999999999999, -1",
      // The zip's own question.
      "go1.24, go1.24, 0", "go1.23, go1.24, -1", "go1.100, go1.24, 1", "go2.0, go1.24, 1",
      "'', go1.24, -1"})
  void compare_isGoVersionCompare(String x, String y, int want) {
    assertEquals(want, GoVersion.compare(x, y));
    assertEquals(-want, GoVersion.compare(y, x));
  }

  @ParameterizedTest
  @CsvSource({
      // Go's go/version TestLang and the examples of its doc.
      "bad, ''", "go1.2rc3, go1.2", "go1.2.3, go1.2", "go1.2, go1.2", "go1, go1",
      "go222, go222.0", "go1.8.2rc, go1.8", "go1.999testmod, go1.999", "go1.21rc2, go1.21",
      "go1.21.2, go1.21", "go1.21, go1.21", "1.21, ''", "go1.0, go1", "'', ''"})
  void lang_isGoVersionLang(String x, String want) {
    assertEquals(want, GoVersion.lang(x));
  }

  @ParameterizedTest
  @CsvSource({
      // Go's internal/gover TestParse.
      "1, 1, 0, 0, '', ''", "1.2, 1, 2, 0, '', ''", "1.2.3, 1, 2, 3, '', ''",
      "1.2rc3, 1, 2, '', rc, 3", "1.20, 1, 20, 0, '', ''", "1.21, 1, 21, '', '', ''",
      "1.21rc3, 1, 21, '', rc, 3", "1.21.0, 1, 21, 0, '', ''", "1.24, 1, 24, '', '', ''",
      "1.24rc3, 1, 24, '', rc, 3", "1.24.0, 1, 24, 0, '', ''",
      "1.999testmod, 1, 999, '', testmod, ''",
      "1.99999999999999999, 1, 99999999999999999, '', '', ''"})
  void parse_isGoverParse(String x, String major, String minor, String patch, String kind,
      String pre) {
    assertEquals(Optional.of(new GoVersion(major, minor, patch, kind, pre)), GoVersion.parse(x));
  }

  @ParameterizedTest
  @CsvSource({"1.600+auto", "''", "01.2", "1.02", "1.2.", "1.2RC1", "x1.2", "1.2rc01"})
  void parse_refusesWhatGoverRefuses(String x) {
    assertEquals(Optional.empty(), GoVersion.parse(x));
  }
}
