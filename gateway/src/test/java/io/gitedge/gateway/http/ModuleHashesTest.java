package io.gitedge.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gitedge.goproxy.ZipCache.Built;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which mirror a built module zip belongs to, as the proxy resolved its module. */
class ModuleHashesTest {
  private static final String LIB = "github.com/acme/lib";
  private static final String V2 = "github.com/acme/lib/v2";
  private static final Set<String> MIRRORS = Set.of(LIB, V2, "github.com/acme/app");
  private static final String COMMIT = "c".repeat(40);
  private static final String H1 = "h1:" + "A".repeat(43) + "=";
  private static final String H2 = "h1:" + "B".repeat(43) + "=";

  @Test
  void aModuleLiesInItsLongestMirroredPrefix() {
    assertEquals(Optional.of(LIB), ModuleHashes.mirrorOf(LIB, MIRRORS));
    assertEquals(Optional.of(LIB), ModuleHashes.mirrorOf(LIB + "/sub/deeper", MIRRORS));
    assertEquals(Optional.of(V2), ModuleHashes.mirrorOf(V2, MIRRORS), "a mirror of its own");
    assertEquals(Optional.empty(), ModuleHashes.mirrorOf(LIB + "rary", MIRRORS),
        "github.com/acme/library is not in github.com/acme/lib");
  }

  @Test
  void aModuleNamedAfterTheGateway_liesInTheMirrorAfterTheHost() {
    assertEquals(Optional.of(LIB), ModuleHashes.mirrorOf("git.example.com/" + LIB, MIRRORS));
    assertEquals(Optional.of(LIB), ModuleHashes.mirrorOf("git.eu.example.com:8443/" + LIB
        + "/sub", MIRRORS));
    assertEquals(Optional.empty(), ModuleHashes.mirrorOf("example.com/other/lib", MIRRORS));
    assertEquals(Optional.empty(), ModuleHashes.mirrorOf("a/b/" + LIB, MIRRORS),
        "one host element only");
  }

  @Test
  void byMirror_theHashesOfEachMirrorsModules_theLastUsedZipOfAVersionWins() {
    ModuleHashes hashes = new ModuleHashes(() -> List.of(
        new Built(LIB, "v1.0.0", COMMIT, H2),
        new Built(LIB + "/sub", "v0.1.0", COMMIT, H1),
        new Built("git.example.com/" + LIB, "v1.0.0", COMMIT, H1),
        new Built("example.com/elsewhere", "v1.0.0", COMMIT, H1),
        new Built(LIB, "v1.0.0", "d".repeat(40), H1)));
    assertEquals(Map.of(LIB, Map.of(LIB + "@v1.0.0", H1, LIB + "/sub@v0.1.0", H1,
        "git.example.com/" + LIB + "@v1.0.0", H1)), hashes.byMirror(MIRRORS));
    assertEquals(Map.of(), ModuleHashes.NONE.byMirror(MIRRORS));
  }
}
