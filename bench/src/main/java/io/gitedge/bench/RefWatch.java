package io.gitedge.bench;

import io.gitedge.gateway.fleet.Fleet;
import io.gitedge.testing.TrustingHttp;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Watches the fleet's regions until their ref advertisement shows a ref at an expected id: the
 * request a git client makes first ({@code GET <repo>/info/refs?service=git-upload-pack}, as
 * alice, over HTTPS straight to the region's gateway), every {@value #EVERY_MILLIS} ms, one
 * thread and one kept-alive connection per region, no git process per poll. "Servable" is the
 * moment that answer lists the ref at the id.
 */
final class RefWatch implements AutoCloseable {
  static final int EVERY_MILLIS = 10;

  private final Map<String, HttpClient> clients = new LinkedHashMap<>();
  private final Map<String, HttpRequest> listings = new LinkedHashMap<>();
  private final ExecutorService threads;

  RefWatch(Fleet fleet) {
    for (Fleet.Region r : fleet.regions()) {
      clients.put(r.name(), TrustingHttp.client(fleet.certificate()));
      listings.put(r.name(), HttpRequest.newBuilder(URI.create(r.repoUrl(Fleet.LIB)
              + "/info/refs?service=git-upload-pack"))
          .header("Authorization", "Bearer " + fleet.token("alice")).build());
    }
    threads = Executors.newFixedThreadPool(listings.size(), r -> {
      Thread t = new Thread(r, "bench-ref-watch");
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Starts polling {@code regions} until each lists {@code ref} at {@code id}; each future gives
   * the {@link System#nanoTime()} of the first answer that did, or nothing after {@code timeout}.
   */
  Map<String, Future<OptionalLong>> watch(Collection<String> regions, String ref, String id,
      Duration timeout) {
    Map<String, Future<OptionalLong>> seen = new LinkedHashMap<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    for (String region : regions) {
      seen.put(region, threads.submit(() -> poll(region, ref, id, deadline)));
    }
    return seen;
  }

  /** The region's ref advertisement now (for a check that the watch can see what it expects). */
  String advertisement(String region) throws IOException, InterruptedException {
    HttpResponse<String> r = list(region);
    if (r.statusCode() != 200) {
      throw new IllegalStateException(region + " answered " + r.statusCode() + " to "
          + listings.get(region).uri());
    }
    return r.body();
  }

  private HttpResponse<String> list(String region) throws IOException, InterruptedException {
    return clients.get(region).send(listings.get(region), HttpResponse.BodyHandlers.ofString());
  }

  private OptionalLong poll(String region, String ref, String id, long deadline)
      throws InterruptedException {
    // a pkt-line "<id> <ref>" ends in LF, or in NUL and the capabilities when it comes first
    String line = id + " " + ref + "\n";
    String first = id + " " + ref + "\0";
    while (System.nanoTime() < deadline) {
      try {
        HttpResponse<String> r = list(region);
        long now = System.nanoTime();
        if (r.statusCode() == 200 && (r.body().contains(line) || r.body().contains(first))) {
          return OptionalLong.of(now);
        }
      } catch (IOException e) {
        // a refused or reset connection is an answer without the ref; keep polling
      }
      TimeUnit.MILLISECONDS.sleep(EVERY_MILLIS);
    }
    return OptionalLong.empty();
  }

  @Override
  public void close() {
    threads.shutdownNow();
  }
}
