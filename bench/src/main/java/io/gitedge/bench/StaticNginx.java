package io.gitedge.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * nginx serving a folder as static files over HTTPS on its own loopback port, configured as
 * {@link CGitServers} configures its nginx (two workers, TLS 1.2/1.3, a self-signed EC P-256
 * certificate, no access log, default keep-alive). For {@link GoProxyBench}'s floor: the go
 * command's own download cache served as a module proxy, which no proxy can answer faster.
 */
final class StaticNginx implements AutoCloseable {
  private final Process nginx;
  private final int port;
  private final Path certificate;

  private StaticNginx(Process nginx, int port, Path certificate) {
    this.nginx = nginx;
    this.port = port;
    this.certificate = certificate;
  }

  /** Serves the files under {@code root}; certificate, state and logs go to {@code dir}. */
  static StaticNginx start(Path root, Path dir, Map<String, String> env)
      throws IOException, InterruptedException {
    Files.createDirectories(dir);
    Path cert = CGitServers.selfSigned(dir, env);
    Path key = dir.resolve("key.pem");
    int port = CGitServers.freePort();
    Path conf = dir.resolve("nginx.conf");
    Files.writeString(conf, CGitServers.nginxHead(dir) + """
          types {
            application/json info;
            text/plain mod;
            application/zip zip;
          }
          default_type text/plain;
          server {
            listen 127.0.0.1:%2$d ssl;
            ssl_certificate %3$s;
            ssl_certificate_key %4$s;
            ssl_protocols TLSv1.2 TLSv1.3;
            root %5$s;
          }
        }
        """.formatted(dir, port, cert, key, root));
    Process nginx = new ProcessBuilder("nginx", "-c", conf.toString(), "-e",
        dir.resolve("nginx-error.log").toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("nginx.log").toFile()).start();
    CGitServers.awaitPort(port, nginx, dir.resolve("nginx-error.log"));
    return new StaticNginx(nginx, port, cert);
  }

  /** {@code https://127.0.0.1:<port>/}, the served folder's root. */
  String base() {
    return "https://127.0.0.1:" + port + "/";
  }

  Path certificate() {
    return certificate;
  }

  @Override
  public void close() throws InterruptedException {
    nginx.descendants().forEach(ProcessHandle::destroy);
    nginx.destroy();
    nginx.waitFor();
  }
}
