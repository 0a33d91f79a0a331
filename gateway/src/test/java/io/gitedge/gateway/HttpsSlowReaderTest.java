package io.gitedge.gateway;

import static io.gitedge.gateway.GatewayHarness.LIB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitedge.testing.PktLines;
import io.gitedge.testing.ProcessResult;
import io.gitedge.testing.Requires;
import io.gitedge.testing.TrustingHttp;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Catalogue row S08, HTTPS side: a client that asks for a pack and then reads its answer at
 * 1 KB/s holds a thread and a pack being written for as long as it likes, unless the server's
 * timeouts cut it off. (The request side, slow headers and bodies, is H09.)
 */
class HttpsSlowReaderTest {
  @TempDir Path dir;

  /** Threads now running upload-pack. */
  private static List<String> uploadPacksRunning() {
    List<String> running = new ArrayList<>();
    Thread.getAllStackTraces().forEach((t, stack) -> {
      for (StackTraceElement e : stack) {
        if (e.getClassName().startsWith("org.eclipse.jgit.transport.UploadPack")) {
          running.add(t.getName());
          return;
        }
      }
    });
    return running;
  }

  @Test
  void s08_aHttpsClientReadingAt1KBPerSecond_isCutOffWithinTheIdleTimeout() throws Exception {
    Requires.tools("git");
    Duration idleTimeout = Duration.ofSeconds(3);
    Duration limit = idleTimeout.plusSeconds(5);
    try (GatewayHarness gw = GatewayHarness.start(dir, GatewayHarness.Options.defaults()
        .withHttp("idleTimeout", "3s"))) {
      // a pack far larger than what socket buffers on loopback hold
      byte[] noise = new byte[6 << 20];
      new SecureRandom().nextBytes(noise);
      String tip = gw.upstream().commit("acme/lib", "main",
          Map.of("noise.txt", Base64.getMimeEncoder().encodeToString(noise)), "noise");
      gw.sync(LIB);
      assertTrue(uploadPacksRunning().isEmpty(), "S08: an upload-pack before the test");

      byte[] body = PktLines.of("want " + tip + " side-band-64k ofs-delta", "0000", "done");
      String basic = Base64.getEncoder().encodeToString(("alice:" + gw.token("alice"))
          .getBytes(StandardCharsets.UTF_8));
      String head = "POST /" + LIB + ".git/git-upload-pack HTTP/1.1\r\n"
          + "Host: 127.0.0.1:" + gw.port() + "\r\n"
          + "Authorization: Basic " + basic + "\r\n"
          + "Content-Type: application/x-git-upload-pack-request\r\n"
          + "Accept: application/x-git-upload-pack-result\r\n"
          + "Content-Length: " + body.length + "\r\n\r\n";
      Socket plain = new Socket();
      plain.setReceiveBufferSize(4096);
      plain.connect(new InetSocketAddress("127.0.0.1", gw.port()), 10_000);
      AtomicLong read = new AtomicLong();
      AtomicLong ended = new AtomicLong();
      java.util.concurrent.atomic.AtomicBoolean slow =
          new java.util.concurrent.atomic.AtomicBoolean(true);
      try (SSLSocket tls = (SSLSocket) TrustingHttp.sslContext(gw.certificate())
          .getSocketFactory().createSocket(plain, "127.0.0.1", gw.port(), true)) {
        OutputStream out = tls.getOutputStream();
        out.write(head.getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
        long asked = System.nanoTime();
        Thread reader = new Thread(() -> {
          byte[] buf = new byte[1024];
          try (InputStream in = tls.getInputStream()) {
            int n;
            while ((n = in.read(buf)) >= 0) {
              read.addAndGet(n);
              if (slow.get()) {
                Thread.sleep(1000);
              }
            }
          } catch (IOException | InterruptedException closed) {
            // the server hung up, or the test is over
          }
          ended.set(System.nanoTime());
        }, "s08-slow-reader");
        reader.setDaemon(true);
        reader.start();

        Thread.sleep(1000);
        assertFalse(uploadPacksRunning().isEmpty(),
            "S08: the pack must be held up by the slow reader, not finished");
        Duration released = null;
        while (System.nanoTime() - asked < limit.multipliedBy(4).toNanos()) {
          if (uploadPacksRunning().isEmpty()) {
            released = Duration.ofNanos(System.nanoTime() - asked);
            break;
          }
          Thread.sleep(50);
        }
        assertTrue(released != null, "S08: upload-pack still running for a 1 KB/s reader "
            + limit.multipliedBy(4) + " later, " + read.get() + " bytes read");
        long slowRead = read.get();
        // now read what is left as fast as possible: whatever the server sent before it gave up
        slow.set(false);
        long drainFrom = System.nanoTime();
        reader.join(limit.multipliedBy(4).toMillis());
        Duration drained = ended.get() == 0 ? null : Duration.ofNanos(ended.get() - drainFrom);
        System.out.printf("S08 (HTTPS): a 1 KB/s reader: upload-pack released after %d ms"
            + " (%d bytes read by then); the rest drained and the connection ended %s later,"
            + " %d bytes in all of a pack over %d (idleTimeout %s)%n", released.toMillis(),
            slowRead, drained == null ? "never" : drained.toMillis() + " ms", read.get(),
            noise.length, idleTimeout);
        assertTrue(released.compareTo(limit) <= 0, "S08: upload-pack for a 1 KB/s reader ran "
            + released + "; idleTimeout is " + idleTimeout);
        assertTrue(drained != null, "S08: the connection of a cut-off reader stayed open");
        assertTrue(read.get() < noise.length, "S08: the slow reader got the whole pack ("
            + read.get() + " bytes): the server did not cut it off");
      }
      ProcessResult clone = gw.clientWithNetrc("alice").git(gw.workDir("after"), "clone",
          gw.repoUrl(LIB), "lib");
      assertEquals(0, clone.exitCode(), "S08: a clone after the slow reader failed: "
          + clone.describe());
    }
  }
}
