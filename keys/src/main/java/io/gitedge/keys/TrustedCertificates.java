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
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

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
    try {
      SSLContext ssl = SSLContext.getInstance("TLS");
      ssl.init(null, new TrustManager[] {trustManager(pemFile)}, null);
      return ssl;
    } catch (GeneralSecurityException e) {
      throw new KeyMaterialException("cannot use " + pemFile + " as trusted CAs: "
          + e.getMessage(), e);
    }
  }

  /**
   * A trust manager for exactly the CA certificates of {@code pemFile}, for clients that build
   * their own TLS context (JGit's HTTP transport).
   *
   * @throws KeyMaterialException when {@code pemFile} cannot be read or holds no certificate
   */
  public static X509TrustManager trustManager(Path pemFile) throws KeyMaterialException {
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
      for (TrustManager tm : tmf.getTrustManagers()) {
        if (tm instanceof X509TrustManager x509) {
          return x509;
        }
      }
      throw new KeyMaterialException("no X.509 trust manager for " + pemFile);
    } catch (IOException | GeneralSecurityException e) {
      throw new KeyMaterialException("cannot use " + pemFile + " as trusted CAs: "
          + e.getMessage(), e);
    }
  }
}
