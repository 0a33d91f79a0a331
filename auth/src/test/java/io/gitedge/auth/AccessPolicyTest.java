package io.gitedge.auth;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AccessPolicyTest {
  private final Principal alice = Principal.user("alice", Set.of("eng"));
  private final Principal mallory = Principal.user("mallory", Set.of("contractors"));

  private final AccessPolicy policy = new AccessPolicy(false, List.of(
      new AccessPolicy.Rule("github.com/acme/**", Set.of(), Set.of("eng")),
      new AccessPolicy.Rule("github.com/acme/public-*", Set.of("*"), Set.of())));

  @Test
  void groupRule_coversEveryRepositoryUnderThePrefix() {
    assertTrue(policy.canRead(alice, "github.com/acme/lib"));
    assertTrue(policy.canRead(alice, "github.com/acme/tools/cli"));
    assertFalse(policy.canRead(alice, "github.com/other/lib"));
    assertFalse(policy.canRead(alice, "github.com/acmeX/lib"));
  }

  @Test
  void singleStar_staysWithinOneSegment_andStarUserAdmitsAnyAuthenticatedCaller() {
    assertTrue(policy.canRead(mallory, "github.com/acme/public-docs"));
    assertFalse(policy.canRead(mallory, "github.com/acme/public-docs/sub"));
    assertFalse(policy.canRead(mallory, "github.com/acme/lib"));
    assertFalse(policy.canRead(Principal.ANONYMOUS, "github.com/acme/public-docs"));
  }

  @Test
  void anonymousRead_opensEverything() {
    AccessPolicy open = new AccessPolicy(true, List.of());
    assertTrue(open.canRead(Principal.ANONYMOUS, "github.com/acme/lib"));
  }

  @Test
  void globMetacharactersOfRegexAreLiteral() {
    AccessPolicy p = new AccessPolicy(false,
        List.of(new AccessPolicy.Rule("a.b/c", Set.of("alice"), Set.of())));
    assertTrue(p.canRead(alice, "a.b/c"));
    assertFalse(p.canRead(alice, "aXb/c"));
  }

  @Test
  void ruleWithoutUsersOrGroups_isRefused() {
    assertThrows(IllegalArgumentException.class,
        () -> new AccessPolicy.Rule("x/**", Set.of(), Set.of()));
  }
}
