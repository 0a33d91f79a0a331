package io.gitedge.testing;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.gitedge.testing.ShapedLink.Shape;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a client of a {@link ShapedLink} observes, against real peers on loopback. Timing bounds
 * are asserted because the delay is the feature: lower bounds follow from the model and hold
 * strictly, upper bounds are generous for a busy two-core CI machine yet catch the bugs named.
 */
class ShapedLinkTest {
  private static final byte[] BYE = "bye".getBytes(US_ASCII);

  private final List<AutoCloseable> cleanup = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = cleanup.size() - 1; i >= 0; i--) {
      cleanup.get(i).close();
    }
  }

  // ---------------------------------------------------------------- bytes and half-close

  @Test
  void bytes_arriveIntactAndInOrder_bothWays_andHalfCloseReachesEachPeer() throws Exception {
    Peer echo = peer(Peer::echo);
    ShapedLink link = link(echo, Shape.roundTrip(Duration.ofMillis(20)));
    byte[] sent = new byte[5 << 20];
    new Random(13).nextBytes(sent);

    try (Socket s = connect(link)) {
      CompletableFuture<Void> writing = CompletableFuture.runAsync(() -> {
        try {
          OutputStream out = s.getOutputStream();
          for (int off = 0; off < sent.length; off += 50_000) {
            out.write(sent, off, Math.min(50_000, sent.length - off));
          }
          s.shutdownOutput();
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
      }, r -> new Thread(r, "test-writer").start());
      byte[] got = s.getInputStream().readAllBytes(); // returns only at the echo's EOF
      writing.join();

      assertEquals(sent.length + BYE.length, got.length);
      assertArrayEquals(sha256(sent, sent.length), sha256(got, sent.length));
      // the echo wrote "bye" after it read our EOF: our half-close reached it, its own came back
      assertArrayEquals(BYE, Arrays.copyOfRange(got, sent.length, got.length));
    }
    assertEquals(sent.length, echo.received());
    assertEquals(2L * sent.length + BYE.length, link.bytesForwarded());
    assertEquals(1, link.connections());
  }

  // ---------------------------------------------------------------- delay and bandwidth

  @Test
  void roundTrip_costsTheRtt_andANewConnectionAHandshakeMore() throws Exception {
    ShapedLink link = link(peer(Peer::echo), Shape.roundTrip(Duration.ofMillis(200)));

    long t0 = System.nanoTime();
    try (Socket s = connect(link)) {
      exchange(s, "first");
      long first = millisSince(t0);
      long t1 = System.nanoTime();
      exchange(s, "second");
      long second = millisSince(t1);

      assertTrue(first >= 400 && first < 1200, "handshake plus round trip took " + first + " ms");
      assertTrue(second >= 200 && second < 600, "round trip took " + second + " ms");
    }
  }

  @Test
  void roundTrip_throughAnUnshapedLink_isFarBelowTheShapedOne() throws Exception {
    ShapedLink link = link(peer(Peer::echo), Shape.NONE);
    try (Socket s = connect(link)) {
      exchange(s, "warm-up");
      long t0 = System.nanoTime();
      exchange(s, "again");
      long took = millisSince(t0);

      assertTrue(took < 150, "an unshaped round trip took " + took + " ms");
    }
  }

  @Test
  void retarget_sendsNewConnectionsToTheNewTarget() throws Exception {
    Peer first = peer(Peer::echo);
    Peer second = peer(Peer::echo);
    ShapedLink link = link(first, Shape.NONE);
    try (Socket s = connect(link)) {
      assertEquals("one", exchange(s, "one"));
    }
    link.retarget(second.address());
    try (Socket s = connect(link)) {
      assertEquals("two", exchange(s, "two"));
    }
    assertEquals(3, first.received.get(), "the first target got only the first connection");
    assertEquals(3, second.received.get());
  }

  @Test
  void stream_throughAOneWayDelay_paysTheDelayOnce_notPerChunk() throws Exception {
    // 1 MiB is at least 32 of the link's reads: a per-chunk delay would take over 3.2 s
    ShapedLink link = link(peer(Peer::sink), Shape.roundTrip(Duration.ofMillis(200)));

    long t0 = System.nanoTime();
    long counted = sendAndCount(link, 1 << 20);
    long took = millisSince(t0);

    assertEquals(1 << 20, counted);
    // handshake (200) + there (100) + the count back (100)
    assertTrue(took >= 400 && took < 1500, "1 MiB through 100 ms each way took " + took + " ms");
  }

  @Test
  void bandwidthCap_paces1MbAt2MbPerSecond() throws Exception {
    ShapedLink link = link(peer(Peer::sink), Shape.NONE.withBandwidth(2_000_000));

    long t0 = System.nanoTime();
    long counted = sendAndCount(link, 1_000_000);
    long took = millisSince(t0);

    assertEquals(1_000_000, counted);
    // 0.5 s on the wire; an upper bound catches bits taken for bytes (4 s)
    assertTrue(took >= 450 && took < 3000, "1 MB at 2 MB/s took " + took + " ms");
  }

  // ---------------------------------------------------------------- partitions

  @Test
  void cut_blackHolesOpenAndNewConnections_andHealResetsTheOpenOnes() throws Exception {
    Peer echo = peer(Peer::echo);
    ShapedLink link = link(echo, Shape.NONE);

    try (Socket old = connect(link)) {
      assertEquals("before", exchange(old, "before"));
      link.cut();
      assertTrue(link.isCut());

      old.getOutputStream().write("during".getBytes(US_ASCII));
      old.setSoTimeout(500);
      assertThrows(SocketTimeoutException.class, () -> old.getInputStream().read());
      assertEquals("before".length(), echo.received(), "bytes crossed a cut link");

      try (Socket fresh = connect(link)) {
        fresh.getOutputStream().write("fresh".getBytes(US_ASCII));
        fresh.setSoTimeout(500);
        assertThrows(SocketTimeoutException.class, () -> fresh.getInputStream().read());
      }
      assertEquals(1, echo.accepted(), "a connection reached the target through a cut");
      assertEquals(2, link.connections());

      link.heal();
      assertFalse(link.isCut());
      old.setSoTimeout(5000);
      assertReset(old);
      try (Socket healed = connect(link)) {
        assertEquals("after", exchange(healed, "after"));
      }
    }
  }

  // ---------------------------------------------------------------- lifecycle

  @Test
  void close_endsEveryThread_andResetsOpenConnections() throws Exception {
    ShapedLink link = link(peer(Peer::echo), Shape.roundTrip(Duration.ofMillis(200)));
    String prefix = "shaped-link-" + link.port() + "-";
    try (Socket idle = connect(link); Socket inFlight = connect(link)) {
      exchange(idle, "established");
      inFlight.getOutputStream().write("still in the delay line".getBytes(US_ASCII));
      link.cut();
      try (Socket blackHoled = connect(link)) {
        blackHoled.getOutputStream().write("lost".getBytes(US_ASCII));
        assertFalse(linkThreads(prefix).isEmpty(), "no thread is named " + prefix + "...");

        link.close();

        assertEquals(List.of(), linkThreads(prefix));
        idle.setSoTimeout(5000);
        assertReset(idle);
        assertThrows(ConnectException.class, () -> connect(link));
      }
    }
  }

  // ---------------------------------------------------------------- real git

  @Test
  void gitClone_throughA40msRtt_getsTheUpstreamHead(@TempDir Path dir) {
    assumeTrue(ClientHome.installed("git"), "needs git");
    TestUpstream upstream = TestUpstream.create(dir);
    cleanup.add(upstream);
    upstream.createRepo("acme/lib");
    String head = upstream.commit("acme/lib", "main", Map.of("README", "shaped\n"), "first");
    int port = URI.create(upstream.serveHttp(null, null).url()).getPort();
    ShapedLink link = ShapedLink.open(
        new InetSocketAddress(InetAddress.getLoopbackAddress(), port),
        Shape.roundTrip(Duration.ofMillis(40)));
    cleanup.add(link);
    ClientHome client = ClientHome.create(dir.resolve("client"));

    client.git(dir, "clone", "-q", "http://127.0.0.1:" + link.port() + "/acme/lib.git",
        "clone").assertOk();

    assertEquals(head, client.git(dir.resolve("clone"), "rev-parse", "HEAD").assertOk()
        .stdout().trim());
    assertTrue(link.connections() >= 1 && link.bytesForwarded() > 0, "git bypassed the link");
  }

  // ---------------------------------------------------------------- helpers

  private Peer peer(Peer.Handler handler) throws IOException {
    Peer p = new Peer(handler);
    cleanup.add(p);
    return p;
  }

  private ShapedLink link(Peer target, Shape shape) {
    ShapedLink link = ShapedLink.open(target.address(), shape);
    cleanup.add(link);
    return link;
  }

  private static Socket connect(ShapedLink link) throws IOException {
    Socket s = new Socket();
    s.setTcpNoDelay(true);
    s.connect(link.address(), 5000);
    s.setSoTimeout(10_000);
    return s;
  }

  /** Sends {@code text} to an echo and returns what came back. */
  private static String exchange(Socket s, String text) throws IOException {
    byte[] b = text.getBytes(US_ASCII);
    s.getOutputStream().write(b);
    return new String(s.getInputStream().readNBytes(b.length), US_ASCII);
  }

  /** Sends {@code size} bytes to a sink, half-closes, and returns the count the sink answers. */
  private static long sendAndCount(ShapedLink link, int size) throws IOException {
    try (Socket s = connect(link)) {
      OutputStream out = s.getOutputStream();
      byte[] piece = new byte[8192];
      for (int off = 0; off < size; off += piece.length) {
        out.write(piece, 0, Math.min(piece.length, size - off));
      }
      s.shutdownOutput();
      return new DataInputStream(s.getInputStream()).readLong();
    }
  }

  /** The peer gave up on {@code s}: its next read ends the stream or fails, and does not hang. */
  private static void assertReset(Socket s) throws IOException {
    try {
      assertEquals(-1, s.getInputStream().read());
    } catch (SocketException expected) {
      // "Connection reset": the link closed it with RST
    }
  }

  private static List<String> linkThreads(String prefix) {
    return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
        .map(Thread::getName).filter(n -> n.startsWith(prefix)).sorted().toList();
  }

  private static long millisSince(long t0) {
    return (System.nanoTime() - t0) / 1_000_000;
  }

  private static byte[] sha256(byte[] b, int len) throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    md.update(b, 0, len);
    return md.digest();
  }

  /** A real TCP peer on a loopback port, a thread per connection, counting what it read. */
  private static final class Peer implements AutoCloseable {
    interface Handler {
      void serve(Socket s, AtomicLong received) throws IOException;
    }

    private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private final AtomicLong received = new AtomicLong();

    Peer(Handler handler) throws IOException {
      Thread acceptor = new Thread(() -> {
        try {
          while (true) {
            Socket s = server.accept();
            sockets.add(s);
            Thread t = new Thread(() -> {
              try (s) {
                handler.serve(s, received);
              } catch (IOException e) {
                // the link reset it; tests assert on what the client saw
              }
            }, "peer-conn");
            threads.add(t);
            t.start();
          }
        } catch (IOException e) {
          // closed
        }
      }, "peer-accept");
      threads.add(acceptor);
      acceptor.start();
    }

    /** Echoes until EOF, then writes "bye" and half-closes. */
    static void echo(Socket s, AtomicLong received) throws IOException {
      InputStream in = s.getInputStream();
      OutputStream out = s.getOutputStream();
      byte[] buf = new byte[16 * 1024];
      for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
        received.addAndGet(n);
        out.write(buf, 0, n);
      }
      out.write(BYE);
      s.shutdownOutput();
    }

    /** Reads until EOF, then answers with the count as a long. */
    static void sink(Socket s, AtomicLong received) throws IOException {
      long n = s.getInputStream().transferTo(OutputStream.nullOutputStream());
      received.addAndGet(n);
      new DataOutputStream(s.getOutputStream()).writeLong(n);
      s.shutdownOutput();
    }

    InetSocketAddress address() {
      return new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort());
    }

    long received() {
      return received.get();
    }

    long accepted() {
      return sockets.size();
    }

    @Override
    public void close() throws IOException {
      server.close();
      for (Socket s : sockets) {
        s.close();
      }
      try {
        for (Thread t : threads) {
          t.join(5000);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
