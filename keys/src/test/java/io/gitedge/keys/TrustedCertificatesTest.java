package io.gitedge.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrustedCertificatesTest {
  @TempDir Path dir;

  @Test
  void aPemCertificate_isTrusted_andAFileWithoutOne_isRefusedByName() throws Exception {
    TlsKeys.loadOrGenerate(dir, List.of());
    SSLContext ssl = TrustedCertificates.sslContext(dir.resolve("tls.crt"));
    assertEquals("TLS", ssl.getProtocol());
    Path empty = Files.writeString(dir.resolve("empty.pem"), "# no certificate here\n");
    KeyMaterialException e = assertThrows(KeyMaterialException.class,
        () -> TrustedCertificates.sslContext(empty));
    assertTrue(e.getMessage().contains("empty.pem"), e.getMessage());
    assertThrows(KeyMaterialException.class,
        () -> TrustedCertificates.sslContext(dir.resolve("missing.pem")));
  }
}
