package io.gitedge.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class MirrorNameTest {
  @Test
  void gitSuffixAndTrailingSlash_nameTheSameMirror() throws Exception {
    MirrorName a = MirrorName.parse("github.com/acme/lib");
    assertEquals(a, MirrorName.parse("github.com/acme/lib.git"));
    assertEquals(a, MirrorName.parse("github.com/acme/lib/"));
    assertEquals("github.com", a.host());
    assertEquals("acme/lib", a.path());
    assertEquals(Path.of("github.com/acme/lib.git"), a.relativeDirectory());
  }

  @Test
  void dotNamedRepositories_likeDotGithub_areAccepted() throws Exception {
    assertEquals("github.com/acme/.github", MirrorName.parse("github.com/acme/.github").value());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "github.com", "/github.com/acme/lib", "github.com/../etc/passwd",
      "github.com/acme/..", "github.com/./lib", "github.com//lib", "github.com/acme\\lib",
      "github.com/acme/lib\u0000", "github.com/%2e%2e/x", "github.com/acme/%2e%2e", "..",
      "../github.com/acme/lib", "github.com/acme/lib.git/info", "GitHub.com/acme/lib",
      ".hidden/acme/lib", "github.com/-rf/lib", "github.com/acme/lib\n", "github.com/acme/l ib",
      "github.com/acme/lib.git.git", "github.com/acme/caf\u00e9"})
  void hostileNames_areRejectedBeforeTouchingFiles(String raw) {
    assertThrows(InvalidMirrorNameException.class, () -> MirrorName.parse(raw));
  }

  @Test
  void veryLongNames_areRejected() {
    assertThrows(InvalidMirrorNameException.class,
        () -> MirrorName.parse("github.com/" + "a".repeat(4096)));
  }

  @Test
  void isUnder_isSegmentWise() throws Exception {
    MirrorName n = MirrorName.parse("github.com/acme/lib");
    assertTrue(n.isUnder("github.com/acme"));
    assertTrue(n.isUnder("github.com/acme/"));
    assertFalse(n.isUnder("github.com/ac"));
  }

  @Test
  void route_mapsNamesBelowItsPrefixToUpstreamUrls() throws Exception {
    UpstreamRoute r = new UpstreamRoute("github.com/acme", "https://github.com/acme/",
        java.util.Optional.empty(), ".git");
    assertEquals("https://github.com/acme/tools/cli.git",
        r.upstreamFor(MirrorName.parse("github.com/acme/tools/cli")).orElseThrow().url());
    assertTrue(r.upstreamFor(MirrorName.parse("github.com/other/lib")).isEmpty());
  }
}
