package io.gitedge.goproxy;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The behaviour tables of x/mod's {@code module_test.go}, and the go command's messages. */
class ModulePathTest {
  /** A path and whether it is a valid module path, import path and file path. */
  record PathCase(String path, boolean ok, boolean importOk, boolean fileOk) {
    @Override
    public String toString() {
      return path;
    }
  }

  private static PathCase c(String path, boolean ok, boolean importOk, boolean fileOk) {
    return new PathCase(path, ok, importOk, fileOk);
  }

  private static final PathCase[] CHECK_PATH = {
    c("x.y/z", true, true, true),
    c("x.y", true, true, true),

    c("", false, false, false),
    // Go's case is "x.y/\xFFz", invalid UTF-8; a Java string's nearest is a lone surrogate.
    c("x.y/\uD800z", false, false, false),
    c("/x.y/z", false, false, false),
    c("x./z", false, false, false),
    c(".x/z", false, true, true),
    c("-x/z", false, false, true),
    c("x..y/z", true, true, true),
    c("x.y/z/../../w", false, false, false),
    c("x.y//z", false, false, false),
    c("x.y/z//w", false, false, false),
    c("x.y/z/", false, false, false),

    c("x.y/z/v0", false, true, true),
    c("x.y/z/v1", false, true, true),
    c("x.y/z/v2", true, true, true),
    c("x.y/z/v2.0", false, true, true),
    c("X.y/z", false, true, true),

    c("!x.y/z", false, false, true),
    c("_x.y/z", false, true, true),
    c("x.y!/z", false, false, true),
    c("x.y\"/z", false, false, false),
    c("x.y#/z", false, false, true),
    c("x.y$/z", false, false, true),
    c("x.y%/z", false, false, true),
    c("x.y&/z", false, false, true),
    c("x.y'/z", false, false, false),
    c("x.y(/z", false, false, true),
    c("x.y)/z", false, false, true),
    c("x.y*/z", false, false, false),
    c("x.y+/z", false, true, true),
    c("x.y,/z", false, false, true),
    c("x.y-/z", true, true, true),
    c("x.y./zt", false, false, false),
    c("x.y:/z", false, false, false),
    c("x.y;/z", false, false, false),
    c("x.y</z", false, false, false),
    c("x.y=/z", false, false, true),
    c("x.y>/z", false, false, false),
    c("x.y?/z", false, false, false),
    c("x.y@/z", false, false, true),
    c("x.y[/z", false, false, true),
    c("x.y\\/z", false, false, false),
    c("x.y]/z", false, false, true),
    c("x.y^/z", false, false, true),
    c("x.y_/z", false, true, true),
    c("x.y`/z", false, false, false),
    c("x.y{/z", false, false, true),
    c("x.y}/z", false, false, true),
    c("x.y~/z", false, true, true),
    c("x.y/z!", false, false, true),
    c("x.y/z\"", false, false, false),
    c("x.y/z#", false, false, true),
    c("x.y/z$", false, false, true),
    c("x.y/z%", false, false, true),
    c("x.y/z&", false, false, true),
    c("x.y/z'", false, false, false),
    c("x.y/z(", false, false, true),
    c("x.y/z)", false, false, true),
    c("x.y/z*", false, false, false),
    c("x.y/z++", false, true, true),
    c("x.y/z,", false, false, true),
    c("x.y/z-", true, true, true),
    c("x.y/z.t", true, true, true),
    c("x.y/z/t", true, true, true),
    c("x.y/z:", false, false, false),
    c("x.y/z;", false, false, false),
    c("x.y/z<", false, false, false),
    c("x.y/z=", false, false, true),
    c("x.y/z>", false, false, false),
    c("x.y/z?", false, false, false),
    c("x.y/z@", false, false, true),
    c("x.y/z[", false, false, true),
    c("x.y/z\\", false, false, false),
    c("x.y/z]", false, false, true),
    c("x.y/z^", false, false, true),
    c("x.y/z_", true, true, true),
    c("x.y/z`", false, false, false),
    c("x.y/z{", false, false, true),
    c("x.y/z}", false, false, true),
    c("x.y/z~", true, true, true),
    c("x.y/x.foo", true, true, true),
    c("x.y/aux.foo", false, false, false),
    c("x.y/prn", false, false, false),
    c("x.y/prn2", true, true, true),
    c("x.y/com", true, true, true),
    c("x.y/com1", false, false, false),
    c("x.y/com1.txt", false, false, false),
    c("x.y/calm1", true, true, true),
    c("x.y/z~", true, true, true),
    c("x.y/z~0", false, false, true),
    c("x.y/z~09", false, false, true),
    c("x.y/z09", true, true, true),
    c("x.y/z09~", true, true, true),
    c("x.y/z09~09z", true, true, true),
    c("x.y/z09~09z~09", false, false, true),
    c("github.com/!123/logrus", false, false, true),

    // Unicode letters: file paths only.
    c("github.com/user/unicode/испытание", false, false, true),

    c("../x", false, false, false),
    c("./y", false, false, false),
    c("x:y", false, false, false),
    c("\\temp\\foo", false, false, false),
    c(".gitignore", false, true, true),
    c(".github/ISSUE_TEMPLATE", false, true, true),
    c("x\u263Ay", false, false, false),
  };

  static Stream<PathCase> checkPathCases() {
    return Stream.of(CHECK_PATH);
  }

  static Stream<PathCase> invalidModulePaths() {
    return checkPathCases().filter(t -> !t.ok());
  }

  private static void assertValidity(boolean ok, Executable check) {
    if (ok) {
      assertDoesNotThrow(check);
    } else {
      assertThrows(GoModuleException.Invalid.class, check);
    }
  }

  @ParameterizedTest
  @MethodSource("checkPathCases")
  void check(PathCase t) {
    assertValidity(t.ok(), () -> ModulePath.check(t.path()));
  }

  @ParameterizedTest
  @MethodSource("checkPathCases")
  void checkImportPath(PathCase t) {
    assertValidity(t.importOk(), () -> ModulePath.checkImportPath(t.path()));
  }

  @ParameterizedTest
  @MethodSource("checkPathCases")
  void checkFilePath(PathCase t) {
    assertValidity(t.fileOk(), () -> ModulePath.checkFilePath(t.path()));
  }

  static Stream<Arguments> checkPathAndVersion() {
    return Stream.of(
        Arguments.of("rsc.io/quote", "0.1.0", false),
        Arguments.of("rsc io/quote", "v1.0.0", false),

        Arguments.of("github.com/go-yaml/yaml", "v0.8.0", true),
        Arguments.of("github.com/go-yaml/yaml", "v1.0.0", true),
        Arguments.of("github.com/go-yaml/yaml", "v2.0.0", false),
        Arguments.of("github.com/go-yaml/yaml", "v2.1.5", false),
        Arguments.of("github.com/go-yaml/yaml", "v3.0.0", false),

        Arguments.of("github.com/go-yaml/yaml/v2", "v1.0.0", false),
        Arguments.of("github.com/go-yaml/yaml/v2", "v2.0.0", true),
        Arguments.of("github.com/go-yaml/yaml/v2", "v2.1.5", true),
        Arguments.of("github.com/go-yaml/yaml/v2", "v3.0.0", false),

        Arguments.of("gopkg.in/yaml.v0", "v0.8.0", true),
        Arguments.of("gopkg.in/yaml.v0", "v1.0.0", false),
        Arguments.of("gopkg.in/yaml.v0", "v2.0.0", false),
        Arguments.of("gopkg.in/yaml.v0", "v2.1.5", false),
        Arguments.of("gopkg.in/yaml.v0", "v3.0.0", false),

        Arguments.of("gopkg.in/yaml.v1", "v0.8.0", false),
        Arguments.of("gopkg.in/yaml.v1", "v1.0.0", true),
        Arguments.of("gopkg.in/yaml.v1", "v2.0.0", false),
        Arguments.of("gopkg.in/yaml.v1", "v2.1.5", false),
        Arguments.of("gopkg.in/yaml.v1", "v3.0.0", false),

        // .v1 means v1 only, but early vgo's v0 pseudo-versions for it are still accepted.
        Arguments.of("gopkg.in/check.v1", "v0.0.0", false),
        Arguments.of("gopkg.in/check.v1", "v0.0.0-20160102150405-abcdef123456", true),

        Arguments.of("gopkg.in/yaml.v2", "v1.0.0", false),
        Arguments.of("gopkg.in/yaml.v2", "v2.0.0", true),
        Arguments.of("gopkg.in/yaml.v2", "v2.1.5", true),
        Arguments.of("gopkg.in/yaml.v2", "v3.0.0", false),

        Arguments.of("rsc.io/quote", "v17.0.0", false),
        Arguments.of("rsc.io/quote", "v17.0.0+incompatible", true));
  }

  @ParameterizedTest
  @MethodSource
  void checkPathAndVersion(String path, String version, boolean ok) {
    assertValidity(ok, () -> ModulePath.check(path, version));
  }

  @ParameterizedTest
  @CsvSource({
    "x.y/z, ''",
    "x.y/z, /v2",
    "x.y/z, /v3",
    "x.y/v, ''",
    "gopkg.in/yaml, .v0",
    "gopkg.in/yaml, .v1",
    "gopkg.in/yaml, .v2",
    "gopkg.in/yaml, .v3",
    "gopkg.in/yaml, .v3-unstable",
    "x.y/z/v22, ''",
    "x.y/z/v2x, ''",
    "x.y/z/v10, ''",
  })
  void splitPathVersion(String prefix, String pathMajor) {
    String path = prefix + pathMajor;
    Optional<ModulePath.Split> split = ModulePath.splitPathVersion(path);
    if (prefix.endsWith("/v22") || prefix.endsWith("/v10")) {
      // a suffix written as part of the prefix here is still a suffix
      int i = prefix.lastIndexOf('/');
      assertEquals(Optional.of(new ModulePath.Split(prefix.substring(0, i),
          prefix.substring(i))), split);
    } else {
      assertEquals(Optional.of(new ModulePath.Split(prefix, pathMajor)), split);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"x.y/z/v0", "x.y/z/v1", "x.y/z/v2.0", "x.y/z/v01", "x.y/z/v1.5",
      "gopkg.in/yaml", "gopkg.in/yaml.v", "gopkg.in/yaml.v01", "gopkg.in/yaml/v2",
      "gopkg.in/v2"})
  void splitPathVersion_malformedSuffixes(String path) {
    assertEquals(Optional.empty(), ModulePath.splitPathVersion(path));
  }

  @ParameterizedTest
  @MethodSource("checkPathCases")
  void splitPathVersion_addsUpToThePath(PathCase t) {
    ModulePath.splitPathVersion(t.path())
        .ifPresent(s -> assertEquals(t.path(), s.prefix() + s.pathMajor()));
    if (t.ok()) {
      assertEquals(true, ModulePath.splitPathVersion(t.path()).isPresent());
    }
  }

  @ParameterizedTest
  @MethodSource("invalidModulePaths")
  void escape_refusesInvalidPaths(PathCase t) {
    assertThrows(GoModuleException.Invalid.class, () -> ModulePath.escape(t.path()));
  }

  @ParameterizedTest
  @MethodSource("invalidModulePaths")
  void unescape_refusesInvalidPaths(PathCase t) {
    assertThrows(GoModuleException.Invalid.class, () -> ModulePath.unescape(t.path()));
  }

  @ParameterizedTest
  @CsvSource({
    "ascii.com/abcdefghijklmnopqrstuvwxyz.-/~_0123456789, "
        + "ascii.com/abcdefghijklmnopqrstuvwxyz.-/~_0123456789",
    "github.com/GoogleCloudPlatform/omega, github.com/!google!cloud!platform/omega",
    "github.com/Azure/azure-sdk-for-go, github.com/!azure/azure-sdk-for-go",
    "github.com/Sirupsen/logrus, github.com/!sirupsen/logrus",
    "example.com/AbC/XYZ/v2, example.com/!ab!c/!x!y!z/v2",
  })
  void escape_andBack(String path, String escaped) throws Exception {
    assertEquals(escaped, ModulePath.escape(path));
    assertEquals(path, ModulePath.unescape(escaped));
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "github.com/GoogleCloudPlatform/omega",
    "github.com/!google!cloud!platform!/omega",
    "github.com/!0google!cloud!platform/omega",
    "github.com/!_google!cloud!platform/omega",
    "github.com/!!google!cloud!platform/omega",
    "github.com/!google!cloud!platform/omega!",
    "github.com/!google/omeg\u00e4",
    "",
  })
  void unescape_refusesBadEncodings(String escaped) {
    assertThrows(GoModuleException.Invalid.class, () -> ModulePath.unescape(escaped));
  }

  @ParameterizedTest
  @CsvSource({
    "v1.0.0, v1.0.0",
    "v1.0.0-RC1, v1.0.0-!r!c1",
    "master, master",
    "Feature-X, !feature-!x",
    "abcdef012345, abcdef012345",
    "'with space', 'with space'",
    "v1.0.0+incompatible, v1.0.0+incompatible",
  })
  void escapeVersion_andBack(String version, String escaped) throws Exception {
    assertEquals(escaped, ModulePath.escapeVersion(version));
    assertEquals(version, ModulePath.unescapeVersion(escaped));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", ".", "..", "a/b", "a!b", "v1.", "a\\b", "a:b", "a*b", "a\u0000b",
      "a\nb", "con", "COM1.txt", "a\"b", "a|b", "a<b", "a?b", "\u00e9"})
  void escapeVersion_refusesWhatCannotBeAFileName(String version) {
    assertThrows(GoModuleException.Invalid.class, () -> ModulePath.escapeVersion(version));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "!", "a!", "!!a", "!A", "A", "v1.0.0-RC1", "!1", "a/b", ".", "..",
      "a\u0000b", "\u00e9", "a\\b", "aux"})
  void unescapeVersion_refusesBadEncodingsAndNames(String escaped) {
    assertThrows(GoModuleException.Invalid.class, () -> ModulePath.unescapeVersion(escaped));
  }

  @ParameterizedTest
  @CsvSource({
    "v0.0.0, '', true",
    "v0.0.0, /v2, false",
    "v0.0.0, .v0, true",
    "v0.0.0-20190510104115-cbcb75029529, .v1, true",
    "v1.0.0, /v2, false",
    "v1.0.0, .v1, true",
    "v1.0.0, .v1-unstable, true",
    "v2.0.0+incompatible, '', true",
    "v2.0.0, '', false",
    "v2.0.0, /v2, true",
    "v2.0.0, .v2, true",
    "v2.0.0, /v2-unstable, false",
    "v3.0.0, /v2, false",
  })
  void matchPathMajor(String version, String pathMajor, boolean want) {
    assertEquals(want, ModulePath.matchPathMajor(version, pathMajor));
    assertValidity(want, () -> ModulePath.checkPathMajor(version, pathMajor));
  }

  @Test
  void checkPathMajor_saysWhatTheMajorShouldBe() {
    assertMessage("version \"v2.0.0\" invalid: should be v0 or v1, not v2",
        () -> ModulePath.checkPathMajor("v2.0.0", ""));
    assertMessage("version \"v1.0.0\" invalid: should be v2, not v1",
        () -> ModulePath.checkPathMajor("v1.0.0", "/v2"));
    assertMessage("version \"v3.1.0\" invalid: should be v1, not v3",
        () -> ModulePath.checkPathMajor("v3.1.0", ".v1-unstable"));
  }

  @Test
  void messages_areTheGoCommands() {
    assertMessage("malformed module path \"x.y/z/\": trailing slash",
        () -> ModulePath.check("x.y/z/"));
    assertMessage("malformed module path \"\": empty string", () -> ModulePath.check(""));
    assertMessage("malformed module path \"-x/z\": leading dash", () -> ModulePath.check("-x/z"));
    assertMessage("malformed module path \"x.y//z\": double slash",
        () -> ModulePath.check("x.y//z"));
    assertMessage("malformed module path \"/x.y/z\": empty path element",
        () -> ModulePath.check("/x.y/z"));
    assertMessage("malformed module path \"x.y/../z\": invalid path element \"..\"",
        () -> ModulePath.check("x.y/../z"));
    assertMessage("malformed module path \".x/z\": leading dot in path element",
        () -> ModulePath.check(".x/z"));
    assertMessage("malformed module path \"x./z\": trailing dot in path element",
        () -> ModulePath.check("x./z"));
    assertMessage("malformed module path \"x.y/a b\": invalid char ' '",
        () -> ModulePath.check("x.y/a b"));
    assertMessage("malformed module path \"x.y/a'b\": invalid char '\\''",
        () -> ModulePath.check("x.y/a'b"));
    assertMessage("malformed module path \"x.y/a\\x00b\": invalid char '\\x00'",
        () -> ModulePath.check("x.y/a\u0000b"));
    assertMessage("malformed module path \"x.y/a\\\"b\": invalid char '\"'",
        () -> ModulePath.check("x.y/a\"b"));
    assertMessage("malformed module path \"x.y/\u263A\": invalid char '\u263A'",
        () -> ModulePath.check("x.y/\u263A"));
    assertMessage("malformed module path \"x.y/Aux.go\": \"Aux\" disallowed as path element "
        + "component on Windows", () -> ModulePath.check("x.y/Aux.go"));
    assertMessage("malformed module path \"x.y/progra~1\": trailing tilde and digits in path "
        + "element", () -> ModulePath.check("x.y/progra~1"));
    assertMessage("malformed module path \"github\": missing dot in first path element",
        () -> ModulePath.check("github"));
    assertMessage("malformed module path \"X.y/z\": invalid char 'X' in first path element",
        () -> ModulePath.check("X.y/z"));
    assertMessage("malformed module path \"x.y/z/v1\": invalid version",
        () -> ModulePath.check("x.y/z/v1"));
    assertMessage("malformed module path \"x.y/\\ud800z\": invalid UTF-8",
        () -> ModulePath.check("x.y/\uD800z"));
    assertMessage("malformed file path \"a/*\": invalid char '*'",
        () -> ModulePath.checkFilePath("a/*"));
  }

  @Test
  void unescapeMessages_areTheGoCommands() {
    assertMessage("invalid escaped module path \"github.com/!!a\"",
        () -> ModulePath.unescape("github.com/!!a"));
    assertMessage("invalid escaped module path \"github.com/Azure\"",
        () -> ModulePath.unescape("github.com/Azure"));
    assertMessage("invalid escaped module path \"!github.com/a\": malformed module path "
        + "\"Github.com/a\": invalid char 'G' in first path element",
        () -> ModulePath.unescape("!github.com/a"));
    assertMessage("invalid escaped version \"v1!\"", () -> ModulePath.unescapeVersion("v1!"));
    assertMessage("invalid escaped version \"a/b\": invalid char '/'",
        () -> ModulePath.unescapeVersion("a/b"));
    assertMessage("version \"a/b\" invalid: disallowed version string",
        () -> ModulePath.escapeVersion("a/b"));
  }

  @Test
  void checkMessages_nameTheModuleAndVersion() {
    assertMessage("github.com/a/b@master: invalid version: not a semantic version",
        () -> ModulePath.check("github.com/a/b", "master"));
    assertMessage("github.com/a/b@v2.0.0: invalid version: should be v0 or v1, not v2",
        () -> ModulePath.check("github.com/a/b", "v2.0.0"));
  }

  @Test
  void fileNames_mayHoldUnicodeLettersButNotOtherSymbols() {
    assertDoesNotThrow(() -> ModulePath.checkFilePath("a/\u00e9t\u00e9 b/(x)[1]{2}@#$%&+,=^!"));
    assertThrows(GoModuleException.Invalid.class, () -> ModulePath.checkFilePath("a/\u263A"));
    assertDoesNotThrow(() -> ModulePath.checkFilePath("-leading/dash"));
    assertDoesNotThrow(() -> ModulePath.checkFilePath("a/z~1"));
  }

  private static void assertMessage(String message, Executable check) {
    assertEquals(message, assertThrows(GoModuleException.Invalid.class, check).getMessage());
  }
}
