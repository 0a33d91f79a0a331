package io.gitedge.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * A scriptable HTTP service on a loopback port, for the parts of an identity provider a test must
 * control (rotating keys, revoking a token, going down): routes answer with a status and a JSON
 * body, every request is recorded, and the whole service can be made to fail or to stall.
 */
public final class HttpStub implements AutoCloseable {
  /** A request as the stub saw it. */
  public record Request(String method, String path, String query, Map<String, List<String>> headers,
      String body) {
    public String header(String name) {
      return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
          .flatMap(e -> e.getValue().stream()).findFirst().orElse(null);
    }
  }

  /** What a route answers. */
  public record Response(int status, String json) {
    public static Response ok(String json) {
      return new Response(200, json);
    }
  }

  private final HttpServer server;
  private final Map<String, Function<Request, Response>> routes = new ConcurrentHashMap<>();
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private volatile boolean down;
  private volatile Duration delay = Duration.ZERO;

  private HttpStub() {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 50);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.setExecutor(Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "http-stub");
      t.setDaemon(true);
      return t;
    }));
    server.createContext("/", this::handle);
    server.start();
  }

  public static HttpStub start() {
    return new HttpStub();
  }

  /** Answers {@code METHOD path} (path without query) with {@code route}. */
  public HttpStub route(String method, String path, Function<Request, Response> route) {
    routes.put(method + " " + path, route);
    return this;
  }

  /** {@code http://127.0.0.1:<port><path>}. */
  public String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  /** How many requests reached {@code path}. */
  public long count(String path) {
    return requests.stream().filter(r -> r.path().equals(path)).count();
  }

  public List<Request> requests() {
    return List.copyOf(requests);
  }

  /** Makes every request fail with 503 (true) or be served again (false). */
  public void setDown(boolean down) {
    this.down = down;
  }

  /** Holds every answer back this long. */
  public void setDelay(Duration delay) {
    this.delay = delay;
  }

  private void handle(HttpExchange x) throws IOException {
    try (x) {
      String body;
      try (InputStream in = x.getRequestBody()) {
        body = new String(in.readNBytes(1 << 20), StandardCharsets.UTF_8);
      }
      Request r = new Request(x.getRequestMethod(), x.getRequestURI().getPath(),
          x.getRequestURI().getRawQuery(), Map.copyOf(x.getRequestHeaders()), body);
      requests.add(r);
      if (!delay.isZero()) {
        try {
          Thread.sleep(delay.toMillis());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      Function<Request, Response> route = routes.get(r.method() + " " + r.path());
      Response rsp = down ? new Response(503, "{\"error\":\"down\"}")
          : route == null ? new Response(404, "{\"error\":\"not found\"}") : route.apply(r);
      byte[] out = rsp.json().getBytes(StandardCharsets.UTF_8);
      x.getResponseHeaders().set("Content-Type", "application/json");
      x.sendResponseHeaders(rsp.status(), out.length == 0 ? -1 : out.length);
      if (out.length > 0) {
        try (OutputStream o = x.getResponseBody()) {
          o.write(out);
        }
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
