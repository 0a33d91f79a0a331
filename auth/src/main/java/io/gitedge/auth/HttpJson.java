package io.gitedge.auth;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.text.ParseException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A small JSON-over-HTTP client for identity services: bounded connect and response times, a
 * response size cap, and optionally a private CA to trust. Failures to get an answer (refused,
 * timed out, 5xx, not JSON) are {@link UnavailableException}s; a well-formed answer, whatever its
 * status, is returned. Thread-safe.
 */
final class HttpJson {
  private static final int MAX_BODY = 256 * 1024;

  /** The service gave no usable answer. */
  static final class UnavailableException extends Exception {
    private static final long serialVersionUID = 1L;

    UnavailableException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** A status and, when the body was JSON, its object. */
  record Response(int status, Map<String, Object> json) {}

  private final HttpClient client;
  private final Duration timeout;
  private final Optional<SSLContext> ssl;

  /**
   * @param caFile PEM certificates to trust instead of the JVM's defaults, or empty
   */
  HttpJson(Duration timeout, Optional<Path> caFile) {
    this.timeout = timeout;
    HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(timeout)
        .followRedirects(HttpClient.Redirect.NEVER);
    this.ssl = caFile.map(HttpJson::trusting);
    ssl.ifPresent(b::sslContext);
    this.client = b.build();
  }

  /** Sockets trusting the same CAs as this client, for code that makes its own connections. */
  Optional<javax.net.ssl.SSLSocketFactory> sslSocketFactory() {
    return ssl.map(SSLContext::getSocketFactory);
  }

  Response get(URI uri, Optional<String> bearer) throws UnavailableException {
    HttpRequest.Builder r = HttpRequest.newBuilder(uri).timeout(timeout).GET()
        .header("Accept", "application/json");
    bearer.ifPresent(t -> r.header("Authorization", "Bearer " + t));
    return send(r.build());
  }

  Response postForm(URI uri, String basicAuth, String form) throws UnavailableException {
    return send(HttpRequest.newBuilder(uri).timeout(timeout)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("Accept", "application/json")
        .header("Authorization", "Basic " + basicAuth)
        .POST(HttpRequest.BodyPublishers.ofString(form)).build());
  }

  private Response send(HttpRequest request) throws UnavailableException {
    HttpResponse<InputStream> rsp;
    try {
      rsp = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
    } catch (IOException e) {
      throw new UnavailableException(request.uri().getHost() + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UnavailableException("interrupted", e);
    }
    if (rsp.statusCode() >= 500) {
      drain(rsp);
      throw new UnavailableException(request.uri().getHost() + " answered " + rsp.statusCode(),
          null);
    }
    try (InputStream in = rsp.body()) {
      byte[] body = in.readNBytes(MAX_BODY + 1);
      if (body.length > MAX_BODY) {
        throw new UnavailableException("answer larger than " + MAX_BODY + " bytes", null);
      }
      String text = new String(body, java.nio.charset.StandardCharsets.UTF_8).trim();
      Map<String, Object> json = text.startsWith("{") ? JSONObjectUtils.parse(text) : Map.of();
      return new Response(rsp.statusCode(), json);
    } catch (IOException | ParseException e) {
      throw new UnavailableException("unreadable answer from " + request.uri().getHost() + ": "
          + e.getMessage(), e);
    }
  }

  private static void drain(HttpResponse<InputStream> rsp) {
    try (InputStream in = rsp.body()) {
      in.readNBytes(MAX_BODY);
    } catch (IOException e) {
      // nothing more to read
    }
  }

  private static SSLContext trusting(Path caFile) {
    try (InputStream in = Files.newInputStream(caFile)) {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      int i = 0;
      for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        ks.setCertificateEntry("ca" + i++, c);
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(
          TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ks);
      SSLContext ssl = SSLContext.getInstance("TLS");
      ssl.init(null, tmf.getTrustManagers(), null);
      return ssl;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot use " + caFile + " as trusted CAs: "
          + e.getMessage(), e);
    }
  }
}
