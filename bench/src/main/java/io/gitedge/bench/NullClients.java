package io.gitedge.bench;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;

/**
 * Server capacity apart from the clients' own work: "null clients" that send the exact request a
 * real {@code git clone} sent (recorded once through a recording proxy) and throw the pack away,
 * so no {@code index-pack} competes with the server for the two cores.
 */
final class NullClients {
  /** One recorded {@code POST .../git-upload-pack}: its body and the headers that shape it. */
  record Recorded(byte[] body, Map<String, String> headers) {}

  /** What a run achieved. */
  record Run(int packs, double seconds, double serverCpuSeconds, long peakRssBytes,
      long bytesPerPack) {
    double packsPerSecond() {
      return packs / seconds;
    }

    double cpuPerPack() {
      return serverCpuSeconds / packs;
    }
  }

  private NullClients() {}

  /**
   * Runs {@code clone} (a real git clone of {@code http://127.0.0.1:<port>/<path>}) through a
   * plain-HTTP proxy to {@code target} and returns the last upload-pack request it sent: the
   * fetch that asks for the pack.
   */
  static Recorded record(String target, SSLContext trust, CloneThrough clone) throws Exception {
    HttpClient upstream = HttpClient.newBuilder().sslContext(trust)
        .version(HttpClient.Version.HTTP_1_1).build();
    AtomicReference<Recorded> last = new AtomicReference<>();
    HttpServer proxy = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    proxy.createContext("/", ex -> {
      try {
        byte[] body = ex.getRequestBody().readAllBytes();
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(target
            + ex.getRequestURI().toString()));
        Map<String, String> shaping = new java.util.LinkedHashMap<>();
        for (String h : List.of("Content-Type", "Content-Encoding", "Accept", "Git-Protocol")) {
          String v = ex.getRequestHeaders().getFirst(h);
          if (v != null) {
            b.header(h, v);
            shaping.put(h, v);
          }
        }
        if ("POST".equals(ex.getRequestMethod())) {
          b.POST(HttpRequest.BodyPublishers.ofByteArray(body));
          if (ex.getRequestURI().getPath().endsWith("/git-upload-pack")) {
            last.set(new Recorded(body, shaping));
          }
        }
        HttpResponse<InputStream> r = upstream.send(b.build(),
            HttpResponse.BodyHandlers.ofInputStream());
        r.headers().firstValue("Content-Type")
            .ifPresent(v -> ex.getResponseHeaders().add("Content-Type", v));
        r.headers().firstValue("Content-Encoding")
            .ifPresent(v -> ex.getResponseHeaders().add("Content-Encoding", v));
        ex.sendResponseHeaders(r.statusCode(), 0);
        try (InputStream in = r.body(); OutputStream out = ex.getResponseBody()) {
          in.transferTo(out);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        ex.close();
      } catch (IOException | RuntimeException e) {
        System.err.println("bench: recording proxy: " + e);
        ex.close();
      }
    });
    proxy.setExecutor(Executors.newCachedThreadPool());
    proxy.start();
    try {
      clone.run("http://127.0.0.1:" + proxy.getAddress().getPort());
    } finally {
      proxy.stop(0);
    }
    if (last.get() == null) {
      throw new IllegalStateException("the clone sent no upload-pack request");
    }
    return last.get();
  }

  /** A git clone through the recording proxy at {@code base}. */
  interface CloneThrough {
    void run(String base) throws Exception;
  }

  /**
   * {@code total} requests, {@code concurrency} at a time, to {@code url}; each must answer 200
   * with a complete response (ending in a flush packet).
   */
  static Run run(String url, SSLContext trust, Recorded request, Map<String, String> auth,
      int concurrency, int total, ProcTree server) throws Exception {
    HttpClient client = HttpClient.newBuilder().sslContext(trust)
        .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(30)).build();
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url))
        .POST(HttpRequest.BodyPublishers.ofByteArray(request.body()));
    request.headers().forEach(b::header);
    auth.forEach(b::header);
    HttpRequest req = b.build();
    AtomicInteger next = new AtomicInteger();
    AtomicInteger bytesPerPack = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(concurrency);
    double cpu0 = server.cpuSeconds();
    long t0 = System.nanoTime();
    try (ProcTree.RssSampler rss = server.new RssSampler()) {
      List<Future<?>> workers = new ArrayList<>();
      for (int i = 0; i < concurrency; i++) {
        workers.add(pool.submit(() -> {
          while (next.getAndIncrement() < total) {
            HttpResponse<InputStream> r = client.send(req,
                HttpResponse.BodyHandlers.ofInputStream());
            long n = 0;
            byte[] buf = new byte[1 << 16];
            byte[] tail = new byte[4];
            try (InputStream in = r.body()) {
              for (int k; (k = in.read(buf)) >= 0; ) {
                if (k >= 4) {
                  System.arraycopy(buf, k - 4, tail, 0, 4);
                } else if (k > 0) {
                  System.arraycopy(tail, k, tail, 0, 4 - k);
                  System.arraycopy(buf, 0, tail, 4 - k, k);
                }
                n += k;
              }
            }
            if (r.statusCode() != 200 || !"0000".equals(new String(tail,
                java.nio.charset.StandardCharsets.US_ASCII))) {
              throw new IllegalStateException(url + " answered " + r.statusCode() + " with "
                  + n + " bytes, not a complete pack");
            }
            bytesPerPack.set((int) Math.min(Integer.MAX_VALUE, n));
          }
          return null;
        }));
      }
      for (Future<?> w : workers) {
        w.get();
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      double cpu = server.cpuSeconds() - cpu0;
      rss.close();
      return new Run(total, seconds, cpu, rss.peak(), bytesPerPack.get());
    } finally {
      pool.shutdownNow();
    }
  }
}
