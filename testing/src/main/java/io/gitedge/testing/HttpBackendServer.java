package io.gitedge.testing;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * C git's own smart HTTP server, {@code git http-backend}, run as a CGI program behind Jetty on
 * a loopback port: the upstream Git host of the tests. Optionally demands HTTP Basic credentials,
 * and records every request it answered for assertions.
 */
public final class HttpBackendServer implements AutoCloseable {
  private final Path projectRoot;
  private final Path home;
  private final String user;
  private final String password;
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private final Server server = new Server();
  private volatile boolean down;
  private volatile Consumer<String> beforeAnswering = line -> { };

  private HttpBackendServer(Path projectRoot, Path home, String user, String password) {
    this.projectRoot = projectRoot;
    this.home = home;
    this.user = user;
    this.password = password;
  }

  /**
   * Serves the bare repositories under {@code projectRoot} on {@code 127.0.0.1:<random port>}.
   *
   * @param user required Basic user name, or null to serve anonymously
   * @param password required Basic password (with {@code user})
   */
  public static HttpBackendServer start(Path projectRoot, Path home, String user,
      String password) {
    HttpBackendServer s = new HttpBackendServer(projectRoot, home, user, password);
    ServerConnector c = new ServerConnector(s.server);
    c.setHost("127.0.0.1");
    c.setPort(0);
    s.server.addConnector(c);
    ServletContextHandler ctx = new ServletContextHandler();
    ctx.addServlet(new ServletHolder(s.new Cgi()), "/*");
    s.server.setHandler(ctx);
    try {
      s.server.start();
    } catch (Exception e) {
      throw new IllegalStateException("cannot start the upstream HTTP server", e);
    }
    return s;
  }

  /** The base URL, such as {@code http://127.0.0.1:41234}. */
  public String url() {
    return "http://127.0.0.1:" + ((ServerConnector) server.getConnectors()[0]).getLocalPort();
  }

  /** Every request answered so far, as {@code METHOD /path?query -> status}. */
  public List<String> requests() {
    return List.copyOf(requests);
  }

  /** Makes the server answer 503 to everything (true) or serve again (false). */
  public void setDown(boolean down) {
    this.down = down;
  }

  /**
   * Runs {@code hook} with each request's line ({@code METHOD /path?query}) before the request
   * is answered: what the upstream does between two requests of one client, such as a push.
   */
  public void beforeAnswering(Consumer<String> hook) {
    this.beforeAnswering = hook;
  }

  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private final class Cgi extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse rsp) throws IOException {
      String line = req.getMethod() + " " + req.getRequestURI()
          + (req.getQueryString() == null ? "" : "?" + req.getQueryString());
      beforeAnswering.accept(line);
      if (down) {
        rsp.sendError(503);
        requests.add(line + " -> 503");
        return;
      }
      if (user != null && !authorized(req.getHeader("Authorization"))) {
        rsp.setHeader("WWW-Authenticate", "Basic realm=\"upstream\"");
        rsp.sendError(401);
        requests.add(line + " -> 401");
        return;
      }
      ProcessBuilder pb = new ProcessBuilder("git", "http-backend");
      Map<String, String> env = pb.environment();
      env.clear();
      env.putAll(ClientProcess.baseEnvironment());
      env.put("HOME", home.toString());
      env.put("GIT_CONFIG_NOSYSTEM", "1");
      env.put("GIT_PROJECT_ROOT", projectRoot.toString());
      env.put("GIT_HTTP_EXPORT_ALL", "1");
      env.put("GATEWAY_INTERFACE", "CGI/1.1");
      env.put("REQUEST_METHOD", req.getMethod());
      env.put("PATH_INFO", req.getRequestURI());
      env.put("QUERY_STRING", req.getQueryString() == null ? "" : req.getQueryString());
      env.put("REMOTE_ADDR", req.getRemoteAddr());
      env.put("SERVER_PROTOCOL", req.getProtocol());
      if (user != null) {
        env.put("REMOTE_USER", user);
      }
      if (req.getContentType() != null) {
        env.put("CONTENT_TYPE", req.getContentType());
      }
      if (req.getContentLengthLong() >= 0) {
        env.put("CONTENT_LENGTH", Long.toString(req.getContentLengthLong()));
      }
      copyHeader(req, env, "Git-Protocol", "HTTP_GIT_PROTOCOL");
      copyHeader(req, env, "Content-Encoding", "HTTP_CONTENT_ENCODING");
      Process p = pb.start();
      CompletableFuture<Void> feed = CompletableFuture.runAsync(() -> {
        try (InputStream in = req.getInputStream(); OutputStream out = p.getOutputStream()) {
          in.transferTo(out);
        } catch (IOException e) {
          // the CGI program stopped reading; its answer says why
        }
      }, ClientProcess.DRAINERS);
      CompletableFuture<byte[]> errors = CompletableFuture.supplyAsync(() -> {
        try (InputStream err = p.getErrorStream()) {
          return err.readAllBytes();
        } catch (IOException e) {
          return new byte[0];
        }
      }, ClientProcess.DRAINERS);
      InputStream out = p.getInputStream();
      int status = 200;
      for (String h = readLine(out); h != null && !h.isEmpty(); h = readLine(out)) {
        int colon = h.indexOf(':');
        String name = h.substring(0, colon).trim();
        String value = h.substring(colon + 1).trim();
        if (name.equalsIgnoreCase("Status")) {
          status = Integer.parseInt(value.substring(0, 3));
        } else {
          rsp.addHeader(name, value);
        }
      }
      rsp.setStatus(status);
      try (OutputStream body = rsp.getOutputStream()) {
        out.transferTo(body);
      }
      feed.join();
      try {
        p.waitFor();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      String err = new String(errors.join(), StandardCharsets.UTF_8).trim();
      requests.add(line + " -> " + status + (err.isEmpty() ? "" : " (" + err + ")"));
    }

    private boolean authorized(String header) {
      String expected = "Basic " + Base64.getEncoder()
          .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
      return expected.equals(header);
    }

    private static void copyHeader(HttpServletRequest req, Map<String, String> env, String header,
        String var) {
      String v = req.getHeader(header);
      if (v != null) {
        env.put(var, v);
      }
    }

    private static String readLine(InputStream in) throws IOException {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      for (int c = in.read(); c != -1; c = in.read()) {
        if (c == '\n') {
          String s = b.toString(StandardCharsets.ISO_8859_1);
          return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
        }
        b.write(c);
      }
      return b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
    }
  }
}
