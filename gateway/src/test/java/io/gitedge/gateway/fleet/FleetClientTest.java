package io.gitedge.gateway.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitedge.store.MirrorRefs;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Reading a region's {@code /api/v1/mirrors?refs=true}: its refs and its Go module hashes. */
class FleetClientTest {
  private static final URI US = URI.create("https://git.us.example.com");
  private static final String MAIN = "a".repeat(40);
  private static final String H1 = "h1:" + "A".repeat(43) + "=";

  /** A mirror list as the admin API writes it, with {@code extra} fields in the one mirror. */
  private static String answer(String extra) {
    String digest = MirrorRefs.of(Map.of("refs/heads/main", MAIN)).digest();
    return "{\"region\": \"us\", \"mirrors\": [{\"name\": \"github.com/acme/lib\","
        + " \"lastSuccess\": \"2026-11-25T12:00:00Z\", \"ageSeconds\": 3, \"tags\": \"immutable\","
        + " \"refsDigest\": \"" + digest + "\", \"refCount\": 1,"
        + " \"refs\": {\"refs/heads/main\": \"" + MAIN + "\"}" + extra + "}]}";
  }

  private static MirrorView lib(String body) {
    RegionAnswer a = FleetClient.read(US, 200, body);
    assertInstanceOf(RegionAnswer.Answered.class, a, a.toString());
    return ((RegionAnswer.Answered) a).view("github.com/acme/lib");
  }

  @Test
  void goModules_areRead_byModuleAndVersion() {
    MirrorView v = lib(answer(", \"goModules\": {\"github.com/acme/lib@v1.0.0\": \"" + H1
        + "\", \"git.example.com/github.com/acme/lib/v2@v2.0.0\": \"" + H1 + "\"}"));
    assertEquals(Map.of("github.com/acme/lib@v1.0.0", H1,
        "git.example.com/github.com/acme/lib/v2@v2.0.0", H1), v.goModules());
    assertEquals(MAIN, v.refs().orElseThrow().ids().get("refs/heads/main"));
  }

  @Test
  void aRegionWithoutGoModules_anOlderOne_hasNone() {
    assertEquals(Map.of(), lib(answer("")).goModules());
    assertEquals(Map.of(), lib(answer(", \"goModules\": null")).goModules());
    assertEquals(Map.of(), lib(answer(", \"goModules\": {}")).goModules());
  }

  @Test
  void goModulesThatAreNotHashesByVersion_areNotAGitEdgeAnswer() {
    for (String bad : new String[] {", \"goModules\": [\"x\"]",
        ", \"goModules\": {\"github.com/acme/lib@v1.0.0\": 1}"}) {
      RegionAnswer a = FleetClient.read(US, 200, answer(bad));
      assertInstanceOf(RegionAnswer.Unanswered.class, a, bad);
      assertTrue(((RegionAnswer.Unanswered) a).error().contains("goModules"), a.toString());
    }
  }
}
