package io.gitedge.gateway.doctor;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Whether a host answers, step by step, each bounded by the timeout and timed: DNS, a TCP
 * connection, and for TLS a handshake that checks the certificate and the host name as the
 * gateway's own clients do. Stateless; one call per host.
 */
final class Reach {
  /** How it went: where it stopped (null when every step passed) and what to say. */
  record Result(String failedStep, String detail, Optional<Instant> certificateExpiry) {
    boolean ok() {
      return failedStep == null;
    }
  }

  private Reach() {}

  /**
   * @param tls whether to make a TLS handshake after connecting
   * @param trust the certificates to trust for TLS, empty for the JVM's
   * @param resolver where the DNS lookup runs, so that a lookup the system resolver does not
   *     give up on cannot hold the caller past the timeout
   */
  static Result check(String host, int port, boolean tls, Optional<X509TrustManager> trust,
      Duration timeout, Executor resolver) {
    int ms = (int) timeout.toMillis();
    long t0 = System.nanoTime();
    InetAddress[] addresses;
    try {
      addresses = CompletableFuture.supplyAsync(() -> lookup(host), resolver)
          .get(ms, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      return new Result("DNS", "no DNS answer for " + host + " within " + timeout.toSeconds()
          + " s", Optional.empty());
    } catch (ExecutionException e) {
      return new Result("DNS", "cannot resolve " + host + " (" + e.getCause().getMessage()
          + ")", Optional.empty());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result("DNS", "interrupted", Optional.empty());
    }
    long t1 = System.nanoTime();
    Socket socket = null;
    IOException last = null;
    for (InetAddress a : addresses) {
      Socket s = new Socket();
      try {
        s.connect(new InetSocketAddress(a, port), ms);
        socket = s;
        break;
      } catch (IOException e) {
        last = e;
        close(s);
      }
    }
    if (socket == null) {
      String where = host + ":" + port;
      return new Result("TCP", last instanceof ConnectException
          ? "nothing listens at " + where + " (connection refused)"
          : last instanceof SocketTimeoutException
              ? "no TCP connection to " + where + " within " + timeout.toSeconds() + " s (host"
                  + " down, or a firewall drops the packets)"
              : "cannot connect to " + where + ": " + last.getMessage(), Optional.empty());
    }
    long t2 = System.nanoTime();
    String timing = "DNS " + ms(t1 - t0) + ", TCP " + ms(t2 - t1);
    if (!tls) {
      close(socket);
      return new Result(null, timing, Optional.empty());
    }
    try (SSLSocket s = (SSLSocket) context(trust).getSocketFactory().createSocket(socket, host,
        port, true)) {
      s.setSoTimeout(ms);
      SSLParameters p = s.getSSLParameters();
      p.setEndpointIdentificationAlgorithm("HTTPS");
      if (!Character.isDigit(host.charAt(0)) && !host.contains(":")) {
        p.setServerNames(java.util.List.of(new SNIHostName(host)));
      }
      s.setSSLParameters(p);
      s.startHandshake();
      Certificate[] chain = s.getSession().getPeerCertificates();
      Optional<Instant> expiry = chain.length > 0 && chain[0] instanceof X509Certificate x
          ? Optional.of(x.getNotAfter().toInstant()) : Optional.empty();
      return new Result(null, timing + ", TLS " + ms(System.nanoTime() - t2), expiry);
    } catch (SSLException e) {
      close(socket);
      return new Result("TLS", "TLS handshake with " + host + ":" + port + " failed: "
          + e.getMessage(), Optional.empty());
    } catch (IOException | GeneralSecurityException e) {
      close(socket);
      return new Result("TLS", "TLS with " + host + ":" + port + " failed: " + e,
          Optional.empty());
    }
  }

  private static InetAddress[] lookup(String host) {
    try {
      return InetAddress.getAllByName(host);
    } catch (UnknownHostException e) {
      throw new java.util.concurrent.CompletionException(new UnknownHostException(
          "unknown host"));
    }
  }

  private static SSLContext context(Optional<X509TrustManager> trust)
      throws GeneralSecurityException {
    if (trust.isEmpty()) {
      return SSLContext.getDefault();
    }
    SSLContext c = SSLContext.getInstance("TLS");
    c.init(null, new TrustManager[] {trust.get()}, null);
    return c;
  }


  static String ms(long nanos) {
    return TimeUnit.NANOSECONDS.toMillis(nanos) + " ms";
  }

  private static void close(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // closing a socket that never connected
    }
  }
}
