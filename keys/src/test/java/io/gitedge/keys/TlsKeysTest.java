package io.gitedge.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsKeysTest {
  @TempDir Path dir;

  @Test
  void generate_writesPemFilesOnce_andReloadsTheSameCertificate() throws Exception {
    Path keys = dir.resolve("keys");
    TlsCredentials first = TlsKeys.loadOrGenerate(keys, List.of("git.eu.example.com"));
    assertTrue(first.generated());
    assertTrue(Files.readString(keys.resolve("tls.crt")).startsWith("-----BEGIN CERTIFICATE-----"));
    assertTrue(Files.readString(keys.resolve("tls.key")).startsWith("-----BEGIN PRIVATE KEY-----"));
    assertEquals("rw-------",
        PosixFilePermissions.toString(Files.getPosixFilePermissions(keys.resolve("tls.key"))));
    assertTrue(TlsKeys.subjectAltNames(first.certificate())
        .containsAll(List.of("localhost", "127.0.0.1", "::1", "git.eu.example.com")));

    TlsCredentials again = TlsKeys.loadOrGenerate(keys, List.of("git.eu.example.com"));
    assertEquals(first.sha256Fingerprint(), again.sha256Fingerprint());
    assertEquals(95, first.sha256Fingerprint().length());
  }

  @Test
  void load_acceptsWhatGenerateWrote_andBuildsAKeyStore() throws Exception {
    TlsKeys.loadOrGenerate(dir, List.of());
    TlsCredentials c = TlsKeys.load(dir.resolve("tls.crt"), dir.resolve("tls.key"));
    assertFalse(c.generated());
    assertTrue(c.toKeyStore("x".toCharArray()).isKeyEntry("gitedge"));
  }

  @Test
  void aKeyLoadedWhileBouncyCastleIsRegistered_stillBuildsAKeyStoreTlsCanUse() throws Exception {
    TlsKeys.loadOrGenerate(dir, List.of());
    java.security.Security.addProvider(new org.bouncycastle.jce.provider.BouncyCastleProvider());
    try {
      TlsCredentials c = TlsKeys.load(dir.resolve("tls.crt"), dir.resolve("tls.key"));
      char[] pw = "x".toCharArray();
      javax.net.ssl.KeyManagerFactory kmf = javax.net.ssl.KeyManagerFactory.getInstance(
          javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(c.toKeyStore(pw), pw);
      javax.net.ssl.X509KeyManager km = (javax.net.ssl.X509KeyManager) kmf.getKeyManagers()[0];
      assertEquals(c.certificate().getPublicKey().getAlgorithm(),
          km.getPrivateKey("gitedge").getAlgorithm());
    } finally {
      java.security.Security.removeProvider("BC");
    }
  }

  @Test
  void load_rejectsAKeyOfAnotherCertificate() throws Exception {
    TlsKeys.loadOrGenerate(dir.resolve("a"), List.of());
    TlsKeys.loadOrGenerate(dir.resolve("b"), List.of());
    KeyMaterialException e = assertThrows(KeyMaterialException.class,
        () -> TlsKeys.load(dir.resolve("a/tls.crt"), dir.resolve("b/tls.key")));
    assertTrue(e.getMessage().contains("does not match the certificate"), e.getMessage());
  }

  @Test
  void loadOrGenerate_refusesToReplaceAHalfPresentPair() throws Exception {
    TlsKeys.loadOrGenerate(dir, List.of());
    Files.delete(dir.resolve("tls.key"));
    String before = Files.readString(dir.resolve("tls.crt"));
    KeyMaterialException e = assertThrows(KeyMaterialException.class,
        () -> TlsKeys.loadOrGenerate(dir, List.of()));
    assertTrue(e.getMessage().contains("without"), e.getMessage());
    assertEquals(before, Files.readString(dir.resolve("tls.crt")));
    assertFalse(Files.exists(dir.resolve("tls.key")));
  }

  @Test
  void load_namesAMissingFile() {
    KeyMaterialException e = assertThrows(KeyMaterialException.class,
        () -> TlsKeys.load(dir.resolve("none.crt"), dir.resolve("none.key")));
    assertEquals("TLS certificate file not found: " + dir.resolve("none.crt"), e.getMessage());
  }

  @Test
  void load_rejectsAFileWithoutACertificate() throws Exception {
    Path f = Files.writeString(dir.resolve("x.crt"), "hello\n");
    KeyMaterialException e = assertThrows(KeyMaterialException.class,
        () -> TlsKeys.load(f, f));
    assertTrue(e.getMessage().startsWith("no PEM certificate"), e.getMessage());
  }

  @Test
  void load_readsTraditionalRsaKeysMadeByOpenssl() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        Files.isExecutable(Path.of("/usr/bin/openssl")), "openssl is not installed");
    Process p = new ProcessBuilder("/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048",
        "-nodes", "-keyout", dir.resolve("k.pem").toString(), "-out",
        dir.resolve("c.pem").toString(), "-days", "2", "-subj", "/CN=gw.example.com")
        .redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    assertEquals(0, p.waitFor());
    TlsCredentials c = TlsKeys.load(dir.resolve("c.pem"), dir.resolve("k.pem"));
    assertEquals("RSA", c.certificate().getPublicKey().getAlgorithm());
  }
}
