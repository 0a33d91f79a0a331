package io.gitedge.bench;

import io.gitedge.testing.ClientProcess;
import io.gitedge.testing.OpenSshServer;
import io.gitedge.testing.PktLines;
import io.gitedge.testing.TrustingHttp;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * C git's own servers, as Git hosts run them, on loopback: {@code git http-backend} behind nginx
 * and fcgiwrap over HTTPS (TLS 1.3, an EC P-256 certificate like the gateway's; anonymous, so its
 * figures carry no authentication cost), and {@code git-upload-pack} behind OpenSSH's sshd.
 * Every process runs in its own tree so {@link ProcTree} can charge it its CPU.
 *
 * <p>The same nginx also serves a <em>floor</em>: {@link #recordFloor} stores C git's answers
 * to {@code git ls-remote}'s two requests as files, which {@code /floor/<repo>.git/...} then
 * returns whatever is asked, so no server can answer faster; what a client takes against it is
 * the client's own share of a ref listing.
 */
final class CGitServers implements AutoCloseable {
  private final Process nginx;
  private final Process fcgiwrap;
  private final OpenSshServer sshd;
  private final int httpsPort;
  private final Path certificate;
  private final Path floor;

  private CGitServers(Process nginx, Process fcgiwrap, OpenSshServer sshd, int httpsPort,
      Path certificate, Path floor) {
    this.nginx = nginx;
    this.fcgiwrap = fcgiwrap;
    this.sshd = sshd;
    this.httpsPort = httpsPort;
    this.certificate = certificate;
    this.floor = floor;
  }

  /** Serves the bare repositories under {@code projectRoot}; state and logs go to {@code dir}. */
  static CGitServers start(Path projectRoot, Path dir, Map<String, String> env)
      throws IOException, InterruptedException {
    Files.createDirectories(dir);
    Path cert = selfSigned(dir, env);
    Path key = dir.resolve("key.pem");
    Path socket = dir.resolve("fcgiwrap.sock");
    Files.deleteIfExists(socket);
    ProcessBuilder fw = new ProcessBuilder("fcgiwrap", "-c", "64", "-s", "unix:" + socket)
        .redirectErrorStream(true).redirectOutput(dir.resolve("fcgiwrap.log").toFile());
    fw.environment().clear();
    fw.environment().putAll(env);
    fw.environment().put("HOME", dir.toString());
    fw.environment().put("GIT_CONFIG_NOSYSTEM", "1");
    Process fcgiwrap = fw.start();
    for (int i = 0; i < 100 && !Files.exists(socket); i++) {
      Thread.sleep(20);
    }
    int port = freePort();
    Path conf = dir.resolve("nginx.conf");
    Path floor = dir.resolve("floor");
    Files.writeString(conf, nginxHead(dir) + """
          client_max_body_size 0;
          server {
            listen 127.0.0.1:%2$d ssl;
            ssl_certificate %3$s;
            ssl_certificate_key %4$s;
            ssl_protocols TLSv1.2 TLSv1.3;
            location ~ ^/floor/([^/]+)/info/refs$ {
              default_type application/x-git-upload-pack-advertisement;
              alias %7$s/$1/info-refs;
            }
            location ~ ^/floor/([^/]+)/git-upload-pack$ {
              default_type application/x-git-upload-pack-result;
              alias %7$s/$1/ls-refs;
              error_page 405 =200 $uri; # a POST, answered from the file all the same
            }
            location ~ ^/git(/.*)$ {
              include /etc/nginx/fastcgi_params;
              fastcgi_param SCRIPT_FILENAME /usr/lib/git-core/git-http-backend;
              fastcgi_param GIT_PROJECT_ROOT %5$s;
              fastcgi_param GIT_HTTP_EXPORT_ALL "";
              fastcgi_param PATH_INFO $1;
              fastcgi_param GIT_PROTOCOL $http_git_protocol;
              fastcgi_buffering off;
              fastcgi_read_timeout 600s;
              fastcgi_pass unix:%6$s;
            }
          }
        }
        """.formatted(dir, port, cert, key, projectRoot, socket, floor));
    Process nginx = new ProcessBuilder("nginx", "-c", conf.toString(), "-e",
        dir.resolve("nginx-error.log").toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("nginx.log").toFile()).start();
    awaitPort(port, nginx, dir.resolve("nginx-error.log"));
    OpenSshServer sshd = OpenSshServer.start(dir.resolve("sshd"));
    return new CGitServers(nginx, fcgiwrap, sshd, port, cert, floor);
  }

  /**
   * Writes {@code cert.pem} and {@code key.pem} into {@code dir}: a self-signed EC P-256
   * certificate for 127.0.0.1 and localhost, like the gateway's; returns the certificate.
   */
  static Path selfSigned(Path dir, Map<String, String> env) {
    Path cert = dir.resolve("cert.pem");
    Path key = dir.resolve("key.pem");
    ClientProcess.run(dir, env, List.of("openssl", "req", "-x509", "-newkey", "ec",
        "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key.toString(), "-out",
        cert.toString(), "-days", "2", "-subj", "/CN=127.0.0.1", "-addext",
        "subjectAltName=IP:127.0.0.1,DNS:localhost"), null).assertOk();
    return cert;
  }

  /**
   * The start of an nginx config whose files live in {@code dir} (pid, error log, temporary
   * folders, which this creates), without access log, up to inside its {@code http} block.
   */
  static String nginxHead(Path dir) throws IOException {
    for (String d : List.of("body", "fastcgi", "proxy", "uwsgi", "scgi")) {
      Files.createDirectories(dir.resolve("tmp").resolve(d));
    }
    return """
        user root root;
        worker_processes 2;
        daemon off;
        pid %1$s/nginx.pid;
        error_log %1$s/nginx-error.log warn;
        events { worker_connections 4096; }
        http {
          access_log off;
          client_body_temp_path %1$s/tmp/body;
          fastcgi_temp_path %1$s/tmp/fastcgi;
          proxy_temp_path %1$s/tmp/proxy;
          uwsgi_temp_path %1$s/tmp/uwsgi;
          scgi_temp_path %1$s/tmp/scgi;
        """.formatted(dir);
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  static void awaitPort(int port, Process p, Path log) throws IOException, InterruptedException {
    for (int i = 0; i < 300; i++) {
      if (!p.isAlive()) {
        throw new IllegalStateException("server exited: "
            + (Files.exists(log) ? Files.readString(log) : "no log"));
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (IOException e) {
        Thread.sleep(20);
      }
    }
    throw new IllegalStateException("nothing listens on " + port);
  }

  String httpsUrl(String repo) {
    return "https://127.0.0.1:" + httpsPort + "/git/" + repo + ".git";
  }

  /**
   * Asks C git for {@code repo}'s protocol v2 capabilities and its ref listing as
   * {@code git ls-remote} asks (peeled tags, symrefs, no prefix) and keeps both answers for
   * {@link #floorUrl}.
   */
  void recordFloor(String repo) throws Exception {
    Path d = Files.createDirectories(floor.resolve(repo + ".git"));
    HttpClient http = TrustingHttp.client(certificate);
    HttpResponse<byte[]> caps = http.send(HttpRequest.newBuilder(URI.create(httpsUrl(repo)
            + "/info/refs?service=git-upload-pack")).header("Git-Protocol", "version=2").build(),
        HttpResponse.BodyHandlers.ofByteArray());
    HttpResponse<byte[]> refs = http.send(HttpRequest.newBuilder(URI.create(httpsUrl(repo)
            + "/git-upload-pack")).header("Git-Protocol", "version=2")
        .header("Content-Type", "application/x-git-upload-pack-request")
        .POST(HttpRequest.BodyPublishers.ofByteArray(PktLines.of("command=ls-refs",
            "object-format=sha1", "0001", "peel", "symrefs", "0000"))).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    if (caps.statusCode() != 200 || refs.statusCode() != 200) {
      throw new IllegalStateException("C git answered " + caps.statusCode() + " and "
          + refs.statusCode() + " while recording the floor");
    }
    Files.write(d.resolve("info-refs"), caps.body());
    Files.write(d.resolve("ls-refs"), refs.body());
  }

  /** {@code repo}'s answers as {@link #recordFloor} stored them, served from files. */
  String floorUrl(String repo) {
    return "https://127.0.0.1:" + httpsPort + "/floor/" + repo + ".git";
  }

  String sshUrl(Path bare) {
    return sshd.url(bare);
  }

  Path certificate() {
    return certificate;
  }

  OpenSshServer sshd() {
    return sshd;
  }

  /** The HTTPS side's processes: nginx (and its workers) and fcgiwrap (and what it runs). */
  ProcTree httpsTree() {
    return new ProcTree(List.of(nginx.toHandle(), fcgiwrap.toHandle()));
  }

  @Override
  public void close() throws InterruptedException {
    List<Process> all = new ArrayList<>(List.of(nginx, fcgiwrap));
    for (Process p : all) {
      p.descendants().forEach(ProcessHandle::destroy);
      p.destroy();
    }
    for (Process p : all) {
      p.waitFor();
    }
    sshd.close();
  }
}
