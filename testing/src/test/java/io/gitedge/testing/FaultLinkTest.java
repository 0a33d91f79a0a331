package io.gitedge.testing;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What a client of a {@link FaultLink} observes against a real server on loopback: each fault
 * as the client's socket sees it (a read that times out on an open connection, a reset after
 * exactly N bytes, an end of stream after exactly N bytes, bytes that keep coming too slowly).
 */
class FaultLinkTest {
  private static final byte[] ANSWER = new byte[200_000];

  static {
    new Random(5).nextBytes(ANSWER);
  }

  private final List<AutoCloseable> cleanup = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = cleanup.size() - 1; i >= 0; i--) {
      cleanup.get(i).close();
    }
  }

  @Test
  void stall_keepsTheConnectionOpenAndDeliversNothing_untilCleared() throws Exception {
    FaultLink link = link(echo());
    try (Socket s = connect(link)) {
      assertEquals("warm", exchange(s, "warm"));
      link.stall();
      s.getOutputStream().write("held".getBytes(US_ASCII));
      s.setSoTimeout(1000);
      byte[] buf = new byte[4];
      assertThrows(SocketTimeoutException.class, () -> s.getInputStream().read(buf),
          "a stalled link delivered something or closed");

      link.clear();
      s.setSoTimeout(5000);
      assertEquals(4, s.getInputStream().readNBytes(buf, 0, 4));
      assertEquals("held", new String(buf, US_ASCII), "stalled bytes were lost");
    }
  }

  @Test
  void resetAll_resetsTheOpenConnections_andNewOnesGoThrough() throws Exception {
    FaultLink link = link(echo());
    try (Socket s = connect(link)) {
      assertEquals("one", exchange(s, "one"));
      link.resetAll();
      s.setSoTimeout(5000);
      assertThrows(SocketException.class, () -> {
        s.getOutputStream().write(1);
        s.getInputStream().read();
      }, "the connection was not reset");
    }
    try (Socket s = connect(link)) {
      assertEquals("two", exchange(s, "two"), "a new connection after the reset failed");
    }
    assertEquals(2, link.connections());
  }

  @Test
  void resetAfter_deliversExactlyThatManyBytes_thenResets() throws Exception {
    FaultLink link = link(talker());
    link.resetAfter(70_000);
    try (Socket s = connect(link)) {
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      IOException e = assertThrows(IOException.class, () -> readAll(s, got));
      assertTrue(e instanceof SocketException, "not a reset: " + e);
      assertEquals(70_000, got.size());
      assertArrayEquals(Arrays.copyOf(ANSWER, 70_000), got.toByteArray());
    }
    assertEquals(70_000, link.bytesToClient());
  }

  @Test
  void closeAfter_deliversExactlyThatManyBytes_thenEndOfStream() throws Exception {
    FaultLink link = link(talker());
    link.closeAfter(123_456);
    try (Socket s = connect(link)) {
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      readAll(s, got); // returns at the end of stream, throws on a reset
      assertArrayEquals(Arrays.copyOf(ANSWER, 123_456), got.toByteArray());
    }
  }

  @Test
  void drip_keepsBytesComing_tooSlowlyForAnyUseButFastEnoughForAnIdleTimeout()
      throws Exception {
    FaultLink link = link(talker());
    link.drip(1, Duration.ofMillis(300));
    try (Socket s = connect(link)) {
      s.setSoTimeout(1000); // an idle timeout: never trips, yet 8 bytes take over two seconds
      long t0 = System.nanoTime();
      byte[] got = s.getInputStream().readNBytes(8);
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertArrayEquals(Arrays.copyOf(ANSWER, 8), got);
      assertTrue(ms >= 2000 && ms < 10_000, "8 bytes at 1 per 300 ms took " + ms + " ms");
    }
  }

  @Test
  void clear_afterADrip_forwardsTheRestAtFullSpeed() throws Exception {
    FaultLink link = link(talker());
    link.drip(1000, Duration.ofMillis(200));
    try (Socket s = connect(link)) {
      s.setSoTimeout(10_000);
      byte[] first = s.getInputStream().readNBytes(3000);
      link.clear();
      long t0 = System.nanoTime();
      byte[] rest = s.getInputStream().readNBytes(ANSWER.length - 3000);
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertArrayEquals(Arrays.copyOf(ANSWER, 3000), first);
      assertArrayEquals(Arrays.copyOfRange(ANSWER, 3000, ANSWER.length), rest);
      // the drip's last batch may still be sleeping; 197 more batches would take 39 s
      assertTrue(ms < 5000, "the rest took " + ms + " ms after clear()");
    }
  }

  // ---------------------------------------------------------------- helpers

  private FaultLink link(ServerSocket target) {
    FaultLink link = FaultLink.open((java.net.InetSocketAddress) target.getLocalSocketAddress());
    cleanup.add(link);
    return link;
  }

  private static Socket connect(FaultLink link) throws IOException {
    Socket s = new Socket();
    s.connect(link.address(), 5000);
    s.setSoTimeout(10_000);
    return s;
  }

  private static String exchange(Socket s, String text) throws IOException {
    byte[] b = text.getBytes(US_ASCII);
    s.getOutputStream().write(b);
    return new String(s.getInputStream().readNBytes(b.length), US_ASCII);
  }

  private static void readAll(Socket s, ByteArrayOutputStream into) throws IOException {
    byte[] buf = new byte[8192];
    InputStream in = s.getInputStream();
    for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
      into.write(buf, 0, n);
    }
  }

  /** A server that echoes every byte on every connection. */
  private ServerSocket echo() throws IOException {
    return server(s -> s.getInputStream().transferTo(s.getOutputStream()));
  }

  /** A server that sends {@link #ANSWER} on every connection and then waits for its close. */
  private ServerSocket talker() throws IOException {
    return server(s -> {
      OutputStream out = s.getOutputStream();
      out.write(ANSWER);
      out.flush();
      s.getInputStream().transferTo(OutputStream.nullOutputStream());
    });
  }

  private interface Serve {
    void serve(Socket s) throws IOException;
  }

  private ServerSocket server(Serve serve) throws IOException {
    ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    cleanup.add(server);
    Thread t = new Thread(() -> {
      while (true) {
        try {
          Socket s = server.accept();
          cleanup.add(s);
          Thread c = new Thread(() -> {
            try (s) {
              serve.serve(s);
            } catch (IOException e) {
              // the link reset it
            }
          });
          c.setDaemon(true);
          c.start();
        } catch (IOException e) {
          return;
        }
      }
    }, "fault-link-test-server");
    t.setDaemon(true);
    t.start();
    return server;
  }
}
