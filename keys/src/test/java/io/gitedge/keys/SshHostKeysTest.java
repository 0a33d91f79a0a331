package io.gitedge.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SshHostKeysTest {
  @TempDir Path dir;

  @Test
  void keysAreGeneratedOnceInOpenSshFormat_andReloadedUnchanged() throws Exception {
    SshHostKeys first = SshHostKeys.loadOrGenerate(dir);
    assertEquals(List.of("ssh-ed25519", "ecdsa-sha2-nistp256", "ssh-rsa"),
        first.keys().stream().map(SshHostKeys.HostKey::type).toList());
    for (String f : List.of("ssh_host_ed25519_key", "ssh_host_ecdsa_key", "ssh_host_rsa_key")) {
      assertTrue(Files.readString(dir.resolve(f)).startsWith("-----BEGIN OPENSSH PRIVATE KEY-----"),
          f);
      assertEquals("rw-------",
          PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(f))));
      assertTrue(Files.exists(dir.resolve(f + ".pub")));
    }

    SshHostKeys again = SshHostKeys.loadOrGenerate(dir);

    assertEquals(first.keys().stream().map(SshHostKeys.HostKey::fingerprint).toList(),
        again.keys().stream().map(SshHostKeys.HostKey::fingerprint).toList());
  }

  @Test
  void fingerprintsAndKnownHostsLines_matchWhatOpenSshComputes() throws Exception {
    Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/ssh-keygen")), "no ssh-keygen");
    SshHostKeys keys = SshHostKeys.loadOrGenerate(dir);
    for (SshHostKeys.HostKey k : keys.keys()) {
      Path pub = Files.writeString(dir.resolve("probe.pub"), k.publicKeyLine() + "\n");
      Process p = new ProcessBuilder("ssh-keygen", "-l", "-E", "sha256", "-f", pub.toString())
          .redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      assertEquals(0, p.waitFor(), out);
      assertTrue(out.contains(k.fingerprint()), out + " vs " + k.fingerprint());
    }
    assertEquals("[127.0.0.1]:2222 " + keys.keys().get(0).publicKeyLine(),
        keys.knownHostsLines("127.0.0.1", 2222).get(0));
    assertEquals("git.example.com " + keys.keys().get(2).publicKeyLine(),
        keys.knownHostsLines("git.example.com", 22).get(2));
  }

  @Test
  void anUnreadableKeyFile_stopsStartup_andIsNotReplaced() throws Exception {
    Files.writeString(dir.resolve("ssh_host_ed25519_key"), "garbage\n");
    KeyMaterialException e = assertThrows(KeyMaterialException.class,
        () -> SshHostKeys.loadOrGenerate(dir));
    assertTrue(e.getMessage().contains("ssh_host_ed25519_key"), e.getMessage());
    assertEquals("garbage\n", Files.readString(dir.resolve("ssh_host_ed25519_key")));
  }
}
