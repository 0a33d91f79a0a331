package io.gitedge.gateway.app;

import io.gitedge.config.ConfigException;
import io.gitedge.gateway.config.GatewayConfig;
import io.gitedge.gateway.config.HttpConfig;
import io.gitedge.gateway.http.ServerTls;
import io.gitedge.keys.KeyMaterialException;
import io.gitedge.keys.SshHostKeys;
import io.gitedge.keys.TlsCredentials;
import io.gitedge.keys.TlsKeys;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

/**
 * What a start reads and sets up on the second core while the starting thread opens the mirrors
 * and identity: each a few hundred milliseconds of cold crypto, joined where it is first needed.
 * A failure surfaces at the join as the error the start would have raised itself.
 */
final class StartupWork {
  private final Optional<CompletableFuture<SshHostKeys>> hostKeys;
  private final CompletableFuture<ServerTls> provider;
  private final CompletableFuture<Optional<TlsCredentials>> credentials;
  private final GatewayConfig config;

  private StartupWork(GatewayConfig config, Optional<CompletableFuture<SshHostKeys>> hostKeys,
      CompletableFuture<ServerTls> provider,
      CompletableFuture<Optional<TlsCredentials>> credentials) {
    this.config = config;
    this.hostKeys = hostKeys;
    this.provider = provider;
    this.credentials = credentials;
  }

  /** Starts reading and setting up, each on a thread of its own. */
  static StartupWork begin(GatewayConfig config) {
    // reading SSH host keys sets up the SSH library's crypto (Bouncy Castle's provider)
    Optional<CompletableFuture<SshHostKeys>> hostKeys = config.ssh().map(
        sc -> CompletableFuture.supplyAsync(() -> {
          try {
            return SshHostKeys.loadOrGenerate(config.keysDir());
          } catch (KeyMaterialException e) {
            throw new CompletionException(e);
          }
        }, daemon("gitedge-host-keys")));
    // Conscrypt unpacks and loads its native library
    CompletableFuture<ServerTls> provider = config.http().tls() instanceof HttpConfig.Tls.Off
        ? CompletableFuture.completedFuture(ServerTls.JDK)
        : CompletableFuture.supplyAsync(() -> {
          try {
            return ServerTls.choose(config.http().tlsProvider());
          } catch (ServerTls.UnavailableException e) {
            throw new CompletionException(e);
          }
        }, daemon("gitedge-tls-provider"));
    // reading the certificate and proving its key matches it (a signature)
    CompletableFuture<Optional<TlsCredentials>> credentials = CompletableFuture.supplyAsync(
        () -> {
          try {
            return tls(config);
          } catch (KeyMaterialException | ConfigException e) {
            throw new CompletionException(e);
          }
        }, daemon("gitedge-tls-credentials"));
    return new StartupWork(config, hostKeys, provider, credentials);
  }

  /** The SSH host keys being read, when the SSH door is on. */
  Optional<CompletableFuture<SshHostKeys>> hostKeys() {
    return hostKeys;
  }

  /** The HTTPS listener's certificate and key, unless TLS is off. */
  Optional<TlsCredentials> tlsCredentials() throws KeyMaterialException, ConfigException {
    try {
      return credentials.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof KeyMaterialException k) {
        throw k;
      }
      if (e.getCause() instanceof ConfigException c) {
        throw c;
      }
      throw e;
    }
  }

  /** The HTTPS listener's TLS provider once chosen; one that cannot load is a config error. */
  ServerTls tlsProvider() throws ConfigException {
    try {
      return provider.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof ServerTls.UnavailableException u) {
        throw config.origin().error("http.tlsProvider", u.getMessage(), u);
      }
      throw e;
    }
  }

  private static Optional<TlsCredentials> tls(GatewayConfig config)
      throws KeyMaterialException, ConfigException {
    HttpConfig.Tls t = config.http().tls();
    if (t instanceof HttpConfig.Tls.Off) {
      return Optional.empty();
    }
    if (t instanceof HttpConfig.Tls.Files f) {
      try {
        return Optional.of(TlsKeys.load(f.certFile(), f.keyFile()));
      } catch (KeyMaterialException e) {
        throw config.origin().error("http.tls.certFile", e.getMessage(), e);
      }
    }
    List<String> names = config.http().publicUrl().map(URI::getHost).stream().toList();
    return Optional.of(TlsKeys.loadOrGenerate(config.keysDir(), names));
  }

  /** Runs each task on a new daemon thread named {@code name}. */
  static Executor daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      t.start();
    };
  }
}
