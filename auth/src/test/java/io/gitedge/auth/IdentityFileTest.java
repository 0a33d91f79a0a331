package io.gitedge.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitedge.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdentityFileTest {
  @TempDir Path dir;

  @Test
  void token_isStoredOnlyAsItsHash_andAuthenticatesItsUser() throws Exception {
    Path f = dir.resolve("identity.yaml");
    AccessToken t = AccessToken.generate();
    IdentityFile.addToken(f, "alice", Set.of("eng"), t.hash());

    String text = Files.readString(f);
    assertFalse(text.contains(t.reveal()), text);
    assertTrue(text.contains(t.hash().value()), text);

    FileIdentitySource source = new FileIdentitySource(IdentityFile.read(f));
    Optional<Principal> p = source.authenticate(AccessToken.of(t.reveal()));
    assertEquals(Optional.of(Principal.user("alice", Set.of("eng"))), p);
    assertEquals(Optional.empty(), source.authenticate(AccessToken.of(t.reveal() + "x")));
  }

  @Test
  void hash_isSha256OfTheToken() {
    // printf test | sha256sum
    assertEquals("sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        AccessToken.of("test").hash().value());
  }

  @Test
  void addToken_keepsCommentsAndOtherUsers() throws Exception {
    Path f = Files.writeString(dir.resolve("identity.yaml"), """
        # who may use the EU gateway
        users:
          alice:   # platform team
            groups: [eng]
            tokens: ["sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"]
          bob:
            groups: [ops]
        """);
    AccessToken t = AccessToken.generate();
    IdentityFile.addToken(f, "alice", Set.of(), t.hash());
    AccessToken b = AccessToken.generate();
    IdentityFile.addToken(f, "bob", Set.of(), b.hash());
    String text = Files.readString(f);
    assertTrue(text.contains("# who may use the EU gateway"), text);
    assertTrue(text.contains("# platform team"), text);
    Identities ids = IdentityFile.read(f);
    assertEquals(2, ids.users().get("alice").tokens().size());
    assertEquals(Set.of("ops"), ids.users().get("bob").groups());
    FileIdentitySource source = new FileIdentitySource(ids);
    assertEquals("alice", source.authenticate(AccessToken.of("test")).orElseThrow().name());
    assertEquals("alice", source.authenticate(t).orElseThrow().name());
    assertEquals("bob", source.authenticate(b).orElseThrow().name());
  }

  @Test
  void addToken_refusesABrokenFile_andLeavesItAlone() throws Exception {
    String broken = "users:\n  alice:\n    tokens: [\"md5:abc\"]\n";
    Path f = Files.writeString(dir.resolve("identity.yaml"), broken);
    ConfigException e = assertThrows(ConfigException.class,
        () -> IdentityFile.addToken(f, "alice", Set.of(), AccessToken.generate().hash()));
    assertEquals(3, e.line());
    assertEquals(broken, Files.readString(f));
  }

  @Test
  void read_rejectsUnknownKeysAndSharedHashes() throws Exception {
    Path f = Files.writeString(dir.resolve("a.yaml"), "users:\n  alice:\n    group: [eng]\n");
    ConfigException e = assertThrows(ConfigException.class, () -> IdentityFile.read(f));
    assertTrue(e.getMessage().startsWith(f + ":3: users.alice.group: unknown key (did you mean"
        + " groups?)"), e.getMessage());

    String h = AccessToken.of("x").hash().value();
    Path g = Files.writeString(dir.resolve("b.yaml"),
        "users:\n  a:\n    tokens: [\"" + h + "\"]\n  b:\n    tokens: [\"" + h + "\"]\n");
    e = assertThrows(ConfigException.class, () -> IdentityFile.read(g));
    assertEquals(5, e.line());
    assertTrue(e.getMessage().contains("already listed under user a"), e.getMessage());
  }

  @Test
  void tokenToString_neverShowsTheSecret() {
    AccessToken t = AccessToken.generate();
    assertFalse(t.toString().contains(t.reveal()));
    assertTrue(t.reveal().startsWith("gte_"));
  }
}
