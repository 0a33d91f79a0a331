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
 */
public record HttpConfig(String listenHost, int listenPort, Optional<URI> publicUrl, Tls tls,
    Duration idleTimeout, long maxRequestBytes) {
  public HttpConfig {
    Objects.requireNonNull(listenHost, "listenHost");
    Objects.requireNonNull(publicUrl, "publicUrl");
    Objects.requireNonNull(tls, "tls");
    Objects.requireNonNull(idleTimeout, "idleTimeout");
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
