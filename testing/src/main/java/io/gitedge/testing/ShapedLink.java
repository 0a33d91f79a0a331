package io.gitedge.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on a loopback port that makes the way to one target look like a wide-area link:
 * latency, a bandwidth cap and partitions, for fleet tests on machines without {@code tc netem}.
 * Clients connect to {@link #address()}; each connection is forwarded to the target.
 *
 * <p><b>Delay line.</b> Each direction of a connection has a reader and a writer thread. The
 * reader stamps every chunk with the time it arrived; the writer sends it no earlier than that
 * plus the one-way delay, in order. A stream of many chunks therefore pays the delay once, not
 * once per chunk. A bandwidth cap is serialisation time: a chunk leaves the "wire" when the bytes
 * before it have, plus its size divided by the rate, then travels the delay. Beyond 8 MiB in
 * flight per direction the reader stops reading, so the sender is held back as by a full TCP
 * window. An end of stream (the peer's {@code shutdownOutput} or close) travels like a chunk and
 * becomes {@code shutdownOutput} on the other side; a connection closes when both directions
 * have ended, and is reset when either side fails.
 *
 * <p><b>Handshake.</b> A proxy cannot hold back the client's {@code connect()}, which returns at
 * once, so the link charges TCP's three-way handshake afterwards: it connects to the target only
 * when SYN, SYN-ACK and ACK would have crossed (toTarget + toClient + toTarget after accepting),
 * and bytes the client wrote before its connect would have returned (one round trip after
 * accepting) are stamped as sent then. The first answer to a client that speaks first (HTTP,
 * Kafka), like the greeting of a server that speaks first (SSH), arrives two round trips after
 * connecting, as over real TCP.
 *
 * <p><b>Partitions.</b> {@link #cut()} makes the link a black hole: open connections stay open
 * but deliver nothing more (bytes on the wire and bytes sent later are dropped, an end of stream
 * too), and new connections are accepted but never reach the target. {@link #heal()} serves new
 * connections again and resets every connection that was open during the cut (accepted before
 * or during it), as a real connection through a long partition would time out.
 *
 * <p>Thread-safe. All threads are daemons named {@code shaped-link-<port>-...};
 * {@link #close()} resets every connection and waits for all of them to end.
 */
public final class ShapedLink extends LoopbackProxy<ShapedLink.Connection> {
  /**
   * How a link bends traffic: a one-way delay for each direction and a cap in bytes per second
   * that applies to each direction on its own (0: no cap). Immutable.
   *
   * @throws IllegalArgumentException for a negative delay or rate
   */
  public record Shape(Duration toTarget, Duration toClient, long bytesPerSecond) {
    /** Forwards as fast as loopback allows. */
    public static final Shape NONE = new Shape(Duration.ZERO, Duration.ZERO, 0);

    public Shape {
      Objects.requireNonNull(toTarget, "toTarget");
      Objects.requireNonNull(toClient, "toClient");
      if (toTarget.isNegative() || toClient.isNegative()) {
        throw new IllegalArgumentException(
            "a one-way delay cannot be negative, got " + toTarget + " and " + toClient);
      }
      if (bytesPerSecond < 0) {
        throw new IllegalArgumentException("bytesPerSecond cannot be negative, got "
            + bytesPerSecond);
      }
    }

    /** Half of {@code rtt} each way, no bandwidth cap. */
    public static Shape roundTrip(Duration rtt) {
      Duration half = rtt.dividedBy(2);
      return new Shape(half, rtt.minus(half), 0);
    }

    /** This shape with each direction capped at {@code bytesPerSecond} (must be positive). */
    public Shape withBandwidth(long bytesPerSecond) {
      if (bytesPerSecond <= 0) {
        throw new IllegalArgumentException("bandwidth must be positive, got " + bytesPerSecond);
      }
      return new Shape(toTarget, toClient, bytesPerSecond);
    }

    /** Both one-way delays together. */
    public Duration rtt() {
      return toTarget.plus(toClient);
    }
  }

  private static final int CHUNK = 32 * 1024;
  private static final int IN_FLIGHT = 8 << 20;

  private final Shape shape;
  private final int window;
  private final AtomicLong bytesForwarded = new AtomicLong();
  private boolean cut; // guarded by this

  private ShapedLink(InetSocketAddress target, Shape shape, int window) {
    super("shaped-link", target);
    this.shape = shape;
    this.window = window;
  }

  /**
   * Listens on {@code 127.0.0.1:<random port>} and forwards every connection to {@code target}
   * through {@code shape}.
   *
   * @throws UncheckedIOException if no loopback port can be opened
   */
  public static ShapedLink open(InetSocketAddress target, Shape shape) {
    return open(target, shape, IN_FLIGHT);
  }

  /**
   * The same with at most {@code windowBytes} in flight per direction instead of 8 MiB, and a
   * receive buffer of that size on the socket to the target: a slow reader then holds the
   * target back after little more than that (and the target's own send buffer),
   * as a slow client holds a server's response back, instead of the link taking a whole pack
   * at once and dripping it out after the server is done.
   *
   * @throws IllegalArgumentException if {@code windowBytes} is below 32 KiB (one read)
   */
  public static ShapedLink open(InetSocketAddress target, Shape shape, int windowBytes) {
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(shape, "shape");
    if (windowBytes < CHUNK) {
      throw new IllegalArgumentException("the window must hold one read of " + CHUNK
          + " bytes, got " + windowBytes);
    }
    ShapedLink link = new ShapedLink(target, shape, windowBytes);
    link.listen();
    return link;
  }

  /**
   * Forwards connections accepted from now on to {@code newTarget}: a fleet's links are opened
   * before the gateways behind them, whose ports are known only once they listen.
   */
  @Override
  public void retarget(InetSocketAddress newTarget) {
    super.retarget(newTarget);
  }

  /** Connections accepted so far, including those a cut swallowed. */
  @Override
  public long connections() {
    return super.connections();
  }

  /** Bytes delivered so far, both directions together. */
  public long bytesForwarded() {
    return bytesForwarded.get();
  }

  /** Partitions the link: a black hole, until {@link #heal()}. */
  public synchronized void cut() {
    cut = true;
    open.forEach(c -> c.severed = true);
  }

  /** Ends a partition: new connections go through, those open during it are reset. */
  public void heal() {
    List<Connection> severed;
    synchronized (this) {
      cut = false;
      severed = open.stream().filter(c -> c.severed).toList();
    }
    severed.forEach(c -> c.close(true));
  }

  public synchronized boolean isCut() {
    return cut;
  }

  @Override
  Connection accepted(long id, Socket client) {
    Connection c = new Connection(id, client);
    c.severed = cut;
    return c;
  }

  @Override
  void forward(long id, Connection c) {
    c.start();
  }

  private static void sleepUntil(long due) throws InterruptedException {
    for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
      TimeUnit.NANOSECONDS.sleep(wait);
    }
  }

  /** A step of a connection's thread; any failure resets the connection. */
  private interface Step {
    void run() throws IOException, InterruptedException;
  }

  /** One chunk on the wire; null bytes mark the end of the stream. */
  private record Chunk(byte[] bytes, long due) {}

  /** One accepted connection and, once the handshake is paid, its socket to the target. */
  final class Connection implements LoopbackProxy.Connection {
    private final long id;
    private final Socket client;
    private final long accepted = System.nanoTime();
    private final Direction up = new Direction(shape.toTarget());
    private final Direction down = new Direction(shape.toClient());
    private final List<Thread> own = new ArrayList<>(); // guarded by this
    private Socket server; // guarded by this
    private int ended; // guarded by this
    private boolean closed; // guarded by this
    private volatile boolean severed;

    Connection(long id, Socket client) {
      this.id = id;
      this.client = client;
    }

    void start() {
      long connectReturned = accepted + shape.rtt().toNanos();
      run("up-read", () -> {
        client.setTcpNoDelay(true); // the link adds delay on purpose, Nagle's none
        up.read(client.getInputStream(), connectReturned);
      });
      run("up-write", () -> {
        sleepUntil(connectReturned + shape.toTarget().toNanos());
        Socket s = severed ? null : connect();
        if (s != null) {
          run("down-read", () -> down.read(s.getInputStream(), accepted));
          run("down-write", () -> down.write(client));
        }
        up.write(s);
      });
    }

    private Socket connect() throws IOException {
      Socket s = new Socket();
      synchronized (this) {
        if (closed) {
          throw new IOException("closed before connecting");
        }
        server = s; // so that close() can end a connect in progress
      }
      s.setTcpNoDelay(true);
      if (window < IN_FLIGHT) {
        // the kernel's buffer would otherwise take megabytes ahead of the window
        s.setReceiveBufferSize(window);
      }
      s.connect(target(), (int) TimeUnit.SECONDS.toMillis(10));
      return s;
    }

    private void run(String suffix, Step step) {
      Thread t = spawn(id + "-" + suffix, () -> {
        try {
          step.run();
        } catch (IOException | InterruptedException e) {
          close(true);
        }
      });
      synchronized (this) {
        if (t != null && closed) {
          t.interrupt(); // close() has already interrupted the others
        } else if (t != null) {
          own.add(t);
        }
      }
    }

    /** A direction delivered its end of stream; after both, the connection is done. */
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
      List<Thread> threads;
      synchronized (this) {
        if (closed) {
          return;
        }
        closed = true;
        threads = List.copyOf(own);
        for (Socket s : new Socket[] {client, server}) {
          try {
            if (s != null && reset) {
              s.setSoLinger(true, 0); // close sends RST, as a peer that gave up does
            }
          } catch (IOException e) {
            // already gone
          }
          closeQuietly(s);
        }
      }
      synchronized (ShapedLink.this) {
        open.remove(this);
      }
      threads.stream().filter(t -> t != Thread.currentThread()).forEach(Thread::interrupt);
    }

    /** One direction's delay line. */
    private final class Direction {
      private final long delay;
      private final BlockingQueue<Chunk> wire = new LinkedBlockingQueue<>();
      private final Semaphore window = new Semaphore(ShapedLink.this.window);
      private long free = Long.MIN_VALUE; // when the wire is free again; reader thread only

      Direction(Duration delay) {
        this.delay = delay.toNanos();
      }

      void read(InputStream in, long notBefore) throws IOException, InterruptedException {
        byte[] buf = new byte[CHUNK];
        for (int n = 0; n >= 0; ) {
          n = in.read(buf);
          if (n > 0) {
            window.acquire(n);
          }
          long start = Math.max(Math.max(System.nanoTime(), notBefore), free);
          free = start + (shape.bytesPerSecond() == 0 || n < 0 ? 0
              : n * 1_000_000_000L / shape.bytesPerSecond());
          wire.put(new Chunk(n < 0 ? null : Arrays.copyOf(buf, n), free + delay));
        }
      }

      /** Delivers to {@code to}, which is null when the target was never reached. */
      void write(Socket to) throws IOException, InterruptedException {
        while (true) {
          Chunk c = wire.take();
          sleepUntil(c.due());
          if (c.bytes() != null) {
            window.release(c.bytes().length);
          }
          if (severed || to == null) {
            continue; // the partition swallows it; heal() or close() ends this connection
          }
          if (c.bytes() == null) {
            to.shutdownOutput();
            ended();
            return;
          }
          to.getOutputStream().write(c.bytes());
          bytesForwarded.addAndGet(c.bytes().length);
        }
      }
    }
  }
}
