package io.gitedge.gateway.fleet;

import io.gitedge.auth.AccessToken;
import io.gitedge.gateway.app.GatewayApp;
import io.gitedge.gateway.config.ConfigLoader;
import io.gitedge.keys.TlsKeys;
import io.gitedge.store.MirrorName;
import io.gitedge.store.SyncResult;
import io.gitedge.keys.SshHostKeys;
import io.gitedge.testing.ClientHome;
import io.gitedge.testing.ClientProcess;
import io.gitedge.testing.HttpBackendServer;
import io.gitedge.testing.KafkaBroker;
import io.gitedge.testing.MirrorInvariants;
import io.gitedge.testing.ShapedLink;
import io.gitedge.testing.TestUpstream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A fleet on one machine: an origin (C git {@code http-backend}) and gateways in regions at
 * different distances. Every way out of a region (to the origin, to each other region) is its own
 * {@link ShapedLink} with that region's round trip and bandwidth, so a region can be cut off and
 * healed; clients talk to their own region's gateway unshaped, as they would inside a region. All
 * regions share one identity file (one central identity source), one TLS certificate, the peer
 * secret and a token of the {@code fleet} user (groups {@code admins} and {@code eng}) that they
 * use for each other.
 */
public final class Fleet implements AutoCloseable {
  public static final String LIB = "github.com/acme/lib";
  static final String WEBHOOK_SECRET = "webhook-secret-of-the-origin";
  /** The Basic credentials the origin demands, of the regions and of clients that go to it. */
  private static final String ORIGIN_USER = "x-access-token";
  private static final String ORIGIN_PASSWORD = "origin-secret";

  /** Where a region is: its round trip to everything outside it, and its links' bandwidth. */
  public record Place(String name, Duration rtt, long bytesPerSecond) {}

  /** About 10, 80 and 150 ms away; the far links are slower. */
  public static final List<Place> THREE = List.of(
      new Place("eu", Duration.ofMillis(10), 0),
      new Place("us", Duration.ofMillis(80), 40L << 20),
      new Place("ap", Duration.ofMillis(150), 10L << 20));

  /**
   * How the regions are set up.
   *
   * @param syncInterval every region's schedule
   * @param freshness every region's freshness bound ({@code ""}: none)
   * @param peers whether the regions tell each other about syncs over HTTP
   * @param kafka whether the regions share a Kafka broker (each through its own link) as their
   *     event bus
   * @param tiers region → the region it mirrors instead of the origin (falling back to it)
   * @param extraYaml top-level YAML added to every region's config
   */
  public record Options(String syncInterval, String freshness, boolean peers, boolean kafka,
      Map<String, String> tiers, String extraYaml) {
    public static Options defaults() {
      return new Options("1h", "", true, false, Map.of(), "");
    }

    /** Kafka as the only event bus (no HTTP peers). */
    public Options withKafkaInsteadOfPeers() {
      return new Options(syncInterval, freshness, false, true, tiers, extraYaml);
    }

    public Options withSyncInterval(String s) {
      return new Options(s, freshness, peers, kafka, tiers, extraYaml);
    }

    public Options withFreshness(String f) {
      return new Options(syncInterval, f, peers, kafka, tiers, extraYaml);
    }

    public Options withoutPeers() {
      return new Options(syncInterval, freshness, false, kafka, tiers, extraYaml);
    }

    public Options withTier(String region, String tier) {
      Map<String, String> t = new LinkedHashMap<>(tiers);
      t.put(region, tier);
      return new Options(syncInterval, freshness, peers, kafka, t, extraYaml);
    }

    public Options withYaml(String yaml) {
      return new Options(syncInterval, freshness, peers, kafka, tiers, extraYaml + yaml);
    }
  }

  private final Path dir;
  private final Options options;
  private final TestUpstream origin;
  private final HttpBackendServer originHttp;
  private final Map<String, Region> regions = new LinkedHashMap<>();
  private final Map<String, String> tokens = new LinkedHashMap<>();
  private final Path certificate;
  private final List<ShapedLink> links = new ArrayList<>();
  private KafkaBroker kafka;
  private final Path aliceKey;

  private Fleet(Path dir, Options options) throws Exception {
    this.dir = dir;
    this.options = options;
    this.origin = TestUpstream.create(Files.createDirectories(dir.resolve("origin")));
    origin.createRepo("acme/lib");
    String v1 = origin.commit("acme/lib", "main", Map.of(
        "go.mod", "module github.com/acme/lib\n\ngo 1.19\n",
        "lib.go", "package lib\n\nfunc Version() string { return \"v1.0.0\" }\n"), "v1.0.0");
    origin.tag("acme/lib", "v1.0.0", v1, false);
    this.originHttp = origin.serveHttp(ORIGIN_USER, ORIGIN_PASSWORD);
    Path tls = dir.resolve("tls");
    TlsKeys.loadOrGenerate(tls, List.of());
    this.certificate = tls.resolve(TlsKeys.CERT_FILE);
    this.aliceKey = dir.resolve("alice_ed25519");
    ClientProcess.run(dir, ClientProcess.baseEnvironment(), List.of("ssh-keygen", "-q", "-t",
        "ed25519", "-N", "", "-C", "alice@fleet", "-f", aliceKey.toString()), null).assertOk();
    SshHostKeys.loadOrGenerate(dir.resolve("host-keys"));
    StringBuilder identity = new StringBuilder("users:\n");
    for (String[] u : new String[][] {{"alice", "eng"}, {"fleet", "admins, eng"}}) {
      AccessToken t = AccessToken.generate();
      tokens.put(u[0], t.reveal());
      identity.append("  ").append(u[0]).append(":\n    groups: [").append(u[1])
          .append("]\n    tokens: [\"").append(t.hash().value()).append("\"]\n");
      if (u[0].equals("alice")) {
        identity.append("    sshKeys: [\"").append(Files.readString(Path.of(aliceKey
            + ".pub")).trim()).append("\"]\n");
      }
    }
    Files.writeString(dir.resolve("identity.yaml"), identity.toString());
    Files.writeString(dir.resolve("origin.token"), ORIGIN_PASSWORD + "\n");
    Files.writeString(dir.resolve("fleet.token"), tokens.get("fleet") + "\n");
    Files.writeString(dir.resolve("peer.secret"), "shared-by-all-regions\n");
    Files.writeString(dir.resolve("webhook.secret"), WEBHOOK_SECRET + "\n");
  }

  /** Starts the origin and a gateway in each of {@code places}, all of them knowing each other. */
  public static Fleet start(Path dir, List<Place> places, Options options) throws Exception {
    Fleet f = new Fleet(dir, options);
    try {
      for (Place p : places) {
        f.regions.put(p.name(), new Region(f, p));
      }
      if (options.kafka()) {
        Map<String, Integer> advertised = new LinkedHashMap<>();
        f.regions.forEach((name, r) -> advertised.put(name, r.toKafka.port()));
        f.kafka = KafkaBroker.start(dir.resolve("kafka"), advertised);
        f.regions.forEach((name, r) -> {
          r.toKafka.retarget(new InetSocketAddress("127.0.0.1", f.kafka.listenerPort(name)));
          r.startedWithBroker = true;
        });
      }
      for (Region r : f.regions.values()) {
        r.linkTo(f.regions.values());
      }
      for (Region r : f.regions.values()) {
        r.start();
      }
      for (Region r : f.regions.values()) {
        f.regions.values().stream().filter(o -> o != r)
            .forEach(o -> r.toRegion.get(o.place.name()).retarget(o.address()));
      }
      for (Region r : f.regions.values()) {
        r.awaitFirstSync();
      }
      if (f.kafka != null) {
        for (Region r : f.regions.values()) {
          r.awaitReadingKafka();
        }
      }
      return f;
    } catch (Exception | Error e) {
      f.close();
      throw e;
    }
  }

  /**
   * A region that joins the running fleet: it knows the others (its peers are theirs, even when
   * the fleet's events go over Kafka: it takes the fleet's tags from them), they do not know it.
   */
  public Region join(Place place) throws Exception {
    Region r = new Region(this, place);
    r.joined = true;
    List<Region> others = List.copyOf(regions.values());
    regions.put(place.name(), r);
    r.linkTo(others);
    others.forEach(o -> r.toRegion.get(o.place.name()).retarget(o.address()));
    r.start();
    r.awaitFirstSync();
    return r;
  }

  public Region region(String name) {
    return regions.get(name);
  }

  public List<Region> regions() {
    return List.copyOf(regions.values());
  }

  public TestUpstream origin() {
    return origin;
  }

  public HttpBackendServer originHttp() {
    return originHttp;
  }

  /**
   * The {@code Authorization} header value the origin accepts ({@code Basic}, the credentials the
   * regions use): for a client that goes to the origin straight, past every region.
   */
  public String originAuthorization() {
    return "Basic " + java.util.Base64.getEncoder().encodeToString(
        (ORIGIN_USER + ":" + ORIGIN_PASSWORD).getBytes(StandardCharsets.UTF_8));
  }

  /** The fleet's Kafka broker, with {@link Options#kafka()}. */
  public KafkaBroker kafka() {
    return kafka;
  }

  /** The certificate every region's HTTPS door presents. */
  public Path certificate() {
    return certificate;
  }

  public String token(String user) {
    return tokens.get(user);
  }

  /** Cuts every link into and out of {@code region}: it still serves its own clients. */
  public void partition(String region) {
    linksOf(region).forEach(ShapedLink::cut);
  }

  public void heal(String region) {
    linksOf(region).forEach(ShapedLink::heal);
  }

  private List<ShapedLink> linksOf(String region) {
    List<ShapedLink> out = new ArrayList<>();
    for (Region r : regions.values()) {
      if (r.place.name().equals(region)) {
        out.add(r.toOrigin);
        out.add(r.toKafka);
        out.addAll(r.toRegion.values());
      } else if (r.toRegion.containsKey(region)) {
        out.add(r.toRegion.get(region));
      }
    }
    return out;
  }

  /**
   * Sends {@code region} the push webhook GitHub would send for {@code repo} ({@code acme/lib}),
   * naming the repository by the URL that region mirrors it from; returns the HTTP status.
   */
  public int webhook(String region, String repo) throws Exception {
    Region r = regions.get(region);
    String url = r.upstreamBase() + "/" + repo.substring(repo.indexOf('/') + 1);
    String body = """
        {"ref":"refs/heads/main","repository":{"full_name":"%s","clone_url":"%s.git",\
        "html_url":"%s"}}""".formatted(repo, url, url);
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(WEBHOOK_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    String signature = "sha256=" + HexFormat.of().formatHex(
        mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
    return r.http().send(HttpRequest.newBuilder(URI.create(r.url() + "/hooks/github"))
        .header("Content-Type", "application/json").header("X-GitHub-Event", "push")
        .header("X-GitHub-Delivery", UUID.randomUUID().toString())
        .header("X-Hub-Signature-256", signature)
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  /**
   * Pushes a commit to the origin's {@code acme/lib} main and sends {@code region} the webhook.
   *
   * @return the commit
   */
  public String push(String region, String file, String message) throws Exception {
    String commit = origin.commit("acme/lib", "main", Map.of(file, "package lib\n\n// "
        + message + "\n"), message);
    int status = webhook(region, "acme/lib");
    if (status != 202) {
      throw new IllegalStateException("the webhook to " + region + " was answered " + status);
    }
    return commit;
  }

  /**
   * Cuts {@code region} off, then makes three pushes announced to eu and waits until us serves
   * the last (so the events went out while {@code region} could not hear them).
   *
   * @return the last push
   */
  public String pushesWhileCutOff(String region, Duration timeout) throws Exception {
    partition(region);
    String last = null;
    for (int i = 0; i < 3; i++) {
      last = push("eu", "cut" + i + ".go", "push " + i + " while " + region + " is cut off");
    }
    String pushed = last;
    ClientHome inUs = region("us").client();
    if (!pushed.equals(await(pushed, timeout, () -> region("us").served(inUs, LIB,
        "refs/heads/main")))) {
      throw new IllegalStateException("us did not get the pushes made while " + region
          + " was cut off");
    }
    return pushed;
  }

  /**
   * {@code count} pushes announced to {@code region}, one right after the other, with
   * force-moved tags mixed in: push 3 of every ten tags a new version {@code v1.<n>.0}, pushes 4
   * and 7 move that tag to themselves.
   *
   * @return the last version tagged
   */
  public String pushesWithMovedTags(int count, String region) throws Exception {
    String tag = null;
    for (int i = 0; i < count; i++) {
      String commit = push(region, "push.go", "push " + i);
      if (i % 10 == 3) {
        tag = "v1." + i + ".0";
        origin.tag("acme/lib", tag, commit, false);
      } else if (i % 10 == 4 || i % 10 == 7) {
        origin.tag("acme/lib", tag, commit, true);
      }
    }
    return tag;
  }

  /**
   * Waits until every region serves {@code ref} of {@link #LIB} at {@code id}, asking with a
   * client of each region's own.
   *
   * @return what each region serves for {@code ref} by then, by region name
   */
  public Map<String, String> awaitServedEverywhere(String ref, String id, Duration timeout)
      throws InterruptedException {
    Map<String, String> served = new LinkedHashMap<>();
    for (Region r : regions.values()) {
      ClientHome c = r.client();
      served.put(r.name(), await(id, timeout, () -> r.served(c, LIB, ref)));
    }
    return served;
  }

  /** {@code id} for each region: what {@link #awaitServedEverywhere} gives when all agree. */
  public Map<String, String> everywhere(String id) {
    Map<String, String> all = new LinkedHashMap<>();
    regions.keySet().forEach(name -> all.put(name, id));
    return all;
  }

  /** Polls {@code probe} until it gives {@code expected} or {@code timeout} passed; the last. */
  public static <T> T await(T expected, Duration timeout, Supplier<T> probe)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    T seen = probe.get();
    while (!expected.equals(seen) && System.nanoTime() < deadline) {
      Thread.sleep(20);
      seen = probe.get();
    }
    return seen;
  }

  @Override
  public void close() {
    List<Throwable> problems = new ArrayList<>();
    for (Region r : regions.values()) {
      try {
        r.close();
      } catch (RuntimeException e) {
        problems.add(e);
      }
    }
    links.forEach(ShapedLink::close);
    if (kafka != null) {
      kafka.close();
    }
    if (originHttp != null) {
      originHttp.close();
    }
    origin.close();
    for (Region r : regions.values()) {
      if (r.started) {
        MirrorInvariants.check(r.dir.resolve("data/mirrors"));
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalStateException("closing the fleet", problems.get(0));
    }
  }

  /** One region's gateway, its links out, and clients inside it. */
  public static final class Region implements AutoCloseable {
    private final Fleet fleet;
    private final Place place;
    private final Path dir;
    private final ShapedLink toOrigin;
    /** To the fleet's Kafka broker, when there is one (its target set once it listens). */
    private final ShapedLink toKafka;
    private final Map<String, ShapedLink> toRegion = new LinkedHashMap<>();
    private GatewayApp app;
    private boolean started;
    private boolean stopped;
    /** Whether the broker has a listener of this region's (regions that joined later do not). */
    private boolean startedWithBroker;
    /** Whether this region joined the running fleet. */
    private boolean joined;
    private HttpClient http;

    private Region(Fleet fleet, Place place) throws IOException {
      this.fleet = fleet;
      this.place = place;
      this.dir = Files.createDirectories(fleet.dir.resolve(place.name()));
      this.toOrigin = fleet.link(fleet.originAddress(), place);
      this.toKafka = fleet.link(fleet.originAddress(), place);
    }

    private void linkTo(Iterable<Region> others) {
      for (Region o : others) {
        if (o != this) {
          // the target is set once the other region listens
          toRegion.put(o.place.name(), fleet.link(fleet.originAddress(), place));
        }
      }
    }

    private void start() throws Exception {
      Path hostKeys = Files.createDirectories(dir.resolve("data/keys"));
      try (var files = Files.list(fleet.dir.resolve("host-keys"))) {
        for (Path f : files.toList()) {
          Files.copy(f, hostKeys.resolve(f.getFileName()),
              java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
      }
      Path config = dir.resolve("gitedge.yaml");
      Files.writeString(config, config());
      app = GatewayApp.start(ConfigLoader.load(config));
      started = true;
    }

    /**
     * Waits until this region's consumer group has its position on the topic: a new group
     * starts at the end, so events published before it got there are not its (as documented).
     */
    private void awaitReadingKafka() throws Exception {
      String group = "gitedge-" + place.name() + "-"
          + Files.readString(dir.resolve("data/instance-id")).trim();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      try (var admin = fleet.kafka.admin()) {
        while (admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
            .get(10, TimeUnit.SECONDS).isEmpty()) {
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException(place.name() + " never took its place on the topic");
          }
          Thread.sleep(100);
        }
      }
    }

    private void awaitFirstSync() throws Exception {
      SyncResult r = app.syncNow(MirrorName.parse(LIB)).get(120, TimeUnit.SECONDS);
      if (!r.succeeded()) {
        throw new IllegalStateException(place.name() + ": first sync of " + LIB + " failed: "
            + r);
      }
    }

    private String config() {
      String tier = fleet.options.tiers().get(place.name());
      String upstream;
      if (tier == null) {
        upstream = """
              - prefix: github.com/acme
                url: %s
                credentials: { tokenFile: ../origin.token, username: x-access-token }
            """.formatted(upstreamBase());
      } else {
        upstream = """
              - prefix: github.com/acme
                url: %s
                credentials: { tokenFile: ../fleet.token, username: %s }
                caFile: ../tls/%s
                fallbackUrl: http://%s/acme
                fallbackCredentials: { tokenFile: ../origin.token, username: x-access-token }
            """.formatted(upstreamBase(), place.name(), TlsKeys.CERT_FILE,
            hostPort(toOrigin));
      }
      String peers = "";
      if (fleet.options.peers() || joined) {
        peers = """
            peers:
              urls: [%s]
              secretFile: ../peer.secret
              tokenFile: ../fleet.token
              caFile: ../tls/%s
            """.formatted(String.join(", ", toRegion.values().stream()
                .map(l -> "https://" + hostPort(l)).toList()), TlsKeys.CERT_FILE);
      }
      String events = "";
      if (fleet.kafka != null) {
        events = """
            events:
              kafka:
                bootstrapServers: "%s"
                secretFile: ../peer.secret
            """.formatted(startedWithBroker ? "127.0.0.1:" + toKafka.port()
            : fleet.kafka.bootstrapServers());
      }
      return """
          region: %s
          dataDir: ./data
          http:
            listen: 127.0.0.1:0
            tls: { certFile: ../tls/%s, keyFile: ../tls/%s }
          ssh:
            listen: 127.0.0.1:0
          sync:
            workers: 4
            fetchTimeout: 10s
            readWait: 2s
          identity:
            file: ../identity.yaml
          access:
            rules:
              - repos: "github.com/acme/**"
                groups: [eng]
          upstreams:
          %s    repos: [lib]
              syncInterval: %s
              webhookSecretFile: ../webhook.secret
          %s%s%s%s
          """.formatted(place.name(), TlsKeys.CERT_FILE, TlsKeys.KEY_FILE, upstream,
          fleet.options.syncInterval(), fleet.options.freshness().isEmpty() ? ""
              : "    freshness: " + fleet.options.freshness() + "\n",
          peers, events, fleet.options.extraYaml());
    }

    /** The base URL this region mirrors {@code github.com/acme} from. */
    String upstreamBase() {
      String tier = fleet.options.tiers().get(place.name());
      return tier == null ? "http://" + hostPort(toOrigin) + "/acme"
          : "https://" + hostPort(toRegion.get(tier)) + "/github.com/acme";
    }

    private static String hostPort(ShapedLink l) {
      return "127.0.0.1:" + l.port();
    }

    InetSocketAddress address() {
      return new InetSocketAddress("127.0.0.1", app.httpsPort());
    }

    public String name() {
      return place.name();
    }

    public GatewayApp app() {
      return app;
    }

    public Path dir() {
      return dir;
    }

    public Path configFile() {
      return dir.resolve("gitedge.yaml");
    }

    /** This region's gateway as its own clients reach it. */
    public String url() {
      return app.publicUrl().toString();
    }

    public String repoUrl(String name) {
      return url() + "/" + name + ".git";
    }

    /** The link this region reaches the origin through. */
    public ShapedLink toOrigin() {
      return toOrigin;
    }

    /** The SSH URL of repository {@code name} here. */
    public String sshUrl(String name) {
      return "ssh://git@127.0.0.1:" + app.sshPort().orElseThrow() + "/" + name + ".git";
    }

    /** A client in this region that logs in over SSH with alice's key. */
    public ClientHome sshClient() {
      try {
        Path knownHosts = dir.resolve("known_hosts");
        Files.write(knownHosts, SshHostKeys.loadOrGenerate(dir.resolve("data/keys"))
            .knownHostsLines("127.0.0.1", app.sshPort().orElseThrow()));
        return ClientHome.create(Files.createDirectories(dir.resolve("clients")
            .resolve("alice-ssh-" + System.nanoTime()))).with("GIT_SSH_COMMAND",
            "ssh -F /dev/null -o IdentitiesOnly=yes -o BatchMode=yes"
                + " -o StrictHostKeyChecking=yes -o UserKnownHostsFile=" + knownHosts
                + " -o LogLevel=ERROR -i " + fleet.aliceKey);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }

    /** A client in this region with alice's token in its {@code .netrc}. */
    public ClientHome client() {
      try {
        ClientHome c = ClientHome.create(Files.createDirectories(dir.resolve("clients")
            .resolve("alice-" + System.nanoTime()))).trusting(fleet.certificate);
        c.addNetrc("127.0.0.1", "alice", fleet.token("alice"));
        return c;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** What this region serves for {@code ref} of {@code name} ({@code ""} when it has none). */
    public String served(ClientHome client, String name, String ref) {
      String out = client.git(dir, "ls-remote", repoUrl(name), ref).assertOk().stdout();
      return out.isBlank() ? "" : out.split("\t")[0];
    }

    /** An HTTP client trusting the fleet's certificate. */
    public synchronized HttpClient http() {
      if (http == null) {
        http = io.gitedge.testing.TrustingHttp.client(fleet.certificate);
      }
      return http;
    }

    /** {@code GET} on this region's admin API as the fleet user; the body. */
    public String api(String path) throws Exception {
      return http().send(HttpRequest.newBuilder(URI.create(url() + path))
          .header("Authorization", "Bearer " + fleet.token("fleet")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
    }

    /** This region's {@code /metrics}, as the fleet user scrapes them. */
    public String metrics() throws Exception {
      return api("/metrics");
    }

    /** What {@code gitedge verify} run in this region prints, and its exit code. */
    public record Verified(int exitCode, String out, String err) {
      @Override
      public String toString() {
        return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
      }
    }

    /** Runs {@code gitedge verify --config <this region's> --url <this region's>}. */
    public Verified verify(String... more) {
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
      List<String> args = new ArrayList<>(List.of("verify", "--config", configFile().toString(),
          "--url", url()));
      args.addAll(List.of(more));
      int code = io.gitedge.gateway.app.Main.run(
          new java.io.PrintStream(out, true, StandardCharsets.UTF_8),
          new java.io.PrintStream(err, true, StandardCharsets.UTF_8),
          args.toArray(String[]::new));
      return new Verified(code, out.toString(StandardCharsets.UTF_8),
          err.toString(StandardCharsets.UTF_8));
    }

    /** Stops this region's gateway (its mirrors stay on disk); again does nothing. */
    @Override
    public synchronized void close() {
      if (app != null && !stopped) {
        stopped = true;
        app.close();
      }
    }
  }

  private InetSocketAddress originAddress() {
    URI u = URI.create(originHttp.url());
    return new InetSocketAddress(u.getHost(), u.getPort());
  }

  private ShapedLink link(InetSocketAddress target, Place place) {
    ShapedLink.Shape shape = ShapedLink.Shape.roundTrip(place.rtt());
    if (place.bytesPerSecond() > 0) {
      shape = shape.withBandwidth(place.bytesPerSecond());
    }
    ShapedLink l = ShapedLink.open(target, shape);
    links.add(l);
    return l;
  }
}
