package io.gitedge.goproxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.gitedge.goproxy.ProxyRequest.Kind;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class ProxyRequestTest {
  @ParameterizedTest
  @CsvSource({
    "github.com/acme/lib/@v/list, github.com/acme/lib, LIST, ''",
    "github.com/acme/lib/@latest, github.com/acme/lib, LATEST, ''",
    "github.com/acme/lib/@v/v1.2.3.info, github.com/acme/lib, INFO, v1.2.3",
    "github.com/acme/lib/@v/v1.2.3.mod, github.com/acme/lib, MOD, v1.2.3",
    "github.com/acme/lib/@v/v1.2.3.zip, github.com/acme/lib, ZIP, v1.2.3",
    "github.com/!acme/lib/@v/v1.0.0.zip, github.com/Acme/lib, ZIP, v1.0.0",
    "github.com/!azure/azure-sdk-for-go/@v/list, github.com/Azure/azure-sdk-for-go, LIST, ''",
    "github.com/!google!cloud!platform/x/@latest, github.com/GoogleCloudPlatform/x, LATEST, ''",
    "github.com/acme/lib/@v/v1.0.0-!r!c1.mod, github.com/acme/lib, MOD, v1.0.0-RC1",
    "github.com/acme/lib/v2/@v/v2.0.1.zip, github.com/acme/lib/v2, ZIP, v2.0.1",
    "github.com/acme/lib/@v/v2.0.0+incompatible.zip, github.com/acme/lib, ZIP, "
        + "v2.0.0+incompatible",
    "github.com/acme/lib/@v/v0.0.0-20060102150405-abcdef123456.mod, github.com/acme/lib, MOD, "
        + "v0.0.0-20060102150405-abcdef123456",
    "gopkg.in/yaml.v2/@v/v2.4.0.zip, gopkg.in/yaml.v2, ZIP, v2.4.0",
    "gopkg.in/check.v1/@v/v0.0.0-20161208181325-20d25e280405.mod, gopkg.in/check.v1, MOD, "
        + "v0.0.0-20161208181325-20d25e280405",
    // .info takes queries as the go command sends them: branches, commits, short versions
    "github.com/acme/lib/@v/master.info, github.com/acme/lib, INFO, master",
    "github.com/acme/lib/@v/!feature-!x.info, github.com/acme/lib, INFO, Feature-X",
    "github.com/acme/lib/@v/abcdef0123456789.info, github.com/acme/lib, INFO, abcdef0123456789",
    "github.com/acme/lib/@v/v1.info, github.com/acme/lib, INFO, v1",
    "github.com/acme/lib/@v/v2.0.0.info, github.com/acme/lib, INFO, v2.0.0",
    "github.com/acme/lib/@v/list.info, github.com/acme/lib, INFO, list",
    "github.com/acme/lib/@v/latest.info, github.com/acme/lib, INFO, latest",
    "github.com/acme/lib/@v/release@2024.info, github.com/acme/lib, INFO, release@2024",
    "example.com/@v/v0.1.0.mod, example.com, MOD, v0.1.0",
  })
  void everyEndpoint_parses(String path, String module, Kind kind, String version)
      throws Exception {
    assertEquals(new ProxyRequest(module, kind, version), ProxyRequest.parse(path));
  }

  @ParameterizedTest
  @CsvSource({
    "github.com/Azure/azure-sdk-for-go, v1.0.0",
    "github.com/BurntSushi/toml, v1.3.2",
    "github.com/Sirupsen/logrus, v1.0.0-RC.1",
    "example.com/A/B/C/v3, v3.0.0",
    "github.com/acme/lib, v0.0.0-20240101000000-ABCDEF123456",
  })
  void whatTheGoCommandEscapes_parsesBackToIt(String module, String version) throws Exception {
    String base = ModulePath.escape(module) + "/@v/" + ModulePath.escapeVersion(version);
    assertEquals(new ProxyRequest(module, Kind.ZIP, version), ProxyRequest.parse(base + ".zip"));
    assertEquals(new ProxyRequest(module, Kind.MOD, version), ProxyRequest.parse(base + ".mod"));
    assertEquals(new ProxyRequest(module, Kind.INFO, version),
        ProxyRequest.parse(base + ".info"));
    assertEquals(new ProxyRequest(module, Kind.LIST, ""),
        ProxyRequest.parse(ModulePath.escape(module) + "/@v/list"));
  }

  @ParameterizedTest
  @ValueSource(strings = {
    // not a request of the protocol
    "", "github.com/acme/lib", "github.com/acme/lib/", "github.com/acme/lib/@v",
    "github.com/acme/lib/@v/", "github.com/acme/lib/@v/list/", "github.com/acme/lib/@latest/",
    "github.com/acme/lib/@latest.info", "github.com/acme/lib/@V/list",
    "github.com/acme/lib/@v/v1.0.0", "github.com/acme/lib/@v/v1.0.0.tar.gz",
    "github.com/acme/lib/@v/v1.0.0.ZIP", "github.com/acme/lib/@v/v1.0.0.zip/",
    "github.com/acme/lib/@v/list/@latest", "github.com/acme/lib/@x/list",
    // no module
    "@v/list", "@latest", "/@v/list", "@v/v1.0.0.info",
    // no version
    "github.com/acme/lib/@v/.info", "github.com/acme/lib/@v/.zip",
    // bad module paths: leading slash, double slash, dot segments, backslash, encoded slash
    "/github.com/acme/lib/@v/list", "github.com//acme/lib/@v/list",
    "github.com/acme/lib//@v/list", "github.com/acme/../lib/@v/list",
    "github.com/acme/./lib/@v/list", "../github.com/acme/@v/list", "github.com/acme/../../@latest",
    "github.com\\acme\\lib/@v/list", "github.com/acme\\..\\lib/@v/list",
    "github.com/acme%2flib/@v/list", "github.com/acme%2Flib/@v/list", "github.com%2facme/@latest",
    "github.com/acme/lib/v1/@v/list", "github.com/acme/lib/v2.0/@v/list",
    "github/acme/lib/@v/list", "github.com/acme/li b/@v/list", "github.com/acme/lib?x/@latest",
    "github.com/acme@v1/lib/@v/list", "GITHUB.com/acme/lib/@v/list", "github.com/acme/con/@latest",
    // bad case encoding
    "github.com/!!acme/lib/@v/list", "github.com/!Acme/lib/@v/list",
    "github.com/Acme/lib/@v/list", "github.com/acme!/lib/@v/list", "github.com/!0acme/@latest",
    "github.com/acme/lib!/@v/list", "github.com/acm\u00e9/lib/@v/list",
    // bad versions: slashes (as an HTTP layer decodes %2f), dot segments, encoded characters
    "github.com/acme/lib/@v/feature/x.info", "github.com/acme/lib/@v/../x.info",
    "github.com/acme/lib/@v/...info", "github.com/acme/lib/@v/..info",
    "github.com/acme/lib/@v/a..b.info", "github.com/acme/lib/@v/v1.0.0..zip",
    "github.com/acme/lib/@v/..%2f..%2fetc%2fpasswd.info", "github.com/acme/lib/@v/a%2fb.info",
    "github.com/acme/lib/@v/a%00b.info", "github.com/acme/lib/@v/a\\b.info",
    "github.com/acme/lib/@v/v1.0.0:x.info", "github.com/acme/lib/@v/a*.info",
    "github.com/acme/lib/@v/a|b.info", "github.com/acme/lib/@v/<x>.info",
    "github.com/acme/lib/@v/a'b.info", "github.com/acme/lib/@v/a`id`.info",
    "github.com/acme/lib/@v/aux.info", "github.com/acme/lib/@v/v1.0.0.info.",
    // bad version encoding
    "github.com/acme/lib/@v/v1.0.0-RC1.info", "github.com/acme/lib/@v/!!a.info",
    "github.com/acme/lib/@v/a!.info", "github.com/acme/lib/@v/!1.info",
    "github.com/acme/lib/@v/\u00e9.info",
    // .mod and .zip only for canonical versions the module path allows
    "github.com/acme/lib/@v/master.mod", "github.com/acme/lib/@v/master.zip",
    "github.com/acme/lib/@v/v1.mod", "github.com/acme/lib/@v/v1.0.zip",
    "github.com/acme/lib/@v/v1.0.0+meta.zip", "github.com/acme/lib/@v/v2.0.0.zip",
    "github.com/acme/lib/v2/@v/v1.0.0.mod", "github.com/acme/lib/v2/@v/v3.0.0.zip",
    "gopkg.in/yaml.v2/@v/v3.0.0.zip", "github.com/acme/lib/@v/list.zip",
    "github.com/acme/lib/@v/abcdef012345.zip",
  })
  void hostileOrMalformed_isRefused(String path) {
    assertThrows(GoModuleException.Invalid.class, () -> ProxyRequest.parse(path));
  }

  static Stream<Arguments> controlCharacters() {
    return Stream.of("\u0000", "\n", "\r", "\t", "\u001b", "\u007f").flatMap(c -> Stream.of(
        Arguments.of("github.com/acme/lib" + c + "/@v/list"),
        Arguments.of("github.com/acme/lib/@v/v1.0.0" + c + ".info"),
        Arguments.of("github.com/acme/lib/@latest" + c),
        Arguments.of(c + "github.com/acme/lib/@v/list")));
  }

  @ParameterizedTest
  @MethodSource
  void controlCharacters(String path) {
    GoModuleException.Invalid e =
        assertThrows(GoModuleException.Invalid.class, () -> ProxyRequest.parse(path));
    // and the message does not carry them to whoever prints it
    assertEquals(true, e.getMessage().chars().noneMatch(c -> c < 0x20 || c == 0x7f),
        e.getMessage());
  }

  @Test
  void nullIsRefused() {
    assertThrows(GoModuleException.Invalid.class, () -> ProxyRequest.parse(null));
  }

  @Test
  void modulePaths_upToTheLimit() throws Exception {
    String longest = "example.com/" + "a".repeat(ProxyRequest.MAX_MODULE_PATH - 12);
    assertEquals(ProxyRequest.MAX_MODULE_PATH, longest.length());
    assertEquals(longest, ProxyRequest.parse(longest + "/@v/list").modulePath());
    assertMessage("module path too long (501 bytes, at most 500)", longest + "b/@v/list");
    // escaped, the longest path is twice as long and still fine
    String upper = "example.com/" + "A".repeat(ProxyRequest.MAX_MODULE_PATH - 12);
    assertEquals(upper, ProxyRequest.parse(ModulePath.escape(upper) + "/@latest").modulePath());
  }

  @Test
  void versions_upToTheLimit() throws Exception {
    String longest = "v1.0.0-" + "a".repeat(ProxyRequest.MAX_VERSION - 7);
    assertEquals(longest, ProxyRequest.parse("example.com/m/@v/" + longest + ".zip").version());
    assertMessage("version too long (301 bytes, at most 300)",
        "example.com/m/@v/" + longest + "b.info");
    String upper = "B".repeat(ProxyRequest.MAX_VERSION);
    String both = ModulePath.escape("example.com/" + "A".repeat(ProxyRequest.MAX_MODULE_PATH - 12))
        + "/@v/" + ModulePath.escapeVersion(upper) + ".info";
    assertEquals(upper, ProxyRequest.parse(both).version());
  }

  @Test
  void hugeInputs_areRefusedBeforeDecoding() {
    assertMessage("request path too long", "example.com/" + "a".repeat(1 << 20) + "/@v/list");
    assertMessage("request path too long", "example.com/m/@v/" + "!a".repeat(1 << 20) + ".info");
  }

  @Test
  void messages_sayWhatIsWrong() {
    assertMessage("empty request path", "");
    assertMessage("empty module path", "@v/list");
    assertMessage("empty module path", "/@v/list");
    assertMessage("invalid escaped module path \"github.com/!!acme/lib\"",
        "github.com/!!acme/lib/@v/list");
    assertMessage("invalid escaped module path \"github.com/acme/../lib\": malformed module path"
        + " \"github.com/acme/../lib\": invalid path element \"..\"",
        "github.com/acme/../lib/@v/list");
    assertMessage("invalid escaped version \"a/b\": invalid char '/'",
        "example.com/m/@v/a/b.info");
    assertMessage("invalid escaped version \"a..b\": double dot", "example.com/m/@v/a..b.info");
    assertMessage("invalid escaped version \"a%2fb\": invalid char '%'",
        "example.com/m/@v/a%2fb.info");
    assertMessage("invalid escaped version \"v1.0.0-RC1\"", "example.com/m/@v/v1.0.0-RC1.info");
    assertMessage("invalid request path \"example.com/m/@v/a\\x00b.info\": control character",
        "example.com/m/@v/a\u0000b.info");
    assertMessage("unknown request \"example.com/m/@v/v1.0.0.tar\": want <module>/@v/list, "
        + "<module>/@v/<version>.info, .mod or .zip, or <module>/@latest",
        "example.com/m/@v/v1.0.0.tar");
    assertMessage("example.com/m@master: invalid version: not a semantic version",
        "example.com/m/@v/master.zip");
    assertMessage("example.com/m@v1.0: invalid version: not a canonical version (v1.0.0)",
        "example.com/m/@v/v1.0.mod");
    assertMessage("example.com/m@v2.0.0: invalid version: should be v0 or v1, not v2",
        "example.com/m/@v/v2.0.0.zip");
  }

  private static void assertMessage(String message, String path) {
    assertEquals(message, assertThrows(GoModuleException.Invalid.class,
        () -> ProxyRequest.parse(path)).getMessage());
  }
}
