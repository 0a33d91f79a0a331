package io.gitedge.gateway;

import static io.gitedge.gateway.GatewayHarness.LIB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitedge.testing.ClientHome;
import io.gitedge.testing.HttpStub;
import io.gitedge.testing.PktLines;
import io.gitedge.testing.ProcessResult;
import io.gitedge.testing.Requires;
import io.gitedge.testing.TestScale;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.auth.pubkey.KeyPairIdentity;
import org.apache.sshd.client.auth.pubkey.PublicKeyAuthenticationReporter;
import org.apache.sshd.client.auth.pubkey.PublicKeyIdentity;
import org.apache.sshd.client.auth.pubkey.UserAuthPublicKey;
import org.apache.sshd.client.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannel;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.future.AuthFuture;
import org.apache.sshd.client.keyverifier.KnownHostsServerKeyVerifier;
import org.apache.sshd.client.keyverifier.RejectAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.session.SessionContext;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;
import org.apache.sshd.core.CoreModuleProperties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Attacks on the SSH door (catalogue rows S01, S07, S08) with clients that misbehave on purpose:
 * MINA's client made to forge signatures or stop reading, raw sockets that never speak or speak
 * too slowly or too much, and OpenSSH's {@code git clone} as the legitimate user who must get
 * through meanwhile.
 */
class SshAttacksTest {
  @TempDir Path dir;

  /** What a client offers at login: set per session, offered once, whatever its kind. */
  private static final AttributeRepository.AttributeKey<PublicKeyIdentity> OFFER =
      new AttributeRepository.AttributeKey<>();

  /**
   * A MINA client that offers exactly the identity in the session's {@link #OFFER}, bypassing
   * the client's own choice, so a test can offer forged identities.
   */
  private static SshClient forgingClient(GatewayHarness gw) {
    return SshTestClients.offeringOnly(gw, s -> s.getAttribute(OFFER));
  }

  /** Logs in with {@code offer}; true when the server accepted it. */
  private static boolean logsIn(SshClient client, GatewayHarness gw,
      java.util.function.Function<ClientSession, PublicKeyIdentity> offer) throws Exception {
    try (ClientSession s = client.connect("git", "127.0.0.1", gw.sshPort())
        .verify(Duration.ofSeconds(60)).getSession()) {
      s.setAttribute(OFFER, offer.apply(s));
      AuthFuture auth = s.auth();
      assertTrue(auth.await(Duration.ofSeconds(60)), "no answer to a login within 60 s");
      if (auth.isSuccess()) {
        assertTrue(s.isAuthenticated());
        return true;
      }
      assertFalse(s.isAuthenticated(), "a failed login left the session authenticated");
      return false;
    }
  }

  /** An identity that signs with random bytes in place of a signature. */
  private static PublicKeyIdentity garbageSigner(ClientSession s, KeyPair pair) {
    SecureRandom random = new SecureRandom();
    return new KeyPairIdentity(s, s, pair) {
      @Override
      public Map.Entry<String, byte[]> sign(SessionContext session, String algo, byte[] data)
          throws Exception {
        Map.Entry<String, byte[]> real = super.sign(session, algo, data);
        byte[] garbage = new byte[real.getValue().length];
        random.nextBytes(garbage);
        return Map.entry(real.getKey(), garbage);
      }
    };
  }

  // ------------------------------------------------------------------------- S01

  /**
   * The key service says yes to erin's key, after 2 s, every time (no cache): an attacker who
   * offers erin's public key with random bytes for a signature, or with a signature made by
   * another key, and one who signs properly with a key the service does not know, never log in.
   * Erin herself does, before and after, through the same slow service.
   */
  @Test
  void s01_anAuthorizedKeyWithAForgedSignature_neverLogsIn_whileTheKeyServiceIsSlow()
      throws Exception {
    Requires.tools("ssh", "git");
    // every lookup holds one of MINA's few I/O threads for 2 s, so attempts run about three at
    // a time however many clients there are: 9 take about 25 s, the full 1000 about 45 min
    int attempts = TestScale.pick(9, 1000);
    Map<String, String> owners = new ConcurrentHashMap<>();
    try (HttpStub keyService = HttpStub.start()) {
      keyService.route("GET", "/ssh-keys", r -> {
        String user = owners.get(URLDecoder.decode(r.query().replace("fingerprint=", ""),
            StandardCharsets.UTF_8));
        return user == null ? new HttpStub.Response(404, "")
            : HttpStub.Response.ok("{\"user\":\"" + user + "\",\"groups\":[\"eng\"]}");
      });
      KeyPair erin = KeyUtils.generateKeyPair("ssh-ed25519", 256);
      owners.put(KeyUtils.getFingerPrint(erin.getPublic()), "erin");
      try (GatewayHarness gw = GatewayHarness.start(dir, GatewayHarness.Options.defaults()
              .withIdentity("httpKeys", "{ url: \"" + keyService.url("/ssh-keys") + "\" }")
              .withIdentity("cacheTtl", "0s").withIdentity("negativeTtl", "0s"));
          SshClient client = forgingClient(gw);
          LogCapture logins = new LogCapture("io.gitedge.gateway.ssh.login",
              ch.qos.logback.classic.Level.INFO);
          LogCapture sources = new LogCapture("io.gitedge.auth",
              ch.qos.logback.classic.Level.INFO)) {
        keyService.setDelay(Duration.ofSeconds(2));
        assertTrue(logsIn(client, gw, s -> new KeyPairIdentity(s, s, erin)),
            "S01: erin's own key must log in through the slow key service");
        long lookupsBefore = keyService.count("/ssh-keys");
        int linesBefore = logins.lines().size();

        List<KeyPair> strangers = new ArrayList<>();
        for (int i = 0; i < attempts; i++) {
          strangers.add(KeyUtils.generateKeyPair("ssh-ed25519", 256));
        }
        AtomicInteger authenticated = new AtomicInteger();
        long start = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
          List<Future<?>> runs = new ArrayList<>();
          for (int i = 0; i < attempts; i++) {
            int n = i;
            KeyPair stranger = strangers.get(i);
            runs.add(pool.submit(() -> {
              boolean in = logsIn(client, gw, s -> switch (n % 3) {
                case 0 -> garbageSigner(s, new KeyPair(erin.getPublic(), stranger.getPrivate()));
                case 1 -> new KeyPairIdentity(s, s,
                    new KeyPair(erin.getPublic(), stranger.getPrivate()));
                default -> new KeyPairIdentity(s, s, stranger);
              });
              if (in) {
                authenticated.incrementAndGet();
              }
              return null;
            }));
          }
          // a legitimate user (alice, from the identity file) meanwhile, for the figure only:
          // her packets wait for the I/O threads the slow lookups hold
          long probeStart = System.nanoTime();
          ProcessResult probe = gw.clientWithSshKey("alice").git(gw.workDir("probe"),
              "ls-remote", gw.sshUrl(LIB));
          System.out.printf("S01: alice's ls-remote during the attack: exit %d in %d ms%n",
              probe.exitCode(), (System.nanoTime() - probeStart) / 1_000_000);
          for (Future<?> f : runs) {
            f.get(90, TimeUnit.MINUTES);
          }
        } finally {
          pool.shutdownNow();
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        long lookups = keyService.count("/ssh-keys") - lookupsBefore;

        assertEquals(0, authenticated.get(), "S01: forged logins that got in, of " + attempts);
        List<String> attack = logins.lines().subList(linesBefore, logins.lines().size());
        Set<String> attackers = new java.util.HashSet<>();
        attackers.add(KeyUtils.getFingerPrint(erin.getPublic()));
        strangers.forEach(k -> attackers.add(KeyUtils.getFingerPrint(k.getPublic())));
        List<String> attackerLogins = attack.stream().filter(l -> l.startsWith("SSH login:"))
            .filter(l -> attackers.stream().anyMatch(l::contains)).toList();
        assertTrue(attackerLogins.isEmpty(), "S01: the server logged an attacker's login: "
            + attackerLogins);
        int forged = (attempts + 2) / 3 + (attempts + 1) / 3;
        long badSignatures = attack.stream()
            .filter(l -> l.contains("reason=bad-signature")
                && l.contains(KeyUtils.getFingerPrint(erin.getPublic()))).count();
        assertEquals(forged, badSignatures, "S01: one audit line per forged signature");
        for (int i = 2; i < attempts; i += 3) {
          String fp = KeyUtils.getFingerPrint(strangers.get(i).getPublic());
          assertTrue(sources.any(fp), "S01: no audit line for the unknown key " + fp);
        }
        // each forged attempt asks twice (the query, then the signed request), an unknown key once
        assertTrue(lookups >= 2L * forged + (attempts - forged), "S01: only " + lookups
            + " slow lookups for " + attempts + " attempts: the slow path was not exercised");
        assertTrue(logsIn(client, gw, s -> new KeyPairIdentity(s, s, erin)),
            "S01: erin's own key must still log in after the attack");
        System.out.printf("S01: %d/%d forged logins refused, 0 authenticated, %d lookups at 2 s,"
            + " %d s%n", attempts, attempts, lookups, took.toSeconds());
      }
    }
  }

  // ------------------------------------------------------------------------- S07

  /** A raw TCP connection from {@code from}, timed from its connect to the server's close. */
  private static final class Held {
    final SocketChannel channel;
    final long opened = System.nanoTime();
    volatile long closed;

    Held(SocketChannel channel) {
      this.channel = channel;
    }

    Duration lifetime() {
      return Duration.ofNanos(closed - opened);
    }
  }

  private static SocketChannel connectFrom(String from, int port) throws IOException {
    SocketChannel c = SocketChannel.open();
    c.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
    c.connect(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port));
    return c;
  }

  /**
   * Watches raw connections on one thread, reading and dropping whatever the server sends, and
   * noting when the server closes each (end of stream or a reset).
   */
  private static final class Watcher implements AutoCloseable {
    private final Selector selector = Selector.open();
    private final java.util.Queue<Held> incoming = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final List<Held> all = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile boolean running = true;
    private final Thread thread = new Thread(this::loop, "s07-watcher");

    Watcher() throws IOException {
      thread.start();
    }

    Held watch(SocketChannel channel) {
      Held h = new Held(channel);
      all.add(h);
      incoming.add(h);
      selector.wakeup();
      return h;
    }

    private void loop() {
      ByteBuffer sink = ByteBuffer.allocate(64 << 10);
      try {
        while (running) {
          for (Held h; (h = incoming.poll()) != null; ) {
            h.channel.configureBlocking(false);
            h.channel.register(selector, SelectionKey.OP_READ, h);
          }
          selector.select(50);
          for (SelectionKey k : selector.selectedKeys()) {
            Held h = (Held) k.attachment();
            int n;
            try {
              sink.clear();
              n = h.channel.read(sink);
            } catch (IOException reset) {
              n = -1;
            }
            if (n < 0) {
              h.closed = System.nanoTime();
              k.cancel();
            }
          }
          selector.selectedKeys().clear();
        }
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }

    /** Those still open at {@code deadline} (nanoTime), or none as soon as all are closed. */
    List<Held> awaitAllClosed(long deadline) throws InterruptedException {
      while (System.nanoTime() < deadline && all.stream().anyMatch(h -> h.closed == 0)) {
        Thread.sleep(50);
      }
      return all.stream().filter(h -> h.closed == 0).toList();
    }

    @Override
    public void close() throws Exception {
      running = false;
      selector.wakeup();
      thread.join(5000);
      for (Held h : all) {
        h.channel.close();
      }
      selector.close();
    }
  }

  /** The most of {@code held} open at one instant for longer than {@code longerThan}. */
  private static int mostHeldAtOnce(List<Held> held, Duration longerThan) {
    List<long[]> spans = held.stream().filter(h -> h.lifetime().compareTo(longerThan) > 0)
        .map(h -> new long[] {h.opened, h.closed}).toList();
    int most = 0;
    for (long[] s : spans) {
      int at = 0;
      for (long[] t : spans) {
        if (t[0] <= s[0] && s[0] < t[1]) {
          at++;
        }
      }
      most = Math.max(most, at);
    }
    return most;
  }

  private static long heapAfterGc() throws InterruptedException {
    Runtime rt = Runtime.getRuntime();
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(100);
    }
    return rt.totalMemory() - rt.freeMemory();
  }

  private static int threads() {
    return ManagementFactory.getThreadMXBean().getThreadCount();
  }

  /**
   * While connections from other addresses never speak, drip their banner a byte at a time,
   * send a 20 KiB identification line, or fail to log in over and over, alice's OpenSSH clone
   * completes; every one of those connections is closed by the server within authTimeout (3 s)
   * and a margin, no address holds more than its session cap, and threads and heap come back.
   */
  @Test
  void s07_preAuthFloods_areClosedWithinTheAuthTimeout_andAGitCloneGoesThrough()
      throws Exception {
    Requires.tools("ssh", "git");
    int idle = TestScale.pick(300, 2000);
    Duration authTimeout = Duration.ofSeconds(3);
    Duration margin = Duration.ofSeconds(5);
    try (GatewayHarness gw = GatewayHarness.start(dir, GatewayHarness.Options.defaults()
        .withSsh("authTimeout", "3s"))) {
      ClientHome alice = gw.clientWithSshKey("alice");
      alice.git(gw.workDir("warm"), "clone", gw.sshUrl(LIB), "warm").assertOk();
      Thread.sleep(500);
      int threadsBefore = threads();
      long heapBefore = heapAfterGc();

      AtomicBoolean attacking = new AtomicBoolean(true);
      Watcher watcher = new Watcher();
      List<Held> flood = new ArrayList<>();
      List<Held> drips = new ArrayList<>();
      List<Held> longLines = new ArrayList<>();
      AtomicInteger failedLogins = new AtomicInteger();
      AtomicInteger loginsIn = new AtomicInteger();
      ExecutorService attackers = Executors.newFixedThreadPool(3);
      Future<?> dripping;
      Future<?> guessing;
      try {
        // 1. connections that never say a word, from one address, as fast as they open
        for (int i = 0; i < idle; i++) {
          flood.add(watcher.watch(connectFrom("127.0.0.2", gw.sshPort())));
        }
        // 2. identification lines longer than 16 KiB, with and without an end
        for (int i = 0; i < 3; i++) {
          SocketChannel c = connectFrom("127.0.0.4", gw.sshPort());
          String line = "SSH-2.0-" + "x".repeat(20 << 10) + (i % 2 == 0 ? "\r\n" : "");
          ByteBuffer bytes = ByteBuffer.wrap(line.getBytes(StandardCharsets.US_ASCII));
          try {
            while (bytes.hasRemaining()) {
              c.write(bytes);
            }
          } catch (IOException closedByServer) {
            // the server may hang up before it has read it all
          }
          longLines.add(watcher.watch(c));
        }
        // 3. banners dripped a byte every 300 ms, for longer than the auth timeout
        for (int i = 0; i < 3; i++) {
          drips.add(watcher.watch(connectFrom("127.0.0.3", gw.sshPort())));
        }
        dripping = attackers.submit(() -> {
          byte[] banner = "SSH-2.0-OpenSSH_9.6 slowly but surely...........\r\n"
              .getBytes(StandardCharsets.US_ASCII);
          for (int b = 0; attacking.get() && b < banner.length; b++) {
            for (Held h : drips) {
              try {
                h.channel.write(ByteBuffer.wrap(banner, b, 1));
              } catch (IOException closedByServer) {
                // what should happen
              }
            }
            Thread.sleep(300);
          }
          return null;
        });
        // 4. endless failed logins: twenty wrong keys offered on each connection, and a new
        //    connection each time the server hangs up
        guessing = attackers.submit(() -> {
          try (SshClient client = SshTestClients.trusting(gw)) {
            while (attacking.get()) {
              try (ClientSession s = client.connect("git", "127.0.0.1", gw.sshPort())
                  .verify(Duration.ofSeconds(30)).getSession()) {
                for (int k = 0; k < 20; k++) {
                  s.addPublicKeyIdentity(KeyUtils.generateKeyPair("ssh-ed25519", 256));
                }
                AuthFuture auth = s.auth();
                assertTrue(auth.await(Duration.ofSeconds(30)), "S07: no answer to a login");
                if (auth.isSuccess()) {
                  loginsIn.incrementAndGet();
                }
                assertTrue(s.waitFor(List.of(ClientSession.ClientSessionEvent.CLOSED),
                    Duration.ofSeconds(10)).contains(ClientSession.ClientSessionEvent.CLOSED),
                    "S07: the server must hang up on a client that keeps failing to log in");
                failedLogins.incrementAndGet();
              }
            }
          }
          return null;
        });

        // the legitimate user, meanwhile
        long cloneStart = System.nanoTime();
        ProcessResult clone = alice.git(gw.workDir("during"), "clone", gw.sshUrl(LIB), "lib");
        Duration cloneTook = Duration.ofNanos(System.nanoTime() - cloneStart);
        assertEquals(0, clone.exitCode(), "S07: legit clone during the attack failed: "
            + clone.describe());
        assertEquals(gw.upstream().refs("acme/lib").get("refs/heads/main"),
            alice.git(gw.workDir("during").resolve("lib"), "rev-parse", "HEAD").assertOk()
                .stdout().trim(), "S07: the clone has the upstream's tip");

        List<Held> all = new ArrayList<>(flood);
        all.addAll(drips);
        all.addAll(longLines);
        long deadline = System.nanoTime() + authTimeout.plus(margin).multipliedBy(2).toNanos();
        List<Held> open = watcher.awaitAllClosed(deadline);
        attacking.set(false);
        dripping.get(30, TimeUnit.SECONDS);
        guessing.get(60, TimeUnit.SECONDS);
        attackers.shutdown();
        assertTrue(attackers.awaitTermination(30, TimeUnit.SECONDS), "attackers still running");

        assertTrue(open.isEmpty(), "S07: " + open.size() + " pre-auth connections still open "
            + authTimeout.plus(margin).multipliedBy(2) + " after the attack");
        Duration slowest = all.stream().map(Held::lifetime).max(Duration::compareTo).orElseThrow();
        assertTrue(slowest.compareTo(authTimeout.plus(margin)) <= 0, "S07: a pre-auth"
            + " connection lived " + slowest + "; authTimeout is " + authTimeout);
        for (Held h : drips) {
          assertTrue(h.lifetime().compareTo(authTimeout.minusMillis(500)) >= 0
              && h.lifetime().compareTo(authTimeout.plus(margin)) <= 0,
              "S07: a dripped banner was closed after " + h.lifetime()
              + ", not by the auth timeout of " + authTimeout);
        }
        int held = mostHeldAtOnce(flood, Duration.ofMillis(1500));
        assertTrue(failedLogins.get() > 0, "S07: no connection of the failed-login attacker"
            + " was hung up on");
        assertTrue(held <= 32, "S07: " + held + " idle connections from one address held at"
            + " once; maxSessionsPerAddress is 32");
        assertEquals(0, loginsIn.get(), "S07: a random key logged in");

        long heapGrowth = 0;
        int threadsAfter = 0;
        for (int i = 0; i < 100; i++) {
          threadsAfter = threads();
          heapGrowth = heapAfterGc() - heapBefore;
          if (threadsAfter <= threadsBefore + 10 && heapGrowth < (32L << 20)) {
            break;
          }
          Thread.sleep(200);
        }
        assertTrue(threadsAfter <= threadsBefore + 10, "S07: threads " + threadsBefore
            + " before the attack, " + threadsAfter + " after");
        assertTrue(heapGrowth < (32L << 20), "S07: heap after GC grew by "
            + (heapGrowth >> 20) + " MiB over the attack");
        System.out.printf("S07: %d idle + 3 dripping + 3 long-line connections closed within"
            + " %d ms (authTimeout %s); at most %d held from one address; %d connections hung up on after 20 wrong keys;"
            + " clone took %d ms; threads %d -> %d; heap +%d MiB%n", idle,
            slowest.toMillis(), authTimeout, held, failedLogins.get(), cloneTook.toMillis(),
            threadsBefore, threadsAfter, heapGrowth >> 20);
      } finally {
        attacking.set(false);
        attackers.shutdownNow();
        watcher.close();
      }
    }
  }

  // ------------------------------------------------------------------------- S08

  /** Threads now running upload-pack for an SSH command. */
  private static List<String> uploadPacksRunning() {
    List<String> running = new ArrayList<>();
    Thread.getAllStackTraces().forEach((t, stack) -> {
      for (StackTraceElement e : stack) {
        if (e.getClassName().startsWith("io.gitedge.gateway.ssh.GitCommand")
            || e.getClassName().startsWith("org.eclipse.jgit.transport.UploadPack")) {
          running.add(t.getName());
          return;
        }
      }
    });
    return running;
  }

  /** How long after {@code since} the last SSH upload-pack ended; fails after {@code limit}. */
  private static Duration uploadPacksEnded(long since, Duration limit, String what)
      throws InterruptedException {
    while (System.nanoTime() - since < limit.toNanos()) {
      if (uploadPacksRunning().isEmpty()) {
        return Duration.ofNanos(System.nanoTime() - since);
      }
      Thread.sleep(50);
    }
    throw new AssertionError("S08: " + what + ": upload-pack still running " + limit
        + " later, on " + uploadPacksRunning());
  }

  /**
   * A client that asks for a pack and then never reads it (its window stays shut), and one that
   * sends its wants and then nothing: the server gives both up within ioTimeout (3 s) and a
   * margin, and no upload-pack is left running; a clone still works afterwards.
   */
  @Test
  void s08_aClientThatStopsReading_orStallsAfterItsWants_isCutOffWithinTheIoTimeout()
      throws Exception {
    Requires.tools("ssh", "git");
    Duration ioTimeout = Duration.ofSeconds(3);
    Duration limit = ioTimeout.plusSeconds(5);
    try (GatewayHarness gw = GatewayHarness.start(dir, GatewayHarness.Options.defaults()
        .withSsh("ioTimeout", "3s"))) {
      // a pack far larger than the client's window
      byte[] noise = new byte[768 << 10];
      new SecureRandom().nextBytes(noise);
      String tip = gw.upstream().commit("acme/lib", "main",
          Map.of("noise.txt", Base64.getMimeEncoder().encodeToString(noise)), "noise");
      gw.sync(LIB);
      assertTrue(uploadPacksRunning().isEmpty(), "S08: an upload-pack before the test");

      try (SshClient client = SshClient.setUpDefaultClient()) {
        client.setServerKeyVerifier(new KnownHostsServerKeyVerifier(
            RejectAllServerKeyVerifier.INSTANCE, gw.knownHosts()));
        CoreModuleProperties.WINDOW_SIZE.set(client, 32L << 10);
        client.start();
        try (ClientSession s = client.connect("git", "127.0.0.1", gw.sshPort())
            .verify(Duration.ofSeconds(10)).getSession()) {
          try (var in = java.nio.file.Files.newInputStream(gw.key("alice"))) {
            s.addPublicKeyIdentity(org.apache.sshd.common.util.security.SecurityUtils
                .loadKeyPairIdentities(null, org.apache.sshd.common.NamedResource.ofName("a"),
                    in, null).iterator().next());
          }
          s.auth().verify(Duration.ofSeconds(10));

          // 1. asks for everything, then never reads: the window stays shut
          ChannelExec deaf = s.createExecChannel("git-upload-pack 'github.com/acme/lib.git'");
          deaf.setStreaming(ClientChannel.Streaming.Async);
          deaf.open().verify(Duration.ofSeconds(10));
          deaf.getAsyncIn().writeBuffer(new ByteArrayBuffer(PktLines.of("want " + tip, "0000",
              "done"))).verify(Duration.ofSeconds(10));
          long asked = System.nanoTime();
          Thread.sleep(500);
          assertFalse(uploadPacksRunning().isEmpty(),
              "S08: the pack must be held up by the shut window, not finished");
          Duration deafReleased = uploadPacksEnded(asked, limit.multipliedBy(3),
              "a client that stopped reading");

          // 2. sends its wants, then nothing
          ChannelExec stalled = s.createExecChannel(
              "git-upload-pack 'github.com/acme/lib.git'");
          stalled.setOut(new ByteArrayOutputStream());
          stalled.setErr(new ByteArrayOutputStream());
          stalled.open().verify(Duration.ofSeconds(10));
          OutputStream wants = stalled.getInvertedIn();
          wants.write(PktLines.of("want " + tip, "0000"));
          wants.flush();
          long wanted = System.nanoTime();
          Set<ClientChannelEvent> events = stalled.waitFor(EnumSet.of(
              ClientChannelEvent.EXIT_STATUS), limit.multipliedBy(3));
          Duration stallEnded = Duration.ofNanos(System.nanoTime() - wanted);
          assertTrue(events.contains(ClientChannelEvent.EXIT_STATUS), "S08: a client that"
              + " stalled after its wants got no end within " + limit.multipliedBy(3));
          assertNotEquals(0, stalled.getExitStatus(), "S08: a stalled fetch cannot succeed");
          Duration stallReleased = uploadPacksEnded(wanted, limit.multipliedBy(3),
              "a client that stalled after its wants");
          deaf.close(true);

          assertTrue(deafReleased.compareTo(limit) <= 0, "S08: upload-pack for a client that"
              + " stopped reading ran " + deafReleased + "; ioTimeout is " + ioTimeout);
          assertTrue(stallEnded.compareTo(limit) <= 0 && stallReleased.compareTo(limit) <= 0,
              "S08: upload-pack for a client that stalled after its wants ran " + stallReleased
              + " (exit after " + stallEnded + "); ioTimeout is " + ioTimeout);
          System.out.printf("S08: stopped reading: released after %d ms; stalled after wants:"
              + " exit %d after %d ms, released after %d ms (ioTimeout %s)%n",
              deafReleased.toMillis(), stalled.getExitStatus(), stallEnded.toMillis(),
              stallReleased.toMillis(), ioTimeout);
        }
      }
      ProcessResult clone = gw.clientWithSshKey("alice").git(gw.workDir("after"), "clone",
          gw.sshUrl(LIB), "lib");
      assertEquals(0, clone.exitCode(), "S08: a clone after the stalled clients failed: "
          + clone.describe());
    }
  }
}
