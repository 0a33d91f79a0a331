package io.gitedge.goproxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * File and module path rules ({@link ModulePath}) against x/mod's
 * {@code module/module_test.go} tables ({@code checkPathTests}, {@code checkTests},
 * {@code splitPathVersionTests}), the messages {@code module.CheckFilePath} gives (as x/mod
 * fe2ec04 gave them for the same paths), and Go's {@code path.Clean} (its own test table).
 */
class ModuleZipPathRulesTest {

  /** x/mod's checkPathTests: path, a valid module path, a valid file path. */
  static Stream<Arguments> checkPathTests() {
    return Stream.of(
        Arguments.of("x.y/z", true, true), Arguments.of("x.y", true, true),
        Arguments.of("", false, false),
        // "x.y/\xFFz": a lone surrogate stands for the byte that is not UTF-8.
        Arguments.of("x.y/\udcffz", false, false),
        Arguments.of("/x.y/z", false, false), Arguments.of("x./z", false, false),
        Arguments.of(".x/z", false, true), Arguments.of("-x/z", false, true),
        Arguments.of("x..y/z", true, true), Arguments.of("x.y/z/../../w", false, false),
        Arguments.of("x.y//z", false, false), Arguments.of("x.y/z//w", false, false),
        Arguments.of("x.y/z/", false, false),
        Arguments.of("x.y/z/v0", false, true), Arguments.of("x.y/z/v1", false, true),
        Arguments.of("x.y/z/v2", true, true), Arguments.of("x.y/z/v2.0", false, true),
        Arguments.of("X.y/z", false, true),
        Arguments.of("!x.y/z", false, true), Arguments.of("_x.y/z", false, true),
        Arguments.of("x.y!/z", false, true), Arguments.of("x.y\"/z", false, false),
        Arguments.of("x.y#/z", false, true), Arguments.of("x.y$/z", false, true),
        Arguments.of("x.y%/z", false, true), Arguments.of("x.y&/z", false, true),
        Arguments.of("x.y'/z", false, false), Arguments.of("x.y(/z", false, true),
        Arguments.of("x.y)/z", false, true), Arguments.of("x.y*/z", false, false),
        Arguments.of("x.y+/z", false, true), Arguments.of("x.y,/z", false, true),
        Arguments.of("x.y-/z", true, true), Arguments.of("x.y./zt", false, false),
        Arguments.of("x.y:/z", false, false), Arguments.of("x.y;/z", false, false),
        Arguments.of("x.y</z", false, false), Arguments.of("x.y=/z", false, true),
        Arguments.of("x.y>/z", false, false), Arguments.of("x.y?/z", false, false),
        Arguments.of("x.y@/z", false, true), Arguments.of("x.y[/z", false, true),
        Arguments.of("x.y\\/z", false, false), Arguments.of("x.y]/z", false, true),
        Arguments.of("x.y^/z", false, true), Arguments.of("x.y_/z", false, true),
        Arguments.of("x.y`/z", false, false), Arguments.of("x.y{/z", false, true),
        Arguments.of("x.y}/z", false, true), Arguments.of("x.y~/z", false, true),
        Arguments.of("x.y/z!", false, true), Arguments.of("x.y/z\"", false, false),
        Arguments.of("x.y/z#", false, true), Arguments.of("x.y/z$", false, true),
        Arguments.of("x.y/z%", false, true), Arguments.of("x.y/z&", false, true),
        Arguments.of("x.y/z'", false, false), Arguments.of("x.y/z(", false, true),
        Arguments.of("x.y/z)", false, true), Arguments.of("x.y/z*", false, false),
        Arguments.of("x.y/z++", false, true), Arguments.of("x.y/z,", false, true),
        Arguments.of("x.y/z-", true, true), Arguments.of("x.y/z.t", true, true),
        Arguments.of("x.y/z/t", true, true), Arguments.of("x.y/z:", false, false),
        Arguments.of("x.y/z;", false, false), Arguments.of("x.y/z<", false, false),
        Arguments.of("x.y/z=", false, true), Arguments.of("x.y/z>", false, false),
        Arguments.of("x.y/z?", false, false), Arguments.of("x.y/z@", false, true),
        Arguments.of("x.y/z[", false, true), Arguments.of("x.y/z\\", false, false),
        Arguments.of("x.y/z]", false, true), Arguments.of("x.y/z^", false, true),
        Arguments.of("x.y/z_", true, true), Arguments.of("x.y/z`", false, false),
        Arguments.of("x.y/z{", false, true), Arguments.of("x.y/z}", false, true),
        Arguments.of("x.y/z~", true, true), Arguments.of("x.y/x.foo", true, true),
        Arguments.of("x.y/aux.foo", false, false), Arguments.of("x.y/prn", false, false),
        Arguments.of("x.y/prn2", true, true), Arguments.of("x.y/com", true, true),
        Arguments.of("x.y/com1", false, false), Arguments.of("x.y/com1.txt", false, false),
        Arguments.of("x.y/calm1", true, true), Arguments.of("x.y/z~0", false, true),
        Arguments.of("x.y/z~09", false, true), Arguments.of("x.y/z09", true, true),
        Arguments.of("x.y/z09~", true, true), Arguments.of("x.y/z09~09z", true, true),
        Arguments.of("x.y/z09~09z~09", false, true),
        Arguments.of("github.com/!123/logrus", false, true),
        Arguments.of("github.com/user/unicode/испытание", false, true),
        Arguments.of("../x", false, false), Arguments.of("./y", false, false),
        Arguments.of("x:y", false, false), Arguments.of("\\temp\\foo", false, false),
        Arguments.of(".gitignore", false, true),
        Arguments.of(".github/ISSUE_TEMPLATE", false, true),
        Arguments.of("x☺y", false, false));
  }

  @ParameterizedTest
  @MethodSource("checkPathTests")
  void checkPath_andCheckFilePath_asXmodTablesSay(String path, boolean moduleOk,
      boolean fileOk) {
    assertEquals(moduleOk, accepts(() -> ModulePath.check(path)), "module path");
    assertEquals(fileOk, accepts(() -> ModulePath.checkFilePath(path)), "file path");
  }

  @ParameterizedTest
  @CsvSource({
      // x/mod's checkTests: module path, version, whether module.Check takes them.
      "rsc.io/quote, 0.1.0, false", "rsc io/quote, v1.0.0, false",
      "github.com/go-yaml/yaml, v0.8.0, true", "github.com/go-yaml/yaml, v1.0.0, true",
      "github.com/go-yaml/yaml, v2.0.0, false", "github.com/go-yaml/yaml, v2.1.5, false",
      "github.com/go-yaml/yaml, v3.0.0, false", "github.com/go-yaml/yaml/v2, v1.0.0, false",
      "github.com/go-yaml/yaml/v2, v2.0.0, true", "github.com/go-yaml/yaml/v2, v2.1.5, true",
      "github.com/go-yaml/yaml/v2, v3.0.0, false", "gopkg.in/yaml.v0, v0.8.0, true",
      "gopkg.in/yaml.v0, v1.0.0, false", "gopkg.in/yaml.v0, v2.0.0, false",
      "gopkg.in/yaml.v0, v2.1.5, false", "gopkg.in/yaml.v0, v3.0.0, false",
      "gopkg.in/yaml.v1, v0.8.0, false", "gopkg.in/yaml.v1, v1.0.0, true",
      "gopkg.in/yaml.v1, v2.0.0, false", "gopkg.in/yaml.v1, v2.1.5, false",
      "gopkg.in/yaml.v1, v3.0.0, false", "gopkg.in/check.v1, v0.0.0, false",
      "gopkg.in/check.v1, v0.0.0-20160102150405-abcdef123456, true",
      "gopkg.in/yaml.v2, v1.0.0, false", "gopkg.in/yaml.v2, v2.0.0, true",
      "gopkg.in/yaml.v2, v2.1.5, true", "gopkg.in/yaml.v2, v3.0.0, false",
      "rsc.io/quote, v17.0.0, false", "rsc.io/quote, v17.0.0+incompatible, true"})
  void moduleCheck_asXmodCheckTestsSay(String path, String version, boolean ok) {
    assertEquals(ok, accepts(() -> ModulePath.check(path, version)));
  }

  @ParameterizedTest
  @CsvSource({
      // x/mod's splitPathVersionTests: prefix and major suffix.
      "x.y/z, ''", "x.y/z, /v2", "x.y/z, /v3", "x.y/v, ''", "gopkg.in/yaml, .v0",
      "gopkg.in/yaml, .v1", "gopkg.in/yaml, .v2", "gopkg.in/yaml, .v3"})
  void splitPathMajor_asXmodSplitPathVersionTestsSay(String prefix, String pathMajor) {
    assertEquals(Optional.of(new ModulePath.Split(prefix, pathMajor)),
        ModulePath.splitPathVersion(prefix + pathMajor));
  }

  /** A check that throws {@link GoModuleException.Invalid} when it refuses. */
  private interface Check {
    void run() throws GoModuleException.Invalid;
  }

  private static boolean accepts(Check check) {
    try {
      check.run();
      return true;
    } catch (GoModuleException.Invalid e) {
      return false;
    }
  }

  /** A file path and module.CheckFilePath's message for it ("" when it is valid). */
  static Stream<Arguments> filePathMessages() {
    return Stream.of(
        Arguments.of("", "malformed file path \"\": empty string"),
        Arguments.of("a//b", "malformed file path \"a//b\": double slash"),
        Arguments.of("a/", "malformed file path \"a/\": trailing slash"),
        Arguments.of("/a", "malformed file path \"/a\": empty path element"),
        Arguments.of("a/./b", "malformed file path \"a/./b\": invalid path element \".\""),
        Arguments.of("...", "malformed file path \"...\": invalid path element \"...\""),
        Arguments.of("x.", "malformed file path \"x.\": trailing dot in path element"),
        Arguments.of("-x", ""),
        Arguments.of(".git/config", ""),
        Arguments.of("a b", ""),
        Arguments.of("a\tb", "malformed file path \"a\\tb\": invalid char '\\t'"),
        Arguments.of("a'b", "malformed file path \"a'b\": invalid char '\\''"),
        Arguments.of("a\"b", "malformed file path \"a\\\"b\": invalid char '\"'"),
        Arguments.of("a\\b", "malformed file path \"a\\\\b\": invalid char '\\\\'"),
        Arguments.of("a:b", "malformed file path \"a:b\": invalid char ':'"),
        Arguments.of("con.txt",
            "malformed file path \"con.txt\": \"con\" disallowed as path element component on "
                + "Windows"),
        Arguments.of("Con.tar.gz",
            "malformed file path \"Con.tar.gz\": \"Con\" disallowed as path element component "
                + "on Windows"),
        Arguments.of("aux/x",
            "malformed file path \"aux/x\": \"aux\" disallowed as path element component on "
                + "Windows"),
        Arguments.of("lpt10", ""),
        Arguments.of("COM1x", ""),
        Arguments.of("prn.", "malformed file path \"prn.\": trailing dot in path element"),
        Arguments.of("z~1", ""),
        Arguments.of("\u00e9\u0301", "malformed file path \"\u00e9\u0301\": invalid char '\u0301'"),
        Arguments.of("\u2603", "malformed file path \"\u2603\": invalid char '\u2603'"),
        Arguments.of("a\u00a0b", "malformed file path \"a\\u00a0b\": invalid char '\\u00a0'"),
        Arguments.of("\u0000", "malformed file path \"\\x00\": invalid char '\\x00'"),
        Arguments.of("\u007f", "malformed file path \"\\x7f\": invalid char '\\x7f'"),
        Arguments.of("\u0085", "malformed file path \"\\u0085\": invalid char '\\u0085'"),
        Arguments.of("\u200b", "malformed file path \"\\u200b\": invalid char '\\u200b'"),
        Arguments.of("\ud83d\ude00",
            "malformed file path \"\ud83d\ude00\": invalid char '\ud83d\ude00'"),
        Arguments.of("\ud801\udc00", ""),
        Arguments.of("#$%&()+,-.=@[]^_{}~!", ""),
        Arguments.of("\u0130", ""),
        Arguments.of("\u0131", ""));
  }

  @ParameterizedTest
  @MethodSource("filePathMessages")
  void checkFilePath_saysWhyAsGoSaysIt(String path, String message) {
    String got = "";
    try {
      ModulePath.checkFilePath(path);
    } catch (GoModuleException.Invalid e) {
      got = e.getMessage();
    }
    assertEquals(message, got);
  }

  @ParameterizedTest
  @CsvSource({
      // Go's path.Clean tests.
      "'', .", "abc, abc", "abc/def, abc/def", "a/b/c, a/b/c", "., .", "'..', '..'",
      "../.., ../..", "../../abc, ../../abc", "/abc, /abc", "/, /", "abc/, abc",
      "abc/def/, abc/def", "a/b/c/, a/b/c", "./, .", "../, ..", "../../, ../..", "/abc/, /abc",
      "abc//def//ghi, abc/def/ghi", "//abc, /abc", "///abc, /abc", "//abc//, /abc",
      "abc//, abc", "abc/./def, abc/def", "/./abc/def, /abc/def", "abc/., abc",
      "abc/def/ghi/../jkl, abc/def/jkl", "abc/def/../ghi/../jkl, abc/jkl", "abc/def/.., abc",
      "abc/def/../.., .", "/abc/def/../.., /", "abc/def/../../.., ..", "/abc/def/../../.., /",
      "abc/def/../../../ghi/jkl/../../../mno, ../../mno", "abc/./../def, def",
      "abc//./../def, def", "abc/../../././../def, ../../def", "/../x, /x", "..a/b, ..a/b",
      "a/..b, a/..b"})
  void clean_isGoPathClean(String path, String want) {
    assertEquals(want, GoPath.clean(path));
  }
}
