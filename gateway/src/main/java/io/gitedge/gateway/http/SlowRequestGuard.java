package io.gitedge.gateway.http;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.internal.HttpConnection;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes HTTP/1.1 connections whose client is too slow to send a request: the slowloris defence
 * Jetty 12 lacks (its idle timeout restarts with every byte, so a client that sends one byte
 * every few seconds holds a connection for ever, and a servlet thread too while it reads a body).
 *
 * <p><b>Headers.</b> The clock starts when a connection opens (so it covers the TLS handshake and
 * the first request) and again whenever a sweep finds the connection between requests or
 * handling one, so a keep-alive connection is timed from about the start of its next request.
 * Jetty parses headers without a thread, so a slow header costs a socket, not a thread.
 *
 * <p><b>Bodies.</b> A servlet reads a body with a blocking read, so a slow body holds a thread.
 * The time upload-pack spends blocked waiting for body bytes is summed per request; past the
 * budget the connection is closed, which fails the blocked read and frees the thread. Time the
 * gateway spends between reads (upload-pack reads lazily while it works) does not count, which
 * is why Jetty's own minimum request data rate, measured from the first byte, cannot be used: it
 * failed real clones whose pack took longer to make than their request took to send.
 *
 * <p>Every quarter of the header deadline (at most every second) a sweep closes the connections
 * over either budget. Thread-safe: Jetty calls the listener from its selector threads, readers
 * from request threads, and the sweep runs on its own daemon thread.
 */
final class SlowRequestGuard extends AbstractLifeCycle implements Connection.Listener {
  private static final Logger log = LoggerFactory.getLogger(SlowRequestGuard.class);

  private final long headerNanos;
  private final long bodyNanos;
  private final long sweepMillis;
  private final Map<HttpConnection, Watch> open = new ConcurrentHashMap<>();
  private final Map<Body, EndPoint> bodies = new ConcurrentHashMap<>();
  private ScheduledExecutorService sweeper;

  /** When a connection started waiting for a header, and its request count then. */
  private static final class Watch {
    long since;
    long requests;

    Watch(long since, long requests) {
      this.since = since;
      this.requests = requests;
    }
  }

  /**
   * @param headerTimeout how long a request header may take to arrive
   * @param bodyTimeout how long reads of one request body may wait for the client in total
   */
  SlowRequestGuard(Duration headerTimeout, Duration bodyTimeout) {
    this.headerNanos = headerTimeout.toNanos();
    this.bodyNanos = bodyTimeout.toNanos();
    this.sweepMillis = Math.max(100, Math.min(1000,
        Math.min(headerTimeout.toMillis(), bodyTimeout.toMillis()) / 4));
  }

  @Override
  protected void doStart() {
    ScheduledThreadPoolExecutor s = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, "gitedge-https-slow-request-guard");
      t.setDaemon(true);
      return t;
    });
    s.scheduleWithFixedDelay(this::sweep, sweepMillis, sweepMillis, TimeUnit.MILLISECONDS);
    sweeper = s;
  }

  @Override
  protected void doStop() {
    sweeper.shutdownNow();
    open.clear();
    bodies.clear();
  }

  @Override
  public void onOpened(Connection connection) {
    if (connection instanceof HttpConnection http) {
      open.put(http, new Watch(System.nanoTime(), http.getMessagesIn()));
    }
  }

  @Override
  public void onClosed(Connection connection) {
    if (connection instanceof HttpConnection http) {
      open.remove(http);
    }
  }

  /**
   * {@code body}, timed: the connection ({@code endPoint}) is closed once reads of it have waited
   * longer than the body budget. Closing the returned stream ends the watch.
   */
  InputStream watch(InputStream body, EndPoint endPoint) {
    Body b = new Body(body);
    bodies.put(b, endPoint);
    return b;
  }

  private void sweep() {
    long now = System.nanoTime();
    open.forEach((http, watch) -> {
      long requests = http.getMessagesIn();
      if (!waitingForHeader(http, requests) || requests != watch.requests) {
        watch.since = now;
        watch.requests = requests;
      } else if (now - watch.since > headerNanos) {
        open.remove(http);
        log.info("closing HTTP connection from {}: no complete request header within {} ms",
            http.getEndPoint().getRemoteSocketAddress(), headerNanos / 1_000_000);
        http.getEndPoint().close();
      }
    });
    bodies.forEach((body, endPoint) -> {
      if (body.waited(now) > bodyNanos) {
        bodies.remove(body);
        log.info("closing HTTP connection from {}: request body not sent within {} ms",
            endPoint.getRemoteSocketAddress(), bodyNanos / 1_000_000);
        endPoint.close();
      }
    });
  }

  /**
   * Before the first request is complete (TLS handshake included), or in the middle of a later
   * request's header.
   */
  private static boolean waitingForHeader(HttpConnection http, long requests) {
    HttpParser.State state = http.getParser().getState();
    boolean inHeader = state.ordinal() > HttpParser.State.START.ordinal()
        && state.ordinal() <= HttpParser.State.HEADER.ordinal();
    return inHeader || (requests == 0 && state == HttpParser.State.START);
  }

  /** A request body that sums the time its reads spend blocked. */
  private final class Body extends FilterInputStream {
    private long waited;
    private volatile long readingSince;

    Body(InputStream in) {
      super(in);
    }

    /** Nanoseconds spent waiting so far, the read in progress included. */
    synchronized long waited(long now) {
      long since = readingSince;
      return waited + (since == 0 ? 0 : now - since);
    }

    private void begin() {
      readingSince = System.nanoTime();
    }

    private synchronized void end() {
      waited += System.nanoTime() - readingSince;
      readingSince = 0;
    }

    @Override
    public int read() throws IOException {
      begin();
      try {
        return super.read();
      } finally {
        end();
      }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      begin();
      try {
        return super.read(b, off, len);
      } finally {
        end();
      }
    }

    @Override
    public long skip(long n) throws IOException {
      begin();
      try {
        return super.skip(n);
      } finally {
        end();
      }
    }

    @Override
    public void close() throws IOException {
      bodies.remove(this);
      super.close();
    }
  }
}
