package io.gitedge.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What {@link FaultLink} and {@link ShapedLink} share: a listener on a random loopback port whose
 * accept loop hands every connection to the link (which forwards it to {@link #target()} its own
 * way), daemon threads named {@code <kind>-<port>-...}, and a {@link #close()} that stops
 * listening, resets every open connection and waits for every thread to end.
 *
 * <p>The link object is the lock: {@link #open} and {@link #closed} are guarded by it, and
 * {@link #close()} wakes every thread waiting on it.
 */
abstract class LoopbackProxy<C extends LoopbackProxy.Connection> implements AutoCloseable {
  /** One accepted connection. */
  interface Connection {
    /** Closes both sockets, resetting them ({@code reset}) or in order; idempotent. */
    void close(boolean reset);
  }

  private static final long JOIN_MILLIS = 10_000;

  private volatile InetSocketAddress target;
  private final ServerSocket listener;
  private final String name;
  private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
  private final AtomicLong connections = new AtomicLong();
  /** Connections open now; guarded by this. */
  final Set<C> open = new HashSet<>();
  /** Guarded by this. */
  boolean closed;

  /** @throws UncheckedIOException if no loopback port can be opened */
  LoopbackProxy(String kind, InetSocketAddress target) {
    this.target = Objects.requireNonNull(target, "target");
    try {
      this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open a loopback port", e);
    }
    this.name = kind + "-" + listener.getLocalPort();
  }

  /** Starts accepting; the link's factory calls it once the link is constructed. */
  final void listen() {
    spawn("accept", this::accept);
  }

  /**
   * The link's connection for {@code client}, the {@code id}-th accepted; called holding the
   * link's lock, before the connection is added to {@link #open}.
   */
  abstract C accepted(long id, Socket client);

  /** Starts forwarding {@code c} (no lock held). */
  abstract void forward(long id, C c);

  /** Forwards connections accepted from now on to {@code newTarget}. */
  public void retarget(InetSocketAddress newTarget) {
    target = Objects.requireNonNull(newTarget, "newTarget");
  }

  /** Where connections are forwarded to now. */
  final InetSocketAddress target() {
    return target;
  }

  public int port() {
    return listener.getLocalPort();
  }

  /** Where clients connect: {@code 127.0.0.1:}{@link #port()}. */
  public InetSocketAddress address() {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), port());
  }

  /** Connections accepted so far. */
  public long connections() {
    return connections.get();
  }

  /**
   * Stops listening, resets every connection and waits for every thread of this link to end.
   *
   * @throws IllegalStateException if a thread does not end within ten seconds
   */
  @Override
  public void close() {
    List<C> connected;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true; // from here on no thread starts, so the set below is complete
      connected = List.copyOf(open);
      notifyAll(); // threads waiting on the link end
    }
    closeQuietly(listener);
    connected.forEach(c -> c.close(true));
    for (Thread t : List.copyOf(threads)) {
      try {
        t.join(JOIN_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while closing " + name, e);
      }
      if (t.isAlive()) {
        throw new IllegalStateException(t.getName() + " did not end within " + JOIN_MILLIS
            + " ms");
      }
    }
  }

  private void accept() {
    while (true) {
      Socket client;
      try {
        client = listener.accept();
      } catch (IOException e) {
        return; // closed (or out of sockets): no more connections either way
      }
      long id = connections.incrementAndGet();
      C c;
      synchronized (this) {
        if (closed) {
          closeQuietly(client);
          return;
        }
        c = accepted(id, client);
        open.add(c);
      }
      forward(id, c);
    }
  }

  /**
   * Starts a daemon thread {@code <kind>-<port>-<suffix>} running {@code body}, which
   * {@link #close()} waits for; none once the link is closed (null).
   */
  final synchronized Thread spawn(String suffix, Runnable body) {
    if (closed) {
      return null;
    }
    Thread t = new Thread(() -> {
      try {
        body.run();
      } finally {
        threads.remove(Thread.currentThread());
      }
    }, name + "-" + suffix);
    t.setDaemon(true);
    threads.add(t);
    t.start();
    return t;
  }

  static void closeQuietly(AutoCloseable c) {
    try {
      if (c != null) {
        c.close();
      }
    } catch (Exception e) {
      // closing is all we wanted
    }
  }
}
