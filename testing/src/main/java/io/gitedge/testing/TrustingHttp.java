package io.gitedge.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * HTTP clients that trust the certificates of one PEM file (a gateway's self-signed one, or a
 * bundle) and nothing else.
 */
public final class TrustingHttp {
  private TrustingHttp() {}

  public static HttpClient client(Path certificate) {
    return HttpClient.newBuilder().sslContext(sslContext(certificate))
        .connectTimeout(Duration.ofSeconds(10)).build();
  }

  /** A TLS context that trusts the certificates in {@code certificate} and nothing else. */
  public static SSLContext sslContext(Path certificate) {
    try (InputStream in = Files.newInputStream(certificate)) {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      int i = 0;
      for (java.security.cert.Certificate c : CertificateFactory.getInstance("X.509")
          .generateCertificates(in)) {
        ks.setCertificateEntry("trusted-" + i++, c);
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(
          TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ks);
      SSLContext ssl = SSLContext.getInstance("TLS");
      ssl.init(null, tmf.getTrustManagers(), null);
      return ssl;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot trust " + certificate, e);
    }
  }
}
