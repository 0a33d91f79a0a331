package io.gitedge.gateway.config;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The HTTPS front door. Immutable.
 *
 * @param listenHost address to bind ({@code 127.0.0.1}, {@code 0.0.0.0}, a host name)
 * @param listenPort port to bind; 0 picks a free one
 * @param publicUrl how clients reach this gateway, for go-import pages and messages; when absent,
 *     {@code https://<listenHost>:<bound port>} (http when TLS is off)
 * @param tls where the TLS key material comes from
 * @param idleTimeout how long a connection may stay silent (a large repository can take a while
 *     before the first pack byte)
 * @param maxRequestBytes cap on an upload-pack request body after decompression
 * @param requestHeaderTimeout how long a client has to send a whole request header, counted
 *     from the connection's start (TLS handshake included) or from the first byte of a later
 *     request on it; slower connections (slowloris) are closed
 * @param requestBodyTimeout how long the gateway's reads of one request body may wait for the
 *     client in total; a client that drips its body loses the connection
 * @param maxConnections open connections at most; at the cap Jetty stops accepting until one
 *     closes
 * @param tlsProvider which TLS implementation serves HTTPS (ignored when TLS is off)
 */
public record HttpConfig(String listenHost, int listenPort, Optional<URI> publicUrl, Tls tls,
    Duration idleTimeout, long maxRequestBytes, Duration requestHeaderTimeout,
    Duration requestBodyTimeout, int maxConnections, TlsProvider tlsProvider) {
  /** Default of {@link #requestHeaderTimeout}: git sends its headers at once. */
  public static final Duration DEFAULT_REQUEST_HEADER_TIMEOUT = Duration.ofSeconds(30);
  /** Default of {@link #requestBodyTimeout}: a 64 MiB body at 1 MB/s, git's are far smaller. */
  public static final Duration DEFAULT_REQUEST_BODY_TIMEOUT = Duration.ofSeconds(60);
  /** Default of {@link #maxConnections}. */
  public static final int DEFAULT_MAX_CONNECTIONS = 2048;
  /** Default of {@link #tlsProvider}. */
  public static final TlsProvider DEFAULT_TLS_PROVIDER = TlsProvider.AUTO;

  public HttpConfig {
    Objects.requireNonNull(listenHost, "listenHost");
    Objects.requireNonNull(publicUrl, "publicUrl");
    Objects.requireNonNull(tls, "tls");
    Objects.requireNonNull(idleTimeout, "idleTimeout");
    Objects.requireNonNull(requestHeaderTimeout, "requestHeaderTimeout");
    Objects.requireNonNull(requestBodyTimeout, "requestBodyTimeout");
    Objects.requireNonNull(tlsProvider, "tlsProvider");
  }

  /** The front door with the default TLS provider. */
  public HttpConfig(String listenHost, int listenPort, Optional<URI> publicUrl, Tls tls,
      Duration idleTimeout, long maxRequestBytes, Duration requestHeaderTimeout,
      Duration requestBodyTimeout, int maxConnections) {
    this(listenHost, listenPort, publicUrl, tls, idleTimeout, maxRequestBytes,
        requestHeaderTimeout, requestBodyTimeout, maxConnections, DEFAULT_TLS_PROVIDER);
  }

  /** The front door with the default slow-client limits. */
  public HttpConfig(String listenHost, int listenPort, Optional<URI> publicUrl, Tls tls,
      Duration idleTimeout, long maxRequestBytes) {
    this(listenHost, listenPort, publicUrl, tls, idleTimeout, maxRequestBytes,
        DEFAULT_REQUEST_HEADER_TIMEOUT, DEFAULT_REQUEST_BODY_TIMEOUT, DEFAULT_MAX_CONNECTIONS);
  }

  /**
   * Which implementation of TLS the HTTPS listener uses. Conscrypt is BoringSSL behind the JCA
   * interfaces: its handshake and its AES-GCM are native code from the first connection, where
   * the JDK's run as Java until the JIT has compiled them (see BENCHMARKS.md, "TLS provider").
   */
  public enum TlsProvider {
    /** Conscrypt where its native library loads on this platform, else the JDK's (logged). */
    AUTO,
    /** The JDK's own (SunJSSE). */
    JDK,
    /** Conscrypt; the gateway does not start where it cannot load. */
    CONSCRYPT;

    /** The configuration's spelling: {@code auto}, {@code jdk}, {@code conscrypt}. */
    public String configName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** Where TLS key material comes from. */
  public sealed interface Tls {
    /** Plain HTTP, for a gateway behind a TLS-terminating load balancer. */
    record Off() implements Tls {}

    /** A self-signed certificate generated once into {@code <dataDir>/keys}. */
    record Generated() implements Tls {}

    /** A certificate chain and key from PEM files. */
    record Files(java.nio.file.Path certFile, java.nio.file.Path keyFile) implements Tls {}
  }
}
