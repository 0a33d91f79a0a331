package io.gitedge.keys;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A TLS client context trusting exactly the CA certificates of a PEM file (a company CA, a peer
 * region's self-signed certificate) instead of the JVM's, for connections the gateway makes.
 */
public final class TrustedCertificates {
  private TrustedCertificates() {}

  /**
   * @throws KeyMaterialException when {@code pemFile} cannot be read or holds no certificate
   */
  public static SSLContext sslContext(Path pemFile) throws KeyMaterialException {
    try (InputStream in = Files.newInputStream(pemFile)) {
      KeyStore trusted = KeyStore.getInstance("PKCS12");
      trusted.load(null, null);
      int i = 0;
      for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        trusted.setCertificateEntry("ca" + i++, c);
      }
      if (i == 0) {
        throw new KeyMaterialException("no certificate in " + pemFile);
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(
          TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trusted);
      SSLContext ssl = SSLContext.getInstance("TLS");
      ssl.init(null, tmf.getTrustManagers(), null);
      return ssl;
    } catch (IOException | GeneralSecurityException e) {
      throw new KeyMaterialException("cannot use " + pemFile + " as trusted CAs: "
          + e.getMessage(), e);
    }
  }
}
