package io.gitedge.gateway.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ExecRequestTest {
  @Test
  void whatGitSends_parses() {
    assertEquals(Optional.of(new ExecRequest("git-upload-pack", "/github.com/acme/lib.git")),
        ExecRequest.parse("git-upload-pack '/github.com/acme/lib.git'"));
    assertEquals(Optional.of(new ExecRequest("git-upload-pack", "github.com/acme/lib")),
        ExecRequest.parse("git upload-pack 'github.com/acme/lib'"));
    assertEquals(Optional.of(new ExecRequest("git-receive-pack", "github.com/acme/lib")),
        ExecRequest.parse("git-receive-pack github.com/acme/lib"));
    // git's sq_quote of a path with a quote in it
    assertEquals("a'b", ExecRequest.parse("git-upload-pack 'a'\\''b'").orElseThrow().path());
  }

  @Test
  void leadingSlashAndTildeForms_nameTheSameRepository() {
    for (String p : new String[] {"/github.com/a/b", "~/github.com/a/b", "~github.com/a/b",
        "github.com/a/b"}) {
      assertEquals("github.com/a/b",
          ExecRequest.parse("git-upload-pack '" + p + "'").orElseThrow().repository());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "id", "git-upload-pack", "git-upload-pack 'a' extra",
      "git-upload-pack --upload-pack=touch /tmp/p", "git-upload-pack '--help'",
      "\"git upload-pack\" repo", "git-upload-pack 'repo;id'x;id", "git-upload-pack 'unclosed",
      "git-upload-pack repo\nid", "git-upload-pack 'a\u0000b'", "git-upload-pack $(id)",
      "git-upload-pack `id`", "git-upload-pack a\\b", "git-upload-pack a|b", "scp -t /tmp",
      "git-upload-pack-evil 'a'", "sh -c 'git-upload-pack a'"})
  void anythingElse_doesNotParse(String command) {
    assertEquals(Optional.empty(), ExecRequest.parse(command), command);
  }

  @Test
  void veryLongCommands_doNotParse() {
    assertEquals(Optional.empty(), ExecRequest.parse("git-upload-pack '" + "a".repeat(65536)
        + "'"));
  }

  @Test
  void malformedRequestsForGitServices_areRecognisedAsSuch() {
    assertTrue(ExecRequest.namesGitService("git-upload-pack 'a' extra"));
    assertTrue(ExecRequest.namesGitService("git upload-pack --help"));
    assertFalse(ExecRequest.namesGitService("id"));
    assertFalse(ExecRequest.namesGitService("scp -t /tmp"));
  }

  @Test
  void s02_theAuthenticator_neverTouchesTheSession() throws Exception {
    // catalogue S02: a key query must grant and record nothing; null proves nothing is stored
    var key = org.apache.sshd.common.config.keys.KeyUtils.generateKeyPair("ssh-ed25519", 256);
    String fingerprint = org.apache.sshd.common.config.keys.KeyUtils.getFingerPrint(
        key.getPublic());
    SshPublicKeyAuthenticator a = new SshPublicKeyAuthenticator(c ->
        c instanceof io.gitedge.auth.SshKey k && k.fingerprint().equals(fingerprint)
            ? io.gitedge.auth.Decision.accept(
                io.gitedge.auth.Principal.user("alice", java.util.Set.of()))
            : new io.gitedge.auth.Decision.Pass("unknown"));
    assertTrue(a.authenticate("git", key.getPublic(), null));
    var other = org.apache.sshd.common.config.keys.KeyUtils.generateKeyPair("ssh-ed25519", 256);
    assertFalse(a.authenticate("git", other.getPublic(), null));
  }
}
