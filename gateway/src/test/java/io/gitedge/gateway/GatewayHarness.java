package io.gitedge.gateway;

import io.gitedge.auth.AccessToken;
import io.gitedge.gateway.app.GatewayApp;
import io.gitedge.gateway.config.ConfigLoader;
import io.gitedge.store.MirrorName;
import io.gitedge.store.SyncResult;
import io.gitedge.keys.SshHostKeys;
import io.gitedge.testing.BackgroundClones;
import io.gitedge.testing.ClientHome;
import io.gitedge.testing.ClientProcess;
import io.gitedge.testing.HttpBackendServer;
import io.gitedge.testing.MirrorInvariants;
import io.gitedge.testing.RefSnapshots;
import io.gitedge.testing.ResourceBaseline;
import io.gitedge.testing.SecretScan;
import io.gitedge.testing.TestClock;
import io.gitedge.testing.TestUpstream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A fresh gateway on loopback for one test: a C git upstream (http-backend demanding a token)
 * holding Go modules, an identity file with two users, a config file read by the real loader,
 * and the gateway itself on a random port with its generated certificate.
 *
 * <pre>
 * github.com/acme/lib     module github.com/acme/lib, tags v1.0.0 and v1.1.0   group eng
 * github.com/acme/app     module github.com/acme/app v1.0.0, requires lib v1.1.0 group eng
 * github.com/acme/hosted  module 127.0.0.1/github.com/acme/hosted v1.0.0      group eng
 * github.com/secret/vault a repository alice (eng) may not read               group security
 * </pre>
 *
 * Users: {@code alice} (eng), {@code bob} (security) and {@code ops} (admins), each with a token.
 */
public final class GatewayHarness implements AutoCloseable {
  public static final String LIB = "github.com/acme/lib";
  public static final String APP = "github.com/acme/app";
  public static final String VAULT = "github.com/secret/vault";
  public static final String HOSTED = "github.com/acme/hosted";

  private final Path dir;
  private final TestUpstream upstream;
  private final HttpBackendServer upstreamHttp;
  private final Map<String, AccessToken> tokens = new LinkedHashMap<>();
  private final Path keys;
  private final Path ca;
  private GatewayApp app;
  private final boolean ownsUpstream;
  private final TestClock clock = new TestClock();

  /**
   * Extra settings: the listen address, a public URL, YAML lines added to the {@code http} and
   * {@code sync} sections, and whether the upstream is down when the gateway starts.
   */
  public record Options(String listen, String publicUrl, String httpYaml, String sshYaml,
      String syncYaml, String identityYaml, String rulesYaml, boolean upstreamDownAtStart,
      String syncInterval, String upstreamYaml, String topYaml, String region) {
    public static Options defaults() {
      return new Options("127.0.0.1:0", null, "", "", "", "", "", false, "1h", "", "", "test");
    }

    /** The gateway's region name (default {@code test}). */
    public Options withRegion(String r) {
      return new Options(listen, publicUrl, httpYaml, sshYaml, syncYaml, identityYaml, rulesYaml,
          upstreamDownAtStart, syncInterval, upstreamYaml, topYaml, r);
    }

    /** Adds {@code key: value} to every upstream. */
    public Options withUpstream(String key, String value) {
      return new Options(listen, publicUrl, httpYaml, sshYaml, syncYaml, identityYaml, rulesYaml,
          upstreamDownAtStart, syncInterval, upstreamYaml + "    " + key + ": " + value + "\n",
          topYaml, region);
    }

    /** Adds top-level YAML (such as a {@code peers} section). */
    public Options withTopLevel(String yaml) {
      return new Options(listen, publicUrl, httpYaml, sshYaml, syncYaml, identityYaml, rulesYaml,
          upstreamDownAtStart, syncInterval, upstreamYaml, topYaml + yaml, region);
    }

    /**
     * Adds an upstream for {@code prefix} on the same upstream server as the others, its
     * repositories mirrored on demand: {@code <prefix>/google/uuid} is the upstream's
     * {@code google/uuid}. For repositories a test pushes to the upstream after the start.
     */
    public Options withOnDemandUpstream(String prefix) {
      // first in topYaml, so it lands in the upstreams list whatever sections follow
      return new Options(listen, publicUrl, httpYaml, sshYaml, syncYaml, identityYaml, rulesYaml,
          upstreamDownAtStart, syncInterval, upstreamYaml, "  - prefix: " + prefix + "\n"
          + "    url: " + UPSTREAM_URL + "\n"
          + "    credentials: { tokenFile: upstream.token, username: x-access-token }\n"
          + "    mirrorOnDemand: true\n" + topYaml, region);
    }

    /** Adds an access rule: {@code repos} for the users and groups in {@code whoYaml}. */
    public Options withRule(String repos, String whoYaml) {
      return new Options(listen, publicUrl, httpYaml, sshYaml, syncYaml, identityYaml,
          rulesYaml + "    - { repos: \"" + repos + "\", " + whoYaml + " }\n",
          upstreamDownAtStart, syncInterval, upstreamYaml, topYaml, region);
    }

    public Options withListen(String l) {
      return new Options(l, publicUrl, httpYaml, sshYaml, syncYaml, identityYaml, rulesYaml,
          upstreamDownAtStart, syncInterval, upstreamYaml, topYaml, region);
    }

    public Options withPublicUrl(String u) {
      return new Options(listen, u, httpYaml, sshYaml, syncYaml, identityYaml, rulesYaml,
          upstreamDownAtStart, syncInterval, upstreamYaml, topYaml, region);
    }

    /** Adds {@code key: value} under {@code http:}. */
    public Options withHttp(String key, String value) {
      return new Options(listen, publicUrl, httpYaml + line(key, value), sshYaml, syncYaml,
          identityYaml, rulesYaml, upstreamDownAtStart, syncInterval, upstreamYaml,
          topYaml, region);
    }

    /** Adds {@code key: value} under {@code ssh:}. */
    public Options withSsh(String key, String value) {
      return new Options(listen, publicUrl, httpYaml, sshYaml + line(key, value), syncYaml,
          identityYaml, rulesYaml, upstreamDownAtStart, syncInterval, upstreamYaml,
          topYaml, region);
    }

    /** Adds {@code key: value} under {@code sync:}. */
    public Options withSync(String key, String value) {
      return new Options(listen, publicUrl, httpYaml, sshYaml, syncYaml + line(key, value),
          identityYaml, rulesYaml, upstreamDownAtStart, syncInterval, upstreamYaml,
          topYaml, region);
    }

    /** Adds {@code key: value} under {@code identity:}. */
    public Options withIdentity(String key, String value) {
      return new Options(listen, publicUrl, httpYaml, sshYaml, syncYaml,
          identityYaml + line(key, value), rulesYaml, upstreamDownAtStart, syncInterval,
          upstreamYaml, topYaml, region);
    }

    public Options withUpstreamDownAtStart() {
      return new Options(listen, publicUrl, httpYaml, sshYaml, syncYaml, identityYaml, rulesYaml,
          true, syncInterval, upstreamYaml, topYaml, region);
    }

    /** The {@code syncInterval} of every upstream (default 1h: tests sync explicitly). */
    public Options withSyncInterval(String interval) {
      return new Options(listen, publicUrl, httpYaml, sshYaml, syncYaml, identityYaml, rulesYaml,
          upstreamDownAtStart, interval, upstreamYaml, topYaml, region);
    }

    private static String line(String key, String value) {
      return "  " + key + ": " + value + "\n";
    }
  }

  /** Stands for the upstream server's base URL in top-level YAML; known only at the start. */
  private static final String UPSTREAM_URL = "${upstream.url}";

  private GatewayHarness(Path dir, Options options, GatewayHarness beside) throws Exception {
    this.dir = dir;
    this.ownsUpstream = beside == null;
    if (beside == null) {
      this.upstream = TestUpstream.copyOf(seededUpstream(), dir);
      this.upstreamHttp = upstream.serveHttp("x-access-token", "upstream-secret");
    } else {
      this.upstream = beside.upstream;
      this.upstreamHttp = beside.upstreamHttp;
    }
    Files.writeString(dir.resolve("upstream.token"), "upstream-secret\n");
    this.keys = Files.createDirectories(dir.resolve("client-keys"));
    this.ca = keygen("ca");
    StringBuilder identity = new StringBuilder("users:\n");
    for (String[] u : new String[][] {{"alice", "eng"}, {"bob", "security"}, {"ops", "admins"}}) {
      // regions of one company know the same people: a second region takes the first's tokens
      AccessToken t = beside == null ? AccessToken.generate() : beside.tokens.get(u[0]);
      tokens.put(u[0], t);
      Path key = keygen(u[0]);
      identity.append("  ").append(u[0]).append(":\n    groups: [").append(u[1])
          .append("]\n    tokens: [\"").append(t.hash().value()).append("\"]\n")
          .append("    sshKeys: [\"").append(Files.readString(Path.of(key + ".pub")).trim())
          .append("\"]\n");
    }
    Files.writeString(dir.resolve("identity.yaml"), identity.toString());
    Path hostKeys = Files.createDirectories(dir.resolve("data/keys"));
    try (var files = Files.list(KEY_CACHE.resolve("host"))) {
      for (Path f : files.toList()) {
        Files.copy(f, hostKeys.resolve(f.getFileName()));
      }
    }
    Path config = dir.resolve("gitedge.yaml");
    Files.writeString(config, """
        region: %s
        dataDir: ./data
        http:
          listen: %s
        %s%s
        ssh:
          listen: 127.0.0.1:0
        %s
        sync:
          workers: 4
        %s
        identity:
          file: identity.yaml
          sshCertificateAuthorities: ["%s"]
        %s
        access:
          rules:
            - repos: "github.com/acme/**"
              groups: [eng]
            - repos: "github.com/secret/**"
              groups: [security]
        %s
        upstreams:
          - prefix: github.com/acme
            url: %s/acme
            credentials: { tokenFile: upstream.token, username: x-access-token }
            repos: [lib, app, super, hosted]
            syncInterval: %s
        %s
          - prefix: github.com/secret
            url: %s/secret
            credentials: { tokenFile: upstream.token }
            repos: [vault]
            syncInterval: %s
        %s
        %s
        """.formatted(options.region(), options.listen(),
        options.publicUrl() == null ? "" : "  publicUrl: " + options.publicUrl() + "\n",
        options.httpYaml(), options.sshYaml(), options.syncYaml(),
        Files.readString(Path.of(ca + ".pub")).trim(), options.identityYaml(),
        options.rulesYaml(), upstreamHttp.url(),
        options.syncInterval(), options.upstreamYaml(),
        upstreamHttp.url(), options.syncInterval(), options.upstreamYaml(),
        options.topYaml().replace(UPSTREAM_URL, upstreamHttp.url())));
    upstreamHttp.setDown(options.upstreamDownAtStart());
    this.app = GatewayApp.start(ConfigLoader.load(config), clock);
    if (options.upstreamDownAtStart()) {
      return;
    }
    for (String repo : new String[] {LIB, APP, VAULT, HOSTED}) {
      SyncResult r = sync(repo);
      if (!r.succeeded()) {
        throw new IllegalStateException("first sync of " + repo + " failed: " + r);
      }
    }
  }

  public static GatewayHarness start(Path dir) throws Exception {
    return new GatewayHarness(dir, Options.defaults(), null);
  }

  public static GatewayHarness start(Path dir, Options options) throws Exception {
    return new GatewayHarness(dir, options, null);
  }

  /**
   * A second gateway (another region) mirroring the same upstream as {@code first}, whose users
   * have the same tokens as in {@code first} (one identity for the whole fleet).
   */
  public static GatewayHarness startBeside(Path dir, GatewayHarness first, Options options)
      throws Exception {
    return new GatewayHarness(dir, options, first);
  }

  private static TestUpstream seeded;

  /** The upstream every harness starts from, seeded once per test JVM and then copied. */
  private static synchronized TestUpstream seededUpstream() throws IOException {
    if (seeded == null) {
      seeded = TestUpstream.create(Files.createTempDirectory("gitedge-test-upstream"));
      seedUpstream(seeded);
    }
    return seeded;
  }

  /** Two Go modules and a private repository, as git pushes would leave them. */
  private static void seedUpstream(TestUpstream u) {
    u.createRepo("acme/lib").createRepo("acme/app").createRepo("acme/super")
        .createRepo("secret/vault");
    String mod = "module github.com/acme/lib\n\ngo 1.19\n";
    String v1 = u.commit("acme/lib", "main", Map.of("go.mod", mod,
        "lib.go", "package lib\n\nfunc Version() string { return \"v1.0.0\" }\n"), "v1.0.0");
    u.tag("acme/lib", "v1.0.0", v1, false);
    String v11 = u.commit("acme/lib", "main", Map.of(
        "lib.go", "package lib\n\nfunc Version() string { return \"v1.1.0\" }\n",
        "docs/README.md", "# lib\n"), "v1.1.0");
    u.annotatedTag("acme/lib", "v1.1.0", v11);
    String app = u.commit("acme/app", "main", Map.of("go.mod",
        "module github.com/acme/app\n\ngo 1.19\n\nrequire github.com/acme/lib v1.1.0\n",
        "main.go", "package main\n\nimport \"github.com/acme/lib\"\n\n"
            + "func main() { println(lib.Version()) }\n"), "app v1.0.0");
    u.tag("acme/app", "v1.0.0", app, false);
    u.commit("secret/vault", "main", Map.of("secret.txt", "top secret\n"), "secret");
    u.createRepo("acme/hosted");
    String hosted = u.commit("acme/hosted", "main", Map.of("go.mod",
        "module 127.0.0.1/github.com/acme/hosted\n\ngo 1.19\n",
        "hosted.go", "package hosted\n"), "a module named after the gateway's own host");
    u.tag("acme/hosted", "v1.0.0", hosted, false);
  }

  /**
   * Key material is made once per test JVM and copied into each harness: an RSA-3072 host key
   * takes long enough to generate that doing it per test would slow the suite for nothing.
   */
  private static final Path KEY_CACHE;

  static {
    try {
      KEY_CACHE = Files.createTempDirectory("gitedge-test-keys");
      KEY_CACHE.toFile().deleteOnExit();
      SshHostKeys.loadOrGenerate(KEY_CACHE.resolve("host"));
    } catch (Exception e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** The public key line of {@code user} (or {@code ca}), as in a {@code .pub} file. */
  public static String publicKeyLine(Path key) {
    try {
      return Files.readString(Path.of(key + ".pub")).trim();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** An ed25519 key pair made by ssh-keygen: {@code client-keys/<name>} and {@code .pub}. */
  private Path keygen(String name) throws IOException {
    Path cached = KEY_CACHE.resolve(name);
    synchronized (KEY_CACHE) {
      if (!Files.exists(cached)) {
        ClientProcess.run(KEY_CACHE, ClientProcess.baseEnvironment(), List.of("ssh-keygen", "-q",
            "-t", "ed25519", "-N", "", "-C", name + "@test", "-f", cached.toString()), null)
            .assertOk();
      }
    }
    Path key = keys.resolve(name);
    Files.copy(cached, key);
    Files.copy(Path.of(cached + ".pub"), Path.of(key + ".pub"));
    Files.setPosixFilePermissions(key, java.nio.file.attribute.PosixFilePermissions
        .fromString("rw-------"));
    return key;
  }

  /** The gateway's base URL, e.g. {@code https://127.0.0.1:40123}. */
  public String url() {
    return app.publicUrl().toString();
  }

  /** The HTTPS URL of repository {@code name} ({@code github.com/acme/lib}), with .git. */
  public String repoUrl(String name) {
    return url() + "/" + name + ".git";
  }

  public int port() {
    return app.httpsPort();
  }

  /** The certificate clients must trust. */
  public Path certificate() {
    return app.tlsCertificate().orElseThrow();
  }

  public String token(String user) {
    return tokens.get(user).reveal();
  }

  public TestUpstream upstream() {
    return upstream;
  }

  public HttpBackendServer upstreamHttp() {
    return upstreamHttp;
  }

  public GatewayApp app() {
    return app;
  }

  /**
   * The gateway's clock: a test moves it past a TTL or a freshness bound instead of waiting. It
   * starts at the system clock's time.
   */
  public TestClock clock() {
    return clock;
  }

  /** Syncs a mirror now and waits for the result. */
  public SyncResult sync(String name) {
    try {
      return app.syncNow(MirrorName.parse(name)).get(120, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("sync of " + name + " did not finish", e);
    }
  }

  /** The gateway's config file. */
  public Path configFile() {
    return dir.resolve("gitedge.yaml");
  }

  /** The SSH port. */
  public int sshPort() {
    return app.sshPort().orElseThrow();
  }

  /** The SSH URL of repository {@code name}, with .git. */
  public String sshUrl(String name) {
    return "ssh://git@127.0.0.1:" + sshPort() + "/" + name + ".git";
  }

  /** The private key file of {@code user} (alice, bob, ops), or of the CA ({@code ca}). */
  public Path key(String user) {
    return keys.resolve(user);
  }

  /** A {@code known_hosts} file listing the gateway's SSH host keys. */
  public Path knownHosts() {
    try {
      Path f = dir.resolve("known_hosts");
      if (!Files.exists(f)) {
        Files.write(f, SshHostKeys.loadOrGenerate(dir.resolve("data/keys"))
            .knownHostsLines("127.0.0.1", sshPort()));
      }
      return f;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The {@code ssh} command line git should use to log in with {@code keyFile}. */
  public String sshCommand(Path keyFile) {
    return "ssh -F /dev/null -o IdentitiesOnly=yes -o BatchMode=yes -o StrictHostKeyChecking=yes"
        + " -o UserKnownHostsFile=" + knownHosts() + " -o LogLevel=ERROR -i " + keyFile;
  }

  /** A client that logs in over SSH with {@code user}'s key (GIT_SSH_COMMAND). */
  public ClientHome clientWithSshKey(String user) {
    return client(user + "-ssh-" + System.nanoTime())
        .with("GIT_SSH_COMMAND", sshCommand(key(user)));
  }

  /** A fresh client (own HOME) that trusts the gateway's certificate and has no credentials. */
  public ClientHome client(String name) {
    try {
      return ClientHome.create(Files.createDirectories(dir.resolve("clients").resolve(name)))
          .trusting(certificate());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A client whose {@code ~/.netrc} holds {@code user}'s token for the gateway. */
  public ClientHome clientWithNetrc(String user) {
    ClientHome c = client(user + "-" + System.nanoTime());
    c.addNetrc("127.0.0.1", user, token(user));
    return c;
  }

  /** The gateway's data folder. */
  public Path dataDir() {
    return dir.resolve("data");
  }

  /** The bare mirror of {@code name} on the gateway's disk. */
  public Path mirrorDir(String name) {
    return dir.resolve("data/mirrors").resolve(name + ".git");
  }

  /** A folder for a test to work in. */
  public Path workDir(String name) {
    try {
      return Files.createDirectories(dir.resolve("work").resolve(name));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // ------------------------------------------------------- oracles for the reliability rows

  /**
   * What this JVM holds now, with the gateway's open HTTP(S) connections and SSH sessions as
   * gauges: capture after a first request (so lazy parts exist), check with
   * {@link ResourceBaseline#assertBackWithin} after the test.
   */
  public ResourceBaseline resourceBaseline() {
    return ResourceBaseline.capture(
        new ResourceBaseline.Gauge("gateway open HTTP connections", app::openHttpConnections),
        new ResourceBaseline.Gauge("gateway open SSH sessions", app::openSshSessions));
  }

  /**
   * The secrets this harness handed the gateway (every user's token, the upstream's token);
   * add a test's own with {@link SecretScan#and}.
   */
  public SecretScan secretScan() {
    SecretScan scan = SecretScan.none().and("upstream token", "upstream-secret");
    for (Map.Entry<String, AccessToken> t : tokens.entrySet()) {
      scan = scan.and(t.getKey() + "'s token", t.getValue().reveal());
    }
    return scan;
  }

  /**
   * {@code GET /metrics} as {@code ops} (an admin), on a connection closed afterwards (a pooled
   * client would keep one open and spoil a {@link #resourceBaseline}). Fails unless 200.
   */
  public String metricsText() {
    try (javax.net.ssl.SSLSocket s = (javax.net.ssl.SSLSocket) io.gitedge.testing.TrustingHttp
        .sslContext(certificate()).getSocketFactory().createSocket("127.0.0.1", port())) {
      s.setSoTimeout(30_000);
      s.getOutputStream().write(("GET /metrics HTTP/1.0\r\nHost: 127.0.0.1\r\n"
          + "Authorization: Bearer " + token("ops") + "\r\n\r\n")
          .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      String response = new String(s.getInputStream().readAllBytes(),
          java.nio.charset.StandardCharsets.UTF_8);
      if (!response.startsWith("HTTP/1.1 200") && !response.startsWith("HTTP/1.0 200")) {
        throw new AssertionError("GET /metrics: " + response.lines().findFirst().orElse(""));
      }
      return response.substring(response.indexOf("\r\n\r\n") + 4);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The refs of mirror {@code name} on disk now (branches and tags), for {@link RefSnapshots}. */
  public Map<String, String> mirrorRefs(String name) {
    Map<String, String> env = ClientProcess.baseEnvironment();
    env.put("GIT_CONFIG_NOSYSTEM", "1");
    env.put("GIT_CONFIG_GLOBAL", "/dev/null");
    return RefSnapshots.parse(ClientProcess.run(mirrorDir(name), env, List.of("git",
        "--git-dir", mirrorDir(name).toString(), "for-each-ref", RefSnapshots.FORMAT), null)
        .assertOk().stdout());
  }

  /**
   * A legit user cloning {@code repo} over HTTPS (alice, token in {@code .netrc}) in a loop
   * until closed, for the "a real clone keeps working during the attack" criteria.
   */
  public BackgroundClones backgroundClones(String repo, String... cloneOptions) {
    return BackgroundClones.start(clientWithNetrc("alice"), repoUrl(repo),
        workDir("background-https-" + System.nanoTime()), cloneOptions);
  }

  /** {@link #backgroundClones} over SSH, with alice's key. */
  public BackgroundClones backgroundSshClones(String repo, String... cloneOptions) {
    return BackgroundClones.start(clientWithSshKey("alice"), sshUrl(repo),
        workDir("background-ssh-" + System.nanoTime()), cloneOptions);
  }

  /**
   * Stops the gateway, runs {@code whileStopped} on its data folder, and starts it again from
   * the same config file (on a new port when the config says port 0).
   */
  public void restart(java.util.function.Consumer<Path> whileStopped) throws Exception {
    app.close();
    whileStopped.accept(dir.resolve("data"));
    app = GatewayApp.start(ConfigLoader.load(configFile()), clock);
  }

  /**
   * Stops the gateway (and the upstream it owns), then checks what every test must leave behind:
   * mirrors that pass {@code git fsck} and no file of an interrupted sync
   * ({@link MirrorInvariants}).
   */
  @Override
  public void close() {
    app.close();
    if (ownsUpstream) {
      upstream.close();
    }
    MirrorInvariants.check(dir.resolve("data/mirrors"));
  }
}
