package io.gitedge.bench;

import io.gitedge.keys.TlsCredentials;
import io.gitedge.keys.TlsKeys;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Provider;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.TrustManagerFactory;

/**
 * The HTTPS door's fixed TLS cost with each {@code http.tlsProvider} (issue 16): two gateways
 * ({@code gitedge serve}, own JVMs, the same tiny repository), one per provider, measured in
 * turns. Per fresh connection: curl's handshake and first-byte times and the gateway's CPU (from
 * {@code /proc}); a real {@code git ls-remote} (GnuTLS) with its {@code GIT_TRACE_CURL} handshake
 * time; the key share and cipher each client gets, read from the ServerHello on the wire through
 * a relay; start to {@code /readyz} and the first connection after it; and, in fresh JVMs, the
 * server side's AES-GCM encryption of the first and second 38 MiB of 16 KiB records.
 * Run: {@code bench/run tls} (BENCH_OPTS="-Dreps=30").
 */
public final class TlsHandshakes {
  private static final List<String> PROVIDERS = List.of("jdk", "conscrypt");
  private static final int BULK_BYTES = 38 << 20;
  private static final int RECORD = 16 << 10;

  private final Path dir;
  private final Map<String, GatewayProcess> gateways = new LinkedHashMap<>();
  private final Map<String, String> env = new HashMap<>();

  private TlsHandshakes(Path dir) {
    this.dir = dir;
  }

  public static void main(String[] args) throws Exception {
    if (args.length == 2 && args[0].equals("bulk")) {
      bulk(args[1]);
      return;
    }
    Path dir = Path.of(args[0]).toAbsolutePath();
    Path launcher = Path.of(args[1]).toAbsolutePath();
    Path out = Path.of(args[2]);
    int reps = Integer.getInteger("reps", 20);
    new TlsHandshakes(dir).run(launcher, out, reps);
  }

  private void run(Path launcher, Path out, int reps) throws Exception {
    long t0 = System.nanoTime();
    run(List.of("rm", "-rf", dir.toString()));
    Files.createDirectories(dir);
    Path repos = dir.resolve("repos");
    tinyRepository(repos.resolve("tiny.git"));
    run(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", dir.resolve("key")
        .toString()));
    String pub = Files.readString(dir.resolve("key.pub"));
    env.put("HOME", Files.createDirectories(dir.resolve("home")).toString());
    env.put("GIT_CONFIG_NOSYSTEM", "1");
    env.put("GIT_TERMINAL_PROMPT", "0");
    String load0 = loadAverage();
    try {
      for (String p : PROVIDERS) {
        gateways.put(p, GatewayProcess.startWithHttp(dir.resolve(p), launcher, List.of("-Xmx1g"),
            repos, "bench", List.of("tiny"), pub, "  tlsProvider: " + p + "\n"));
      }
      StringBuilder md = new StringBuilder();
      md.append(header(reps, load0));
      md.append(wire());
      md.append(handshakes(reps));
      md.append(restarts(Math.max(3, reps / 4)));
      md.append(bulk(Math.max(3, reps / 4)));
      md.append(String.format(Locale.ROOT, "%nLoad average (1 min) at the end: %s; the run took"
          + " %.0f s.%n%nReproduce: `bench/run tls` (`BENCH_OPTS=\"-Dreps=40\"` for more rounds;"
          + " `PATH=/usr/lib/jvm/temurin-25-jdk-amd64/bin:$PATH bench/run tls` for JDK 25).%n%n",
          loadAverage(), (System.nanoTime() - t0) / 1e9));
      Markdown.replaceSection(out, "<!-- tls:begin -->", "<!-- tls:end -->", md.toString());
      System.out.println(md);
    } finally {
      for (GatewayProcess g : gateways.values()) {
        g.close();
      }
    }
  }

  private static String header(int reps, String load) throws Exception {
    return "## TLS provider (issue 16)\n\nTwo gateways (`gitedge serve`, own JVMs, ECDSA P-256"
        + " certificate as generated, TLS 1.3), `http.tlsProvider: jdk` and `conscrypt`"
        + " (Conscrypt 2.5.2, BoringSSL), the same one-commit repository, loopback, measured in"
        + " turns (each round starts with the other side). " + Machine.describe()
        + "; load average (1 min) " + load + " at the start (the machine is shared). "
        + reps + " rounds.\n\n";
  }

  // ------------------------------------------------------------------ key share and cipher

  /** Which group and cipher each client gets, read from the gateway's ServerHello. */
  private String wire() throws Exception {
    StringBuilder md = new StringBuilder("| client | offers key shares | jdk: group, cipher |"
        + " conscrypt: group, cipher |\n|---|---|---|---|\n");
    Map<String, List<String>> rows = new LinkedHashMap<>();
    for (String p : PROVIDERS) {
      GatewayProcess g = gateways.get(p);
      try (Relay r = new Relay(port(g))) {
        curl(g, r.port, "/healthz");
        rows.computeIfAbsent(firstLine("curl", "--version") + " (OpenSSL)",
            k -> new ArrayList<>()).add(r.serverHello.get());
      }
      try (Relay r = new Relay(port(g))) {
        lsRemote(g, r.port, null);
        rows.computeIfAbsent("git " + firstLine("git", "--version").replace("git version ", "")
            + " (libcurl-gnutls)", k -> new ArrayList<>()).add(r.serverHello.get());
      }
    }
    rows.forEach((client, hellos) -> md.append("| ").append(client).append(" | ")
        .append(client.startsWith("git") ? "P-256, X25519 (GnuTLS: P-256 first)" : "X25519")
        .append(" | ").append(String.join(" | ", hellos)).append(" |\n"));
    return md.append("\n").toString();
  }

  // ------------------------------------------------------------------ handshakes

  private String handshakes(int reps) throws Exception {
    int perRound = 10;
    Map<String, List<Double>> tls = new HashMap<>();
    Map<String, List<Double>> first = new HashMap<>();
    Map<String, List<Double>> cpu = new HashMap<>();
    Map<String, List<Double>> gitTls = new HashMap<>();
    Map<String, List<Double>> gitWall = new HashMap<>();
    for (String p : PROVIDERS) {
      for (int i = 0; i < 50; i++) {
        curl(gateways.get(p), port(gateways.get(p)), "/healthz");
      }
      lsRemote(gateways.get(p), port(gateways.get(p)), null);
    }
    for (int round = 0; round < reps; round++) {
      for (String p : turn(round)) {
        GatewayProcess g = gateways.get(p);
        double c0 = g.tree().cpuSeconds();
        for (int i = 0; i < perRound; i++) {
          double[] t = curl(g, port(g), "/healthz");
          tls.computeIfAbsent(p, k -> new ArrayList<>()).add(t[0]);
          first.computeIfAbsent(p, k -> new ArrayList<>()).add(t[1]);
        }
        cpu.computeIfAbsent(p, k -> new ArrayList<>())
            .add((g.tree().cpuSeconds() - c0) / perRound);
        Path trace = dir.resolve("trace-" + p + ".log");
        long w0 = System.nanoTime();
        lsRemote(g, port(g), trace);
        gitWall.computeIfAbsent(p, k -> new ArrayList<>()).add((System.nanoTime() - w0) / 1e9);
        gitTls.computeIfAbsent(p, k -> new ArrayList<>()).add(gitHandshake(trace));
      }
    }
    StringBuilder md = new StringBuilder("| per fresh connection | jdk | conscrypt |"
        + " conscrypt / jdk |\n|---|---|---|---|\n");
    row(md, "curl `/healthz`: TLS done (`time_appconnect`)", tls);
    row(md, "curl `/healthz`: first byte (`time_starttransfer`)", first);
    row(md, "gateway CPU per curl connection (handshake + `/healthz`), per round of "
        + perRound, cpu);
    row(md, "`git ls-remote`: TLS handshake (GIT_TRACE_CURL, ClientHello to established)",
        gitTls);
    row(md, "`git ls-remote`: wall time (CA scan included)", gitWall);
    return md.append("\nAfter 50 unmeasured curl connections and one `git ls-remote` per side. "
        + "CPU: the gateway JVM's user + system time from `/proc` over each round, divided by"
        + " its connections (tick 10 ms).\n\n").toString();
  }

  private static List<String> turn(int round) {
    return round % 2 == 0 ? PROVIDERS : List.of(PROVIDERS.get(1), PROVIDERS.get(0));
  }

  private static void row(StringBuilder md, String what, Map<String, List<Double>> v) {
    Stats a = new Stats(v.get("jdk"));
    Stats b = new Stats(v.get("conscrypt"));
    md.append(String.format(Locale.ROOT, "| %s | %s | %s | %.2f× |%n", what, ms(a), ms(b),
        b.median() / a.median()));
  }

  private static String ms(Stats s) {
    if (s.median() >= 1) {
      return s.describe();
    }
    return String.format(Locale.ROOT, "%.2f ms (%.2f–%.2f)", s.median() * 1000, s.min() * 1000,
        s.max() * 1000);
  }

  // ------------------------------------------------------------------ restarts

  private String restarts(int reps) throws Exception {
    Map<String, List<Double>> ready = new HashMap<>();
    Map<String, List<Double>> firstTls = new HashMap<>();
    Map<String, List<Double>> firstGit = new HashMap<>();
    for (int round = 0; round < reps; round++) {
      for (String p : turn(round)) {
        GatewayProcess g = gateways.get(p);
        g.stop();
        g.launch();
        ready.computeIfAbsent(p, k -> new ArrayList<>()).add(g.readySeconds());
        firstTls.computeIfAbsent(p, k -> new ArrayList<>()).add(curl(g, port(g), "/healthz")[0]);
        long w0 = System.nanoTime();
        lsRemote(g, port(g), null);
        firstGit.computeIfAbsent(p, k -> new ArrayList<>()).add((System.nanoTime() - w0) / 1e9);
      }
    }
    StringBuilder md = new StringBuilder("| after a restart | jdk | conscrypt | conscrypt / jdk"
        + " |\n|---|---|---|---|\n");
    row(md, "start to `/readyz` 200", ready);
    row(md, "first curl connection after ready: TLS done", firstTls);
    row(md, "the `git ls-remote` after it: wall time", firstGit);
    return md.append("\n").append(reps).append(" restarts per side (SIGTERM, then `gitedge"
        + " serve` again; the launcher's class-data-sharing archive as it stands).\n\n")
        .toString();
  }

  // ------------------------------------------------------------------ bulk encryption

  private String bulk(int reps) throws Exception {
    Map<String, List<Double>> first = new HashMap<>();
    Map<String, List<Double>> second = new HashMap<>();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    for (int round = 0; round < reps; round++) {
      for (String p : turn(round)) {
        String[] t = output(List.of(java, "-cp", System.getProperty("java.class.path"),
            TlsHandshakes.class.getName(), "bulk", p)).trim().split(" ");
        first.computeIfAbsent(p, k -> new ArrayList<>()).add(Double.parseDouble(t[0]));
        second.computeIfAbsent(p, k -> new ArrayList<>()).add(Double.parseDouble(t[1]));
      }
    }
    StringBuilder md = new StringBuilder("| fresh JVM, server side encrypts 38 MiB in 16 KiB"
        + " records (`SSLEngine.wrap`, TLS 1.3) | jdk | conscrypt | conscrypt / jdk |\n"
        + "|---|---|---|---|\n");
    row(md, "first 38 MiB", first);
    row(md, "second 38 MiB", second);
    return md.append("\n").append(reps).append(" fresh JVMs per side (`java` of this run,"
        + " default flags), handshake in memory with a JDK client, cipher as negotiated.\n")
        .toString();
  }

  /** In a fresh JVM: seconds to wrap the first and the second 38 MiB; prints both. */
  private static void bulk(String provider) throws Exception {
    Path keys = Files.createTempDirectory("tls-bulk");
    TlsCredentials c = TlsKeys.loadOrGenerate(keys, List.of());
    char[] pw = "x".toCharArray();
    KeyManagerFactory km = KeyManagerFactory.getInstance("SunX509");
    km.init(c.toKeyStore(pw), pw);
    TrustManagerFactory tm = TrustManagerFactory.getInstance("PKIX");
    tm.init(c.trustingItself());
    Provider p = provider.equals("conscrypt") ? org.conscrypt.Conscrypt.newProvider() : null;
    SSLContext sc = p == null ? SSLContext.getInstance("TLS") : SSLContext.getInstance("TLS", p);
    sc.init(km.getKeyManagers(), null, null);
    SSLContext cc = SSLContext.getInstance("TLS");
    cc.init(null, tm.getTrustManagers(), null);
    SSLEngine server = sc.createSSLEngine();
    server.setUseClientMode(false);
    SSLEngine client = cc.createSSLEngine("localhost", 443);
    client.setUseClientMode(true);
    handshake(client, server);
    ByteBuffer app = ByteBuffer.allocate(RECORD);
    ByteBuffer net = ByteBuffer.allocate(server.getSession().getPacketBufferSize());
    double[] t = new double[2];
    for (int pass = 0; pass < 2; pass++) {
      long t0 = System.nanoTime();
      for (int sent = 0; sent < BULK_BYTES; sent += RECORD) {
        app.clear();
        net.clear();
        server.wrap(app, net);
      }
      t[pass] = (System.nanoTime() - t0) / 1e9;
    }
    System.out.printf(Locale.ROOT, "%.4f %.4f%n", t[0], t[1]);
    run(List.of("rm", "-rf", keys.toString()));
  }

  private static void handshake(SSLEngine client, SSLEngine server) throws Exception {
    ByteBuffer c2s = ByteBuffer.allocate(1 << 16);
    ByteBuffer s2c = ByteBuffer.allocate(1 << 16);
    ByteBuffer sink = ByteBuffer.allocate(1 << 17);
    ByteBuffer empty = ByteBuffer.allocate(0);
    client.beginHandshake();
    server.beginHandshake();
    for (int i = 0; i < 100 && !(done(client) && done(server)); i++) {
      step(client, empty, c2s, s2c, sink);
      step(server, empty, s2c, c2s, sink);
    }
    if (!done(client) || !done(server)) {
      throw new IllegalStateException("in-memory handshake did not finish");
    }
  }

  private static boolean done(SSLEngine e) {
    HandshakeStatus s = e.getHandshakeStatus();
    return s == HandshakeStatus.NOT_HANDSHAKING || s == HandshakeStatus.FINISHED;
  }

  /** One engine's turn: run tasks, wrap what it wants to send, unwrap what it was sent. */
  private static void step(SSLEngine e, ByteBuffer empty, ByteBuffer out, ByteBuffer in,
      ByteBuffer sink) throws Exception {
    Runnable task;
    while ((task = e.getDelegatedTask()) != null) {
      task.run();
    }
    if (e.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
      e.wrap(empty, out);
    }
    in.flip();
    while (in.hasRemaining() && e.getHandshakeStatus() == HandshakeStatus.NEED_UNWRAP) {
      sink.clear();
      int before = in.remaining();
      e.unwrap(in, sink);
      while ((task = e.getDelegatedTask()) != null) {
        task.run();
      }
      if (in.remaining() == before) {
        break;
      }
    }
    in.compact();
  }

  // ------------------------------------------------------------------ clients

  private static int port(GatewayProcess g) {
    String b = g.httpsBase();
    return Integer.parseInt(b.substring(b.lastIndexOf(':') + 1, b.length() - 1));
  }

  /** A fresh curl connection: {time_appconnect, time_starttransfer} in seconds. */
  private double[] curl(GatewayProcess g, int port, String path) throws Exception {
    String[] t = output(List.of("curl", "-sS", "-o", "/dev/null", "--cacert",
        g.certificate().toString(), "-w", "%{time_appconnect} %{time_starttransfer}",
        "https://127.0.0.1:" + port + path)).trim().split(" ");
    return new double[] {Double.parseDouble(t[0]), Double.parseDouble(t[1])};
  }

  private void lsRemote(GatewayProcess g, int port, Path trace) throws Exception {
    List<String> cmd = List.of("git", "-c", "http.extraHeader=Authorization: Bearer "
        + g.token(), "ls-remote", "https://127.0.0.1:" + port + "/bench/tiny.git");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().putAll(env);
    pb.environment().put("GIT_SSL_CAINFO", g.certificate().toString());
    if (trace != null) {
      pb.environment().put("GIT_TRACE_CURL", trace.toString());
      pb.environment().put("GIT_TRACE_CURL_NO_DATA", "1");
      Files.deleteIfExists(trace);
    }
    Process p = pb.start();
    String outText = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0 || !outText.contains("refs/heads/main")) {
      throw new IllegalStateException("git ls-remote failed: " + outText);
    }
  }

  /** GnuTLS's handshake in a GIT_TRACE_CURL log: "ALPN: offers" to "SSL connection using". */
  private static double gitHandshake(Path trace) throws IOException {
    LocalTime start = null;
    for (String line : Files.readAllLines(trace)) {
      if (line.contains("== Info: ALPN: offers") && start == null) {
        start = LocalTime.parse(line.substring(0, 15));
      } else if (line.contains("== Info: SSL connection using") && start != null) {
        return (LocalTime.parse(line.substring(0, 15)).toNanoOfDay() - start.toNanoOfDay())
            / 1e9;
      }
    }
    throw new IllegalStateException("no TLS handshake in " + trace);
  }

  private static String output(List<String> cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IllegalStateException(cmd + " failed: " + out);
    }
    return out;
  }

  private static void run(List<String> cmd) throws Exception {
    output(cmd);
  }

  private static String firstLine(String... cmd) throws Exception {
    return output(List.of(cmd)).lines().findFirst().orElse("").replaceAll(" \\(.*", "");
  }

  private static String loadAverage() throws IOException {
    return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
  }

  private void tinyRepository(Path bare) throws Exception {
    run(List.of("git", "init", "-q", "--bare", "-b", "main", bare.toString()));
    Path work = dir.resolve("work");
    run(List.of("git", "clone", "-q", bare.toString(), work.toString()));
    Files.writeString(work.resolve("go.mod"), "module example.com/tiny\n");
    run(List.of("git", "-C", work.toString(), "add", "go.mod"));
    run(List.of("git", "-C", work.toString(), "-c", "user.name=b", "-c", "user.email=b@b",
        "commit", "-q", "-m", "tiny"));
    run(List.of("git", "-C", work.toString(), "push", "-q", "origin", "HEAD:main"));
  }

  // ------------------------------------------------------------------ the wire

  /**
   * A loopback relay to a gateway that reads the first ServerHello going back to the client:
   * TLS 1.3's key_share extension names the group, the record the cipher suite.
   */
  private static final class Relay implements AutoCloseable {
    final AtomicReference<String> serverHello = new AtomicReference<>("(none seen)");
    final int port;
    private final ServerSocket listener;

    Relay(int target) throws IOException {
      listener = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
      port = listener.getLocalPort();
      Thread t = new Thread(() -> {
        try {
          while (true) {
            Socket client = listener.accept();
            Socket server = new Socket(InetAddress.getLoopbackAddress(), target);
            pump(client.getInputStream(), server.getOutputStream(), null);
            pump(server.getInputStream(), client.getOutputStream(), this);
          }
        } catch (IOException closed) {
          // the relay was closed
        }
      }, "relay");
      t.setDaemon(true);
      t.start();
    }

    private static void pump(InputStream in, OutputStream out, Relay watch) {
      Thread t = new Thread(() -> {
        byte[] buf = new byte[1 << 16];
        byte[] head = new byte[0];
        try (in; out) {
          for (int n; (n = in.read(buf)) > 0; ) {
            if (watch != null && head != null) {
              byte[] h = new byte[head.length + n];
              System.arraycopy(head, 0, h, 0, head.length);
              System.arraycopy(buf, 0, h, head.length, n);
              head = h;
              if (head.length >= 5 && head.length >= 5 + ((head[3] & 0xff) << 8 | head[4] & 0xff)) {
                watch.serverHello.compareAndSet("(none seen)", parseServerHello(head));
                head = null;
              }
            }
            out.write(buf, 0, n);
            out.flush();
          }
        } catch (IOException e) {
          // one side closed
        }
      }, "relay-pump");
      t.setDaemon(true);
      t.start();
    }

    @Override
    public void close() throws IOException {
      listener.close();
    }
  }

  /** "X25519, TLS_AES_256_GCM_SHA384" from the first record of a TLS 1.3 server. */
  static String parseServerHello(byte[] r) {
    ByteBuffer b = ByteBuffer.wrap(r);
    if (b.get() != 22 || b.get(5) != 2) {
      return "(not a ServerHello)";
    }
    b.position(5 + 4 + 2 + 32);
    int sessionId = b.get() & 0xff;
    b.position(b.position() + sessionId);
    int cipher = b.getShort() & 0xffff;
    b.get(); // compression
    int end = b.position() + 2 + (b.getShort() & 0xffff);
    String group = "no key_share (TLS 1.2)";
    while (b.position() + 4 <= end) {
      int type = b.getShort() & 0xffff;
      int len = b.getShort() & 0xffff;
      if (type == 51) {
        group = switch (b.getShort(b.position()) & 0xffff) {
          case 0x17 -> "P-256";
          case 0x18 -> "P-384";
          case 0x1d -> "X25519";
          default -> String.format("group 0x%04x", b.getShort(b.position()) & 0xffff);
        };
      }
      b.position(b.position() + len);
    }
    String suite = switch (cipher) {
      case 0x1301 -> "TLS_AES_128_GCM_SHA256";
      case 0x1302 -> "TLS_AES_256_GCM_SHA384";
      case 0x1303 -> "TLS_CHACHA20_POLY1305_SHA256";
      default -> String.format("suite 0x%04x", cipher);
    };
    return group + ", " + suite;
  }
}
