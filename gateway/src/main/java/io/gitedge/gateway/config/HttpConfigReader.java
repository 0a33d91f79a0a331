package io.gitedge.gateway.config;

import io.gitedge.config.ConfigException;
import io.gitedge.config.ConfigMap;
import io.gitedge.config.ConfigNode;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Optional;

/** Reads the {@code http:} section into an {@link HttpConfig}. */
final class HttpConfigReader {
  private static final String LISTEN_EXAMPLE = "127.0.0.1:8443 or 0.0.0.0:443";
  private static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(5);
  private static final int DEFAULT_MAX_REQUEST_MIB = 64;
  private static final int MAX_REQUEST_MIB = 1024;
  private static final long BYTES_PER_MIB = 1024L * 1024L;
  private static final int MAX_CONNECTIONS = 1_000_000;

  private HttpConfigReader() {}

  static HttpConfig read(ConfigNode section) throws ConfigException {
    ConfigMap keys = section.asMap();
    ListenAddress listen = ListenAddress.read(keys.require("listen"), LISTEN_EXAMPLE);
    Optional<URI> publicUrl = keys.get("publicUrl", HttpConfigReader::readPublicUrl);
    HttpConfig.Tls tls = readTls(keys);
    Duration idleTimeout = keys.getOrDefault("idleTimeout", ConfigNode::asPositiveDuration,
        DEFAULT_IDLE_TIMEOUT);
    int maxRequestMib = keys.getOrDefault("maxRequestSize",
        node -> node.asInt(1, MAX_REQUEST_MIB), DEFAULT_MAX_REQUEST_MIB);
    Duration headerTimeout = keys.getOrDefault("requestHeaderTimeout",
        ConfigNode::asPositiveDuration, HttpConfig.DEFAULT_REQUEST_HEADER_TIMEOUT);
    Duration bodyTimeout = keys.getOrDefault("requestBodyTimeout",
        ConfigNode::asPositiveDuration, HttpConfig.DEFAULT_REQUEST_BODY_TIMEOUT);
    int maxConnections = keys.getOrDefault("maxConnections",
        node -> node.asInt(1, MAX_CONNECTIONS), HttpConfig.DEFAULT_MAX_CONNECTIONS);
    HttpConfig.TlsProvider tlsProvider = keys.getOrDefault("tlsProvider",
        HttpConfigReader::readTlsProvider, HttpConfig.DEFAULT_TLS_PROVIDER);
    if (tls instanceof HttpConfig.Tls.Off && keys.has("tlsProvider")) {
      throw keys.require("tlsProvider").error("has no effect with tls: off; remove one of them");
    }
    keys.finish();
    return new HttpConfig(listen.host(), listen.port(), publicUrl, tls, idleTimeout,
        maxRequestMib * BYTES_PER_MIB, headerTimeout, bodyTimeout, maxConnections, tlsProvider);
  }

  /** {@code auto}, {@code jdk} or {@code conscrypt}. */
  private static HttpConfig.TlsProvider readTlsProvider(ConfigNode node) throws ConfigException {
    String text = node.asNonBlankString();
    for (HttpConfig.TlsProvider p : HttpConfig.TlsProvider.values()) {
      if (p.configName().equals(text)) {
        return p;
      }
    }
    throw node.error("expected auto, jdk or conscrypt, got \"" + text + "\"");
  }

  /** Absent or empty: a generated certificate; {@code off}: plain HTTP; or certFile + keyFile. */
  private static HttpConfig.Tls readTls(ConfigMap keys) throws ConfigException {
    Optional<ConfigNode> tls = keys.get("tls");
    if (tls.isEmpty()) {
      return new HttpConfig.Tls.Generated();
    }
    if (tls.get().isScalar()) {
      if (!tls.get().asString().equals("off")) {
        throw tls.get().error("expected \"off\" or a mapping with certFile and keyFile");
      }
      return new HttpConfig.Tls.Off();
    }
    ConfigMap files = tls.get().asMap();
    HttpConfig.Tls.Files tlsFiles = new HttpConfig.Tls.Files(
        files.require("certFile").asExistingFile(), files.require("keyFile").asExistingFile());
    files.finish();
    return tlsFiles;
  }

  /**
   * How clients reach a gateway: {@code scheme://host[:port]} with an http(s) scheme and nothing
   * after the authority but an optional trailing slash, which is dropped. Peers are written so too.
   */
  static URI readPublicUrl(ConfigNode node) throws ConfigException {
    String text = node.asNonBlankString();
    try {
      URI url = new URI(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
      if (!"https".equals(url.getScheme()) && !"http".equals(url.getScheme())) {
        throw node.error("expected an https:// (or http://) URL, got \"" + text + "\"");
      }
      if (url.getHost() == null || url.getQuery() != null || url.getFragment() != null
          || url.getUserInfo() != null || !(url.getPath() == null || url.getPath().isEmpty())) {
        throw node.error("expected scheme://host[:port] without path, user or query, got \""
            + text + "\"");
      }
      return url;
    } catch (URISyntaxException e) {
      throw node.error("not a URL: \"" + text + "\"");
    }
  }
}
