package io.gitedge.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on a loopback port that misbehaves on purpose, as Toxiproxy's toxics do, for tests
 * of what a client does when its server turns bad mid-stream. Where {@link ShapedLink} models a
 * slow but honest wide-area link, this one models the faults: a server that stops sending and
 * never closes, one whose connection is reset, one that ends the stream early, one that sends a
 * byte now and then so that no idle timeout ever trips.
 *
 * <p>The faults act on what the target sends to the client (a hang or a reset of the answer is
 * what a fetching client suffers); a {@link #stall()} holds both directions. A fault applies to
 * the connections open when it is set and to later ones, and counts bytes per connection from
 * its start; {@link #clear()} restores plain forwarding. Set a fault before the traffic it is
 * meant for: bytes already forwarded stay forwarded.
 *
 * <p>Thread-safe. Threads are daemons named {@code fault-link-<port>-...}; {@link #close()}
 * resets every connection and waits for them to end.
 */
public final class FaultLink extends LoopbackProxy<FaultLink.Pair> {
  /** What the link does to the target's bytes; immutable. */
  private sealed interface Fault {}

  private record Forward() implements Fault {}

  private record Stall() implements Fault {}

  /** After {@code bytes} to the client, end the connection: reset or orderly close. */
  private record CutAfter(long bytes, boolean reset) implements Fault {}

  private record Drip(int bytes, long everyNanos) implements Fault {}

  private static final int CHUNK = 16 * 1024;

  private final AtomicLong bytesToClient = new AtomicLong();
  private Fault fault = new Forward(); // guarded by this

  private FaultLink(InetSocketAddress target) {
    super("fault-link", target);
  }

  /**
   * Listens on {@code 127.0.0.1:<random port>} and forwards every connection to {@code target},
   * faithfully until a fault is set.
   *
   * @throws UncheckedIOException if no loopback port can be opened
   */
  public static FaultLink open(InetSocketAddress target) {
    FaultLink link = new FaultLink(target);
    link.listen();
    return link;
  }

  /** Bytes delivered to clients so far, over all connections. */
  public long bytesToClient() {
    return bytesToClient.get();
  }

  /**
   * Stops forwarding in both directions and keeps every connection open, however long: a server
   * that hangs (Toxiproxy's {@code timeout} toxic with timeout 0). {@link #clear()} lets the
   * held bytes through.
   */
  public synchronized void stall() {
    set(new Stall());
  }

  /** Resets every open connection now (the client reads "connection reset"). */
  public void resetAll() {
    List<Pair> now;
    synchronized (this) {
      now = List.copyOf(open);
    }
    now.forEach(p -> p.close(true));
  }

  /**
   * Resets each connection once the target has sent {@code bytes} to the client through it: a
   * server or middlebox that dies mid-answer.
   */
  public synchronized void resetAfter(long bytes) {
    set(new CutAfter(requireNotNegative(bytes), true));
  }

  /**
   * Closes each connection in order (FIN) once {@code bytes} reached the client through it: an
   * answer cut short (Toxiproxy's {@code limit_data}).
   */
  public synchronized void closeAfter(long bytes) {
    set(new CutAfter(requireNotNegative(bytes), false));
  }

  /**
   * Delivers the target's bytes {@code bytes} at a time, one batch per {@code every}: a server
   * slow enough to be useless that still sends before any idle timeout trips.
   */
  public synchronized void drip(int bytes, Duration every) {
    if (bytes < 1 || every.isNegative() || every.isZero()) {
      throw new IllegalArgumentException("a drip needs at least one byte per positive interval,"
          + " got " + bytes + " per " + every);
    }
    set(new Drip(bytes, every.toNanos()));
  }

  /** Forwards faithfully again; stalled bytes flow. */
  public synchronized void clear() {
    set(new Forward());
  }

  private void set(Fault f) {
    fault = f;
    notifyAll();
  }

  private static long requireNotNegative(long bytes) {
    if (bytes < 0) {
      throw new IllegalArgumentException("bytes cannot be negative, got " + bytes);
    }
    return bytes;
  }

  @Override
  Pair accepted(long id, Socket client) {
    return new Pair(client, new Socket());
  }

  @Override
  void forward(long id, Pair p) {
    spawn(id + "-connect", () -> {
      try {
        p.server.connect(target(), 10_000);
        p.client.setTcpNoDelay(true);
        p.server.setTcpNoDelay(true);
      } catch (IOException e) {
        p.close(true);
        return;
      }
      spawn(id + "-up", () -> p.pump(p.client, p.server, false));
      p.pump(p.server, p.client, true);
    });
  }

  /** Waits while the link stalls; the fault to apply next, or null once closed. */
  private synchronized Fault await(Pair p) throws InterruptedException {
    while (!closed && !p.closed && fault instanceof Stall) {
      wait();
    }
    return closed || p.closed ? null : fault;
  }

  /** One client connection and its connection to the target. */
  final class Pair implements LoopbackProxy.Connection {
    private final Socket client;
    private final Socket server;
    private long delivered; // to the client; the downstream pump's thread only
    private volatile boolean closed; // written holding this
    private int ended; // guarded by this

    Pair(Socket client, Socket server) {
      this.client = client;
      this.server = server;
    }

    /** Copies {@code from} to {@code to}; the faults apply {@code downstream}. */
    void pump(Socket from, Socket to, boolean downstream) {
      try {
        InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream();
        byte[] buf = new byte[CHUNK];
        for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
          if (!deliver(buf, n, out, downstream)) {
            return;
          }
        }
        if (await(this) != null) {
          to.shutdownOutput();
        }
        ended();
      } catch (IOException | InterruptedException e) {
        close(true);
      }
    }

    /** Sends {@code n} bytes of {@code buf} as the fault allows; false once the pair ended. */
    private boolean deliver(byte[] buf, int n, OutputStream out, boolean downstream)
        throws IOException, InterruptedException {
      int off = 0;
      while (true) {
        Fault f = await(this);
        if (f == null) {
          close(true);
          return false;
        }
        if (downstream && f instanceof CutAfter c && delivered >= c.bytes()) {
          if (c.reset()) {
            close(true);
          } else {
            client.shutdownOutput();
            close(false);
          }
          return false;
        }
        if (off >= n) {
          return true;
        }
        int len = n - off;
        if (downstream && f instanceof Drip d) {
          len = Math.min(len, d.bytes());
        } else if (downstream && f instanceof CutAfter c) {
          len = (int) Math.min(len, c.bytes() - delivered);
        }
        out.write(buf, off, len);
        out.flush();
        off += len;
        if (downstream) {
          delivered += len;
          bytesToClient.addAndGet(len);
          if (f instanceof Drip d) {
            TimeUnit.NANOSECONDS.sleep(d.everyNanos());
          }
        }
      }
    }

    private void ended() {
      boolean both;
      synchronized (this) {
        both = ++ended == 2;
      }
      if (both) {
        close(false);
      }
    }

    @Override
    public void close(boolean reset) {
      synchronized (this) {
        if (closed) {
          return;
        }
        closed = true;
      }
      for (Socket s : new Socket[] {client, server}) {
        if (reset) {
          try {
            s.setSoLinger(true, 0); // close sends RST
          } catch (IOException e) {
            // already gone
          }
        }
        closeQuietly(s);
      }
      synchronized (FaultLink.this) {
        open.remove(this);
        FaultLink.this.notifyAll(); // a pump stalled on this pair ends
      }
    }
  }
}
