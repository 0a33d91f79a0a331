package io.gitedge.gateway.http;

import io.gitedge.gateway.config.HttpConfig;
import io.gitedge.gateway.git.ReadPath;
import io.gitedge.gateway.goproxy.GoProxy;
import io.gitedge.gateway.http.Routes.Access;
import io.gitedge.gateway.observe.GatewayMetrics;
import io.gitedge.keys.TlsCredentials;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.ConnectionLimit;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTPS listener: Jetty 12 with one servlet ({@link HttpRouter}) on {@code /*} that answers
 * each request through the row of {@link #routes} it matches, HTTP/1.1 over TLS (or plain HTTP
 * when TLS is off), no server version header, and an idle timeout long enough for a large
 * repository's silent "counting objects" phase. HTTP/2 is not spoken: ALPN offers only
 * {@code http/1.1}, and neither {@code Upgrade: h2c} nor the HTTP/2 preface is understood, so
 * HTTP/2's stream-reset floods (CVE-2023-44487, CVE-2025-5115) have nothing to reach; git needs
 * nothing else. Slow clients are bounded by {@link SlowRequestGuard} and a connection
 * cap. Start once, close once.
 */
public final class HttpFrontDoor implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HttpFrontDoor.class);

  private final Server server;
  private final ServerConnector connector;
  private final SslContextFactory.Server ssl; // null for plain HTTP
  private final Optional<TlsCredentials> credentials;
  private final boolean tls;
  private final Optional<URI> configuredPublicUrl;
  private final AtomicBoolean ready = new AtomicBoolean();
  private final AtomicBoolean stopping = new AtomicBoolean();
  private volatile int boundPort = -1; // kept: a closed listener answers -2
  private final SlowRequestGuard slowRequests;

  /** What the endpoints beyond git's own answer from. */
  public record Services(GatewayMetrics metrics, HookEndpoint hooks,
      Optional<PeerEventEndpoint> peerEvents, AdminApi admin, FleetEndpoint fleet,
      Optional<GoProxy> goProxy, StatusPage status) {}

  /**
   * @param credentials the TLS key material, or empty for plain HTTP
   * @param serverTls the TLS implementation (unused for plain HTTP)
   * @param reads the read path every request runs through (with this door's I/O timeout)
   */
  public HttpFrontDoor(HttpConfig config, Optional<TlsCredentials> credentials,
      ServerTls serverTls, ReadPath reads, Services services) {
    QueuedThreadPool pool = new QueuedThreadPool(200, 8);
    pool.setName("gitedge-https");
    this.server = new Server(pool);
    this.credentials = credentials;
    this.tls = credentials.isPresent();
    this.configuredPublicUrl = config.publicUrl();
    HttpConfiguration hc = new HttpConfiguration();
    hc.setSendServerVersion(false);
    hc.setSendXPoweredBy(false);
    if (tls) {
      SecureRequestCustomizer src = new SecureRequestCustomizer();
      // clients reach a gateway by many names (IP, GeoDNS name, localhost): do not demand
      // that the SNI name match the certificate; the client verifies the certificate itself
      src.setSniHostCheck(false);
      hc.addCustomizer(src);
      ssl = serverTls.serverFactory(credentials.get());
      connector = new ServerConnector(server, new SslConnectionFactory(ssl, "http/1.1"),
          new HttpConnectionFactory(hc));
    } else {
      ssl = null;
      connector = new ServerConnector(server, new HttpConnectionFactory(hc));
    }
    connector.setHost(config.listenHost());
    connector.setPort(config.listenPort());
    connector.setIdleTimeout(config.idleTimeout().toMillis());
    server.addConnector(connector);
    // slowloris: headers and bodies must arrive within deadlines, and at the connection cap
    // Jetty pauses accepting (the backlog holds newcomers) until a deadline frees a slot
    this.slowRequests = new SlowRequestGuard(config.requestHeaderTimeout(),
        config.requestBodyTimeout());
    connector.addEventListener(slowRequests);
    server.addBean(slowRequests);
    server.addBean(new ConnectionLimit(config.maxConnections(), connector));
    ServletContextHandler ctx = new ServletContextHandler();
    ctx.addServlet(new ServletHolder("gitedge", new HttpRouter(reads,
        routes(config, services))), "/*");
    server.setHandler(ctx);
    // errors Jetty answers itself (bad URIs, oversized headers) carry no detail of the server
    ErrorHandler errors = new ErrorHandler();
    errors.setShowStacks(false);
    errors.setShowMessageInTitle(false);
    server.setErrorHandler(errors);
    server.setStopTimeout(5_000);
  }

  /** Every endpoint, in the order requests are matched against them; the last takes the rest. */
  private Routes routes(HttpConfig config, Services services) {
    Probes probes = new Probes(ready::get, stopping::get);
    Routes routes = new Routes()
        .exact("/healthz", "healthz", Access.PROBE, probes::health)
        .exact("/readyz", "readyz", Access.PROBE, probes::ready)
        .exact("/metrics", "metrics", Access.CALLER, new MetricsEndpoint(services.metrics()));
    services.peerEvents().ifPresent(p -> routes.exact(PeerEventEndpoint.PATH, "hook",
        Access.SIGNED, p));
    routes.prefix(HookEndpoint.PREFIX, "hook", Access.SIGNED, services.hooks())
        .exact(FleetEndpoint.PATH, "admin", Access.CALLER, services.fleet())
        .exact(StatusPage.PATH, "admin", Access.CALLER, services.status())
        .prefix("/api/", "admin", Access.CALLER, services.admin());
    services.goProxy().ifPresent(p -> routes.prefix(GoProxyEndpoint.PREFIX, "goproxy",
        Access.CALLER, new GoProxyEndpoint(p)));
    return routes
        .when(GoImportEndpoint::asks, "go-get", Access.CALLER,
            new GoImportEndpoint(this::publicUrl))
        .otherwise("other", Access.CALLER, new SmartHttpEndpoint(config.maxRequestBytes(),
            slowRequests));
  }

  /**
   * Binds and starts serving; {@code /readyz} answers 503 "starting" until {@link #markReady}.
   *
   * @throws IOException when the address cannot be bound (in use, not local, not permitted)
   */
  public void start() throws IOException {
    try {
      server.start();
      boundPort = connector.getLocalPort();
    } catch (IOException e) {
      stopQuietly();
      throw e;
    } catch (Exception e) {
      stopQuietly();
      throw new IOException(e.getMessage(), e);
    }
  }

  /**
   * Makes one HTTPS request to this listener ({@code /healthz}), so the first TLS handshake of a
   * cold JVM, several times slower than the next, is not a client's. Failures are ignored.
   */
  public void warmUp() {
    if (credentials.isEmpty()) {
      return;
    }
    String host = connector.getHost() == null || connector.getHost().equals("0.0.0.0")
        || connector.getHost().equals("::") ? "127.0.0.1" : connector.getHost();
    try {
      TrustManagerFactory trust = TrustManagerFactory.getInstance(
          TrustManagerFactory.getDefaultAlgorithm());
      trust.init(credentials.get().trustingItself());
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      try (SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket(host, port())) {
        s.setSoTimeout(5_000);
        s.getOutputStream().write(("GET /healthz HTTP/1.1\r\nHost: " + hostForUrl(host)
            + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        s.getInputStream().readAllBytes();
      }
    } catch (IOException | GeneralSecurityException e) {
      // only a warm-up: the first client pays for the cold handshake instead
      log.debug("TLS warm-up request failed: {}", e.toString());
    }
  }

  /** From now on {@code /readyz} answers 200: the gateway is warm and may take traffic. */
  public void markReady() {
    ready.set(true);
  }

  /**
   * Which TLS implementation the started listener's engines come from, as
   * {@code http.tlsProvider} names it ({@code jdk}, {@code conscrypt}): read from the context
   * Jetty actually uses, not from the configuration. Empty for plain HTTP.
   */
  public Optional<String> tlsProvider() {
    return Optional.ofNullable(ssl).map(s -> ServerTls.nameOf(s.getSslContext().getProvider()));
  }

  /** The port actually bound. */
  public int port() {
    return boundPort;
  }

  /** Connections open now (TLS and plain), idle keep-alive ones included. */
  public int openConnections() {
    return connector.getConnectedEndPoints().size();
  }

  /** The configured public URL, or this listener's own URL. */
  public URI publicUrl() {
    return configuredPublicUrl.orElseGet(() -> URI.create((tls ? "https" : "http") + "://"
        + hostForUrl(connector.getHost()) + ":" + port()));
  }

  private static String hostForUrl(String host) {
    if (host == null || host.equals("0.0.0.0") || host.equals("::")) {
      return "localhost";
    }
    return host.contains(":") ? "[" + host + "]" : host;
  }

  /**
   * Begins a drain: {@code /readyz} answers 503 "stopping" and the listening socket closes, so
   * new connections are refused, while connections already open go on as before (kept alive:
   * a clone's next request, on the connection of its first, is still served).
   */
  public void stopAccepting() {
    stopping.set(true);
    ready.set(false);
    // not Jetty's graceful shutdown(): it would also end every connection after its current
    // response, and a git clone makes two or three requests over one connection
    connector.close();
  }

  /** Stops at once: open connections are closed, the requests on them cut. */
  public void closeNow() {
    server.setStopTimeout(0);
    close();
  }

  private void stopQuietly() {
    try {
      server.stop();
    } catch (Exception ignored) {
      // already failing to start; the original error is what matters
    }
  }

  @Override
  public void close() {
    ready.set(false);
    stopQuietly();
  }
}
