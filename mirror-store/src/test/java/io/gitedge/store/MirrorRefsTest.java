package io.gitedge.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitedge.testing.TestUpstream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The refs digest: defined so that C git's {@code for-each-ref} output, hashed, gives the same
 * value, and the same for the mirror as for its upstream's listing.
 */
class MirrorRefsTest {
  private static final String A = "a".repeat(40);
  private static final String B = "b".repeat(40);

  @TempDir Path dir;

  private static String sha256(String text) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
        .digest(text.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void digest_isTheSha256OfIdSpaceNameLines_inGitsByteOrder() throws Exception {
    // U+FF21 sorts after U+1F600 in Java's UTF-16 order, before it in git's byte order
    Map<String, String> ids = new TreeMap<>(Map.of("refs/tags/\uD83D\uDE00", A,
        "refs/tags/\uFF21", B, "refs/heads/main", A, "refs/heads/a-b", B, "refs/heads/a/b", A));

    MirrorRefs refs = MirrorRefs.of(ids);

    assertEquals(List.of("refs/heads/a-b", "refs/heads/a/b", "refs/heads/main",
        "refs/tags/\uFF21", "refs/tags/\uD83D\uDE00"), List.copyOf(refs.ids().keySet()));
    assertEquals(sha256(B + " refs/heads/a-b\n" + A + " refs/heads/a/b\n"
        + A + " refs/heads/main\n" + B + " refs/tags/\uFF21\n" + A + " refs/tags/\uD83D\uDE00\n"),
        refs.digest());
    assertEquals(5, refs.count());
    assertEquals(sha256(""), MirrorRefs.of(Map.of()).digest(), "no refs: the hash of nothing");
    assertNotEquals(refs.digest(), MirrorRefs.of(Map.of("refs/heads/main", A)).digest());
  }

  @Test
  void onlyBranchesAndTagsWithFullIds_areRefs() {
    assertThrows(IllegalArgumentException.class, () -> MirrorRefs.of(Map.of("HEAD", A)));
    assertThrows(IllegalArgumentException.class,
        () -> MirrorRefs.of(Map.of("refs/pull/1/head", A)));
    assertThrows(IllegalArgumentException.class,
        () -> MirrorRefs.of(Map.of("refs/heads/main", "abc")));
    assertThrows(IllegalArgumentException.class,
        () -> MirrorRefs.of(Map.of("refs/heads/main", A.toUpperCase())));
  }

  @Test
  void aMirrorsDigest_isWhatGitForEachRefGives_andWhatItsUpstreamLists() throws Exception {
    TestUpstream upstream = TestUpstream.create(dir);
    upstream.createRepo("acme/lib");
    String c1 = upstream.commit("acme/lib", "main", Map.of("a.txt", "a\n"), "first");
    upstream.annotatedTag("acme/lib", "v1.0.0", c1);
    upstream.tag("acme/lib", "caf\u00e9", c1, false);
    upstream.commit("acme/lib", "feature/x", Map.of("b.txt", "b\n"), "feature");
    upstream.git("acme/lib", "update-ref", "refs/pull/1/head", c1).assertOk();
    Upstream lib = new Upstream(upstream.fileUrl() + "/acme/lib.git", Optional.empty());
    MirrorName name = MirrorName.parse("github.com/acme/lib");
    try (MirrorStore store = MirrorStore.open(StoreConfig.defaults(dir.resolve("mirrors")))) {
      assertTrue(store.sync(name, lib).succeeded());

      MirrorRefs mirrored = store.find(name).orElseThrow().refs();

      String listed = upstream.git("acme/lib", "for-each-ref",
          "--format=%(objectname) %(refname)", "refs/heads", "refs/tags").assertOk().stdout();
      assertEquals(sha256(listed), mirrored.digest(), listed);
      assertEquals(4, mirrored.count(), mirrored.toString());
      assertEquals(upstream.refs("acme/lib").get("refs/tags/v1.0.0"),
          mirrored.ids().get("refs/tags/v1.0.0"), "the tag object, not the commit");
      assertEquals(mirrored, UpstreamRefs.list(lib, Duration.ofSeconds(30)));
    }
  }

  @Test
  void listingAnUpstreamThatIsNotThere_failsNamingIt() {
    Upstream nowhere = new Upstream(dir.toUri() + "nowhere.git", Optional.empty());
    Exception e = assertThrows(java.io.IOException.class,
        () -> UpstreamRefs.list(nowhere, Duration.ofSeconds(5)));
    assertTrue(e.getMessage().contains("nowhere.git"), e.getMessage());
  }
}
