package io.gitedge.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import io.gitedge.testing.Requires;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitedge.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SshCredentialsTest {
  @TempDir Path dir;

  // real keys made once with ssh-keygen -t ed25519
  static final String ALICE_KEY =
      "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJXeW7yP8gI2fhpuli0Y+m3u3eOdw4CHlzjT5FqIxeZW alice@laptop";
  static final String CA_KEY =
      "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKn/sg7FzGKfHBfnXmnOr/FBnwA9wZuJ7nXIbjv7qZ5v ca@example";

  @Test
  void fingerprint_isWhatSshKeygenPrints() throws Exception {
    Requires.tools("ssh-keygen");
    for (String line : List.of(ALICE_KEY, CA_KEY)) {
      Path f = Files.writeString(dir.resolve("k.pub"), line + "\n");
      Process p = new ProcessBuilder("ssh-keygen", "-l", "-E", "sha256", "-f", f.toString())
          .redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      assertEquals(0, p.waitFor(), out);
      assertTrue(out.contains(SshKey.fromOpenSshLine(line).fingerprint()), out);
    }
  }

  @Test
  void malformedKeyLines_areRefused() {
    for (String bad : List.of("", "ssh-ed25519", "ssh-dss AAAAB3NzaC1kc3M=", "ssh-ed25519 !!!",
        "ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAIJXeW7yP8gI2fhpuli0Y+m3u3eOdw4CHlzjT5FqIxeZW")) {
      assertThrows(IllegalArgumentException.class, () -> SshKey.fromOpenSshLine(bad), bad);
    }
  }

  @Test
  void identityFileKeys_authenticateTheirUser_andAKeyMayBelongToOneUserOnly() throws Exception {
    Path f = Files.writeString(dir.resolve("identity.yaml"), """
        users:
          alice:
            groups: [eng]
            sshKeys: ["%s"]
        """.formatted(ALICE_KEY));
    FileIdentitySource s = new FileIdentitySource(IdentityFile.read(f));
    assertEquals("alice", s.authenticate(SshKey.fromOpenSshLine(ALICE_KEY)).orElseThrow().name());
    assertEquals(Optional.empty(), s.authenticate(SshKey.fromOpenSshLine(CA_KEY)));

    Path twice = Files.writeString(dir.resolve("twice.yaml"), """
        users:
          alice:
            sshKeys: ["%s"]
          bob:
            sshKeys: ["%s"]
        """.formatted(ALICE_KEY, ALICE_KEY));
    ConfigException e = assertThrows(ConfigException.class, () -> IdentityFile.read(twice));
    assertEquals(5, e.line());
  }

  // ------------------------------------------------------------------ certificates

  private final Instant now = Instant.parse("2026-11-25T12:00:00Z");
  private final SshKey ca = SshKey.fromOpenSshLine(CA_KEY);
  private final SshCertificateAuthorities cas = new SshCertificateAuthorities(List.of(ca),
      name -> name.equals("alice") ? Optional.of(Principal.user("alice", Set.of("eng")))
          : name.equals("bob") ? Optional.of(Principal.user("bob", Set.of())) : Optional.empty(),
      Clock.fixed(now, ZoneOffset.UTC));

  private SshCertificate cert(boolean user, SshKey authority, List<String> principals,
      Instant after, Instant before, Set<String> options, String login) {
    return new SshCertificate("id", SshKey.fromOpenSshLine(ALICE_KEY), user, authority,
        principals, after, before, options, login);
  }

  private Optional<String> who(SshCertificate c) {
    return cas.authenticate(c).map(Principal::name);
  }

  @Test
  void aValidCertificate_namesItsUser_whateverTheSharedLogin() {
    Instant a = now.minus(Duration.ofMinutes(5));
    Instant b = now.plus(Duration.ofHours(1));
    assertEquals(Optional.of("alice"), who(cert(true, ca, List.of("alice"), a, b, Set.of(), "git")));
    assertEquals(Optional.of("alice"),
        who(cert(true, ca, List.of("alice", "bob"), a, b, Set.of(), "alice")));
    assertEquals(Optional.of("alice"),
        who(cert(true, ca, List.of("alice", "contractor"), a, b, Set.of("source-address"),
            "git")));
  }

  @Test
  void invalidCertificates_areRefused() {
    Instant a = now.minus(Duration.ofMinutes(5));
    Instant b = now.plus(Duration.ofHours(1));
    SshKey other = SshKey.fromOpenSshLine(ALICE_KEY);
    List<SshCertificate> refused = List.of(
        cert(false, ca, List.of("alice"), a, b, Set.of(), "git"),
        cert(true, other, List.of("alice"), a, b, Set.of(), "git"),
        cert(true, ca, List.of("alice"), now.plusSeconds(1), b, Set.of(), "git"),
        cert(true, ca, List.of("alice"), a, now, Set.of(), "git"),
        cert(true, ca, List.of(), a, b, Set.of(), "git"),
        cert(true, ca, List.of("mallory"), a, b, Set.of(), "git"),
        cert(true, ca, List.of("alice", "bob"), a, b, Set.of(), "git"),
        cert(true, ca, List.of("alice"), a, b, Set.of("force-command"), "git"),
        cert(true, ca, List.of("alice"), a, b, Set.of("verify-required"), "git"));
    for (SshCertificate c : refused) {
      assertEquals(Optional.empty(), who(c), c.toString());
    }
  }

  @Test
  void revokedKeys_doNotLogIn_plainlyOrCertifiedOrAsCa() {
    SshKey alice = SshKey.fromOpenSshLine(ALICE_KEY);
    IdentitySource keys = c -> c instanceof SshKey
        ? Decision.accept(Principal.user("alice", Set.of())) : new Decision.Pass("not-a-key");
    IdentitySource chain = IdentitySource.firstOf(List.of(keys, cas));
    Instant a = now.minus(Duration.ofMinutes(5));
    Instant b = now.plus(Duration.ofHours(1));
    SshCertificate valid = cert(true, ca, List.of("alice"), a, b, Set.of(), "git");
    assertTrue(chain.authenticate(alice).isPresent());
    assertTrue(chain.authenticate(valid).isPresent());

    IdentitySource keyRevoked = new RevokedSshKeys(List.of(alice), chain);
    assertEquals(Optional.empty(), keyRevoked.authenticate(alice));
    assertEquals(Optional.empty(), keyRevoked.authenticate(valid), "the certified key is revoked");
    IdentitySource caRevoked = new RevokedSshKeys(List.of(ca), chain);
    assertEquals(Optional.empty(), caRevoked.authenticate(valid));
    assertTrue(caRevoked.authenticate(alice).isPresent());
    assertTrue(keyRevoked.authenticate(AccessToken.of("x")).isEmpty());
  }
}
