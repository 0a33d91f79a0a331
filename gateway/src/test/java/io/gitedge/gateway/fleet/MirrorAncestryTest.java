package io.gitedge.gateway.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gitedge.gateway.fleet.Ancestry.Relation;
import io.gitedge.testing.TestUpstream;
import java.nio.file.Path;
import java.util.Map;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a repository tells of two commits, on history made by C git. */
class MirrorAncestryTest {
  @TempDir Path dir;

  @Test
  void ancestorsDescendantsForcePushesAndUnknownCommits() throws Exception {
    TestUpstream git = TestUpstream.create(dir);
    git.createRepo("acme/lib");
    String first = git.commit("acme/lib", "main", Map.of("a", "1\n"), "first");
    String second = git.commit("acme/lib", "main", Map.of("a", "2\n"), "second");
    String other = git.commit("acme/lib", "side", Map.of("b", "1\n"), "unrelated root");
    git.annotatedTag("acme/lib", "v1", first);
    String tagObject = git.refs("acme/lib").get("refs/tags/v1");
    try (Repository repo = new FileRepositoryBuilder().setGitDir(git.bare("acme/lib").toFile())
        .setMustExist(true).build()) {
      Ancestry a = new MirrorAncestry(repo);

      assertEquals(Relation.ANCESTOR, a.relate(first, second));
      assertEquals(Relation.DESCENDANT, a.relate(second, first));
      assertEquals(Relation.ANCESTOR, a.relate(first, first), "a commit contains itself");
      assertEquals(Relation.UNRELATED, a.relate(second, other));
      assertEquals(Relation.LACKS_THERE, a.relate(second, "d".repeat(40)));
      assertEquals(Relation.UNKNOWN, a.relate("d".repeat(40), second));
      assertEquals(Relation.ANCESTOR, a.relate(tagObject, second), "tags peel to commits");
      assertEquals(Relation.UNKNOWN, a.relate("not an id", second));
    }
  }
}
