package io.gitedge.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.transport.ReceiveCommand;
import org.junit.jupiter.api.Test;

/** The ref policy on plain maps: who follows, who stays, what counts as a mass deletion. */
class RefPlanTest {
  private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
  private static final ObjectId A = id(1);
  private static final ObjectId B = id(2);

  private static ObjectId id(int n) {
    return ObjectId.fromString(String.format("%040x", n));
  }

  private static Map<String, ObjectId> refs(Object... nameAndId) {
    Map<String, ObjectId> m = new TreeMap<>();
    for (int i = 0; i < nameAndId.length; i += 2) {
      m.put((String) nameAndId[i], (ObjectId) nameAndId[i + 1]);
    }
    return m;
  }

  private static String describe(RefPlan p) {
    return p.commands().stream().map(c -> c.getType() + " " + c.getRefName())
        .sorted().toList().toString();
  }

  @Test
  void branchesFollowEverything_tagsOnlyArriveUnderImmutable() {
    RefPlan p = RefPlan.of(
        refs("refs/heads/main", A, "refs/heads/old", A, "refs/tags/v1", A, "refs/tags/v2", A),
        refs("refs/heads/main", B, "refs/heads/new", B, "refs/tags/v1", B, "refs/tags/v3", B),
        MirrorPolicy.TagPolicy.IMMUTABLE, List.of(), NOW);

    assertEquals("[CREATE refs/heads/new, CREATE refs/tags/v3, DELETE refs/heads/old,"
        + " UPDATE refs/heads/main]", describe(p));
    assertEquals(List.of(new TagConflict("refs/tags/v1", A.name(), B.name(), NOW),
        new TagConflict("refs/tags/v2", A.name(), ObjectId.zeroId().name(), NOW)),
        p.conflicts());
  }

  @Test
  void followMovesAndDeletesTags() {
    RefPlan p = RefPlan.of(refs("refs/tags/v1", A, "refs/tags/v2", A),
        refs("refs/tags/v1", B), MirrorPolicy.TagPolicy.FOLLOW, List.of(), NOW);
    assertEquals("[DELETE refs/tags/v2, UPDATE refs/tags/v1]", describe(p));
    assertTrue(p.conflicts().isEmpty());
  }

  @Test
  void aKnownConflictKeepsItsSince_andIsNotNew_butAChangedOneIs() {
    TagConflict known = new TagConflict("refs/tags/v1", A.name(), B.name(),
        NOW.minusSeconds(3600));
    RefPlan same = RefPlan.of(refs("refs/tags/v1", A), refs("refs/tags/v1", B),
        MirrorPolicy.TagPolicy.IMMUTABLE, List.of(known), NOW);
    assertEquals(List.of(known), same.conflicts());
    assertTrue(same.newConflicts().isEmpty());
    assertTrue(same.commands().isEmpty());

    RefPlan movedAgain = RefPlan.of(refs("refs/tags/v1", A), refs("refs/tags/v1", id(3)),
        MirrorPolicy.TagPolicy.IMMUTABLE, List.of(known), NOW);
    assertEquals(NOW, movedAgain.newConflicts().get(0).since());
  }

  @Test
  void massDeletion_isMoreThanHalfOfTheMirrorsRefs() {
    Map<String, ObjectId> four = refs("refs/heads/a", A, "refs/heads/b", A, "refs/heads/c", A,
        "refs/heads/d", A);
    assertFalse(RefPlan.of(four, refs("refs/heads/a", A, "refs/heads/b", A),
        MirrorPolicy.TagPolicy.IMMUTABLE, List.of(), NOW).massDeletion(), "half is allowed");
    assertTrue(RefPlan.of(four, refs("refs/heads/a", A),
        MirrorPolicy.TagPolicy.IMMUTABLE, List.of(), NOW).massDeletion());
    assertFalse(RefPlan.of(Map.of(), refs("refs/heads/a", A),
        MirrorPolicy.TagPolicy.IMMUTABLE, List.of(), NOW).massDeletion(), "a new mirror");
    assertFalse(RefPlan.of(refs("refs/tags/v1", A, "refs/tags/v2", A), Map.of(),
        MirrorPolicy.TagPolicy.IMMUTABLE, List.of(), NOW).massDeletion(),
        "kept tags are not deletions");
    assertEquals(ReceiveCommand.Type.DELETE, RefPlan.of(refs("refs/heads/a", A), Map.of(),
        MirrorPolicy.TagPolicy.IMMUTABLE, List.of(), NOW).commands().get(0).getType());
  }
}
