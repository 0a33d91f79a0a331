package io.gitedge.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitedge.auth.AccessToken;
import io.gitedge.gateway.app.Main;
import io.gitedge.keys.SshHostKeys;
import io.gitedge.keys.TlsKeys;
import io.gitedge.testing.ClientProcess;
import io.gitedge.testing.HttpStub;
import io.gitedge.testing.Requires;
import io.gitedge.testing.SecretScan;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code gitedge doctor} (issue 17) run in-process through the command line against real parts:
 * a config whose every part works (C git's http-backend upstream with a token, the
 * mock-oauth2-server as OIDC provider and introspection endpoint, a key service, the identity
 * file, TLS and SSH host keys on disk, a real gateway of another region as peer) passes every
 * check; each broken variant of it fails with its own line and exit status 1, and every other
 * line stays as it was. The clock case runs its upstream (dumb HTTP, Python's server) under
 * libfaketime, 5 minutes behind.
 */
class DoctorTest {
  @TempDir static Path dir;
  private static GatewayHarness peer;
  private static MockOAuth2Server idp;
  private static HttpStub keyService;
  private static Path region;
  private static String good;
  private static String upstreamUrl;
  private static String fleetToken;

  /** What a command printed and its exit status. */
  private record Run(int code, String out, String err) {
    List<String> lines() {
      return out.lines().toList();
    }

    List<String> failures() {
      return lines().stream().filter(l -> l.startsWith("FAIL  ")).toList();
    }

    String line(String start) {
      return lines().stream().filter(l -> l.startsWith(start)).findFirst().orElseThrow(
          () -> new AssertionError("no line starting \"" + start + "\" in\n" + describe()));
    }

    String describe() {
      return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
  }

  @BeforeAll
  static void setUp() throws Exception {
    // another region: its C git upstream (token "upstream-secret") is ours, and it is our peer
    peer = GatewayHarness.start(Files.createDirectories(dir.resolve("peer")));
    upstreamUrl = peer.upstreamHttp().url();
    idp = new MockOAuth2Server();
    idp.start(InetAddress.getByName("127.0.0.1"), 0);
    keyService = HttpStub.start().route("GET", "/ssh-keys", r -> new HttpStub.Response(404, ""));
    region = Files.createDirectories(dir.resolve("eu"));
    Files.writeString(region.resolve("identity.yaml"), "users:\n  alice:\n    groups: [eng]\n"
        + "    tokens: [\"" + AccessToken.generate().hash().value() + "\"]\n");
    Files.writeString(region.resolve("upstream.token"), "upstream-secret\n");
    Files.writeString(region.resolve("idp.secret"), "idp-client-secret\n");
    Files.writeString(region.resolve("peer.secret"), "shared-by-all-regions\n");
    fleetToken = peer.token("ops");
    Files.writeString(region.resolve("fleet.token"), fleetToken + "\n");
    TlsKeys.loadOrGenerate(region.resolve("tls"), List.of("git.eu.example.com"));
    Path keys = Files.createDirectories(region.resolve("data/keys"));
    for (String f : SshHostKeys.fileNames()) {
      Files.copy(dir.resolve("peer/data/keys").resolve(f), keys.resolve(f));
      Files.setPosixFilePermissions(keys.resolve(f), PosixFilePermissions.fromString("rw-------"));
    }
    String issuer = idp.issuerUrl("default").toString();
    warmUp(issuer);
    good = """
        region: eu-west
        dataDir: ./data
        http:
          listen: 127.0.0.1:0
          publicUrl: https://git.eu.example.com
          tls:
            certFile: tls/tls.crt
            keyFile: tls/tls.key
        ssh:
          listen: 127.0.0.1:0
        identity:
          file: identity.yaml
          oidc: { issuer: "%s", audience: gitedge }
          introspection: { url: "%s/introspect", clientId: gitedge, audience: gitedge, \
        clientSecretFile: idp.secret }
          httpKeys: { url: "%s" }
        upstreams:
          - prefix: github.com/acme
            url: %s/acme
            credentials: { tokenFile: upstream.token }
            repos: [lib, app]
        peers:
          urls: [%s]
          secretFile: peer.secret
          tokenFile: fleet.token
          caFile: %s
        """.formatted(issuer, issuer, keyService.url("/ssh-keys"), upstreamUrl, peer.url(),
        peer.certificate());
  }

  /**
   * The provider makes its signing key at the first request, which can take seconds on a loaded
   * machine: these tests are about doctor's lines, not about that first request.
   */
  private static void warmUp(String issuer) throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();
    for (String path : List.of("/.well-known/openid-configuration", "/jwks")) {
      http.send(HttpRequest.newBuilder(URI.create(issuer + path)).build(),
          HttpResponse.BodyHandlers.discarding());
    }
  }

  @AfterAll
  static void tearDown() {
    if (peer != null) {
      peer.close();
    }
    if (idp != null) {
      idp.shutdown();
    }
    if (keyService != null) {
      keyService.close();
    }
  }

  /** The good config with {@code change} made, written as {@code <name>.yaml} in the region. */
  private static Path config(String name, UnaryOperator<String> change) throws IOException {
    String yaml = change.apply(good);
    if (!name.equals("good")) {
      assertTrue(!yaml.equals(good), "the change to make " + name + " changed nothing");
    }
    return Files.writeString(region.resolve(name + ".yaml"), yaml);
  }

  private static Run doctor(Path config) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.run(new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), "doctor", "--config",
        config.toString());
    return new Run(code, out.toString(StandardCharsets.UTF_8),
        err.toString(StandardCharsets.UTF_8));
  }

  /** The line number of the first line of {@code config} that contains {@code text}. */
  private static int lineOf(Path config, String text) throws IOException {
    List<String> lines = Files.readAllLines(config);
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).contains(text)) {
        return i + 1;
      }
    }
    throw new AssertionError(text + " is not in " + config);
  }

  private static int closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort();
    }
  }

  /** Exit 1 and exactly one FAIL line, which starts with {@code start}; returns it. */
  private static String onlyFailure(Run r, String start) {
    assertEquals(1, r.code(), r.describe());
    assertEquals(1, r.failures().size(), "one failure only:\n" + r.describe());
    String fail = r.failures().get(0);
    assertTrue(fail.startsWith(start), "expected a line starting \"" + start + "\"\n"
        + r.describe());
    assertTrue(r.lines().get(r.lines().size() - 1).matches("gitedge doctor: \\d+ checks: \\d+"
        + " ok, \\d+ warnings?, 1 failed \\(fix the FAIL lines\\)"), r.describe());
    return fail;
  }

  // ------------------------------------------------------------------------------ all good

  @Test
  void aGoodSetUp_passesEveryCheck_andExits0() throws Exception {
    Path config = config("good", c -> c);
    Run r = doctor(config);
    assertEquals(0, r.code(), r.describe());
    List<String> lines = r.lines();
    for (String l : lines.subList(0, lines.size() - 1)) {
      assertTrue(l.startsWith("ok    "), "not ok: " + l + "\n" + r.describe());
    }
    assertEquals("gitedge doctor: " + (lines.size() - 1) + " checks: " + (lines.size() - 1)
        + " ok, 0 warnings, 0 failed", lines.get(lines.size() - 1), r.describe());
    assertEquals("ok    config " + config + ": loads (region eu-west, 1 upstream)", lines.get(0));
    Pattern listed = Pattern.compile("ok    upstream github\\.com/acme/(lib|app) \\("
        + Pattern.quote(upstreamUrl) + "/acme/\\1\\.git\\): (\\d+) refs listed in \\d+ ms");
    List<Matcher> listings = lines.stream().map(listed::matcher).filter(Matcher::matches)
        .toList();
    assertEquals(2, listings.size(), r.describe());
    assertEquals(List.of("lib", "app"), listings.stream().map(m -> m.group(1)).toList());
    assertTrue(Integer.parseInt(listings.get(0).group(2)) >= 3, "lib has main and two"
        + " tags: " + listings.get(0).group());
    assertTrue(r.line("ok    upstream github.com/acme (" + upstreamUrl + "/acme): reachable (DNS ")
        .contains(", TCP "), r.describe());
    assertTrue(r.line("ok    data folder " + region.resolve("data")).contains("can write to"));
    r.line("ok    free space for " + region.resolve("data") + ": ");
    r.line("ok    mirrors in " + region.resolve("data/mirrors") + ": none yet");
    assertTrue(r.line("ok    TLS certificate " + region.resolve("tls/tls.crt") + ": ")
        .contains("git.eu.example.com"), r.describe());
    r.line("ok    TLS key " + region.resolve("tls/tls.key") + ": readable by this user, mode 0600");
    assertTrue(r.line("ok    SSH host keys in " + region.resolve("data/keys") + ": 3 keys, mode"
        + " 0600: ssh-ed25519 SHA256:").contains("ssh-rsa SHA256:"), r.describe());
    r.line("ok    identity file " + region.resolve("identity.yaml") + ": parses");
    assertTrue(r.line("ok    identity oidc (" + idp.issuerUrl("default") + "): jwks_uri ")
        .contains("(from discovery): 1 signing key for [RS256]"), r.describe());
    r.line("ok    identity introspection (" + idp.issuerUrl("default") + "/introspect): a token"
        + " it never issued is {\"active\": false}");
    r.line("ok    identity httpKeys (" + keyService.url("/ssh-keys") + "): a key nobody has is"
        + " 404");
    r.line("ok    peers secret " + region.resolve("peer.secret") + ": readable");
    assertTrue(r.line("ok    peer " + peer.url() + ": /readyz 200 in ").contains(
        "; its admin API takes peers.tokenFile (region test, "), r.describe());
    assertTrue(r.line("ok    clock vs " + upstreamUrl + " (upstream github.com/acme): ")
        .contains("apart)"), r.describe());
    SecretScan.none().and("upstream token", "upstream-secret")
        .and("introspection client secret", "idp-client-secret")
        .and("fleet token", fleetToken).and("peer secret", "shared-by-all-regions")
        .assertNotIn("doctor's output", r.out() + r.err());
  }

  // ------------------------------------------------------------------------------ broken

  @Test
  void aConfigThatDoesNotLoad_isTheOneLine_withFileLineAndKey_andNothingElseIsChecked()
      throws Exception {
    Path config = config("typo", c -> c.replace("  listen: 127.0.0.1:0\n  publicUrl",
        "  listen: 127.0.0.1:0\n  listn: 127.0.0.1:0\n  publicUrl"));
    Run r = doctor(config);
    assertEquals(1, r.code(), r.describe());
    assertEquals(2, r.lines().size(), r.describe());
    assertTrue(r.lines().get(0).startsWith("FAIL  config: " + config + ":5: http.listn: unknown"
        + " key (did you mean listen?)"), r.describe());
    assertEquals("gitedge doctor: the config does not load; fix it first (nothing else was"
        + " checked)", r.lines().get(1));
    Run usage = new Run(Main.run(new PrintStream(new ByteArrayOutputStream()),
        new PrintStream(new ByteArrayOutputStream()), "doctor"), "", "");
    assertEquals(2, usage.code(), "no --config is a usage error");
  }

  @Test
  void anUpstreamThatIsDown_failsAtTcp_namingTheUrlsLine() throws Exception {
    int port = closedPort();
    Path config = config("down", c -> c.replace(upstreamUrl + "/acme",
        "http://127.0.0.1:" + port + "/acme"));
    Run r = doctor(config);
    String fail = onlyFailure(r, "FAIL  upstream github.com/acme (http://127.0.0.1:" + port
        + "/acme): nothing listens at 127.0.0.1:" + port + " (connection refused): is the"
        + " upstream up? check upstreams[0].url (" + config + ":"
        + lineOf(config, "url: http://127.0.0.1:" + port) + ")");
    assertTrue(r.lines().stream().noneMatch(l -> l.contains("refs listed")), "no listing of a"
        + " host that is down:\n" + r.describe());
    assertTrue(r.line("warn  clock vs http://127.0.0.1:" + port + " ").contains("not compared"),
        fail);
  }

  @Test
  void refusedUpstreamCredentials_fail401_namingTheCredentialsLine_andNotTheToken()
      throws Exception {
    Files.writeString(region.resolve("stale.token"), "a-revoked-token\n");
    Path config = config("refused", c -> c.replace("tokenFile: upstream.token",
        "tokenFile: stale.token"));
    Run r = doctor(config);
    assertEquals(1, r.code(), r.describe());
    assertEquals(2, r.failures().size(), "lib and app are both refused:\n" + r.describe());
    String credentials = "upstreams[0].credentials (" + config + ":"
        + lineOf(config, "credentials:") + ")";
    assertTrue(r.line("FAIL  upstream github.com/acme/lib (" + upstreamUrl + "/acme/lib.git): 401"
        + " Unauthorized: the upstream refused the credentials of " + credentials).contains(
        "check that the token"), r.describe());
    r.line("ok    upstream github.com/acme (" + upstreamUrl + "/acme): reachable");
    SecretScan.none().and("the refused token", "a-revoked-token")
        .assertNotIn("doctor's output", r.out() + r.err());
  }

  @Test
  void anUnreachableOidcIssuer_failsItsDiscovery() throws Exception {
    int port = closedPort();
    String issuer = "http://127.0.0.1:" + port + "/default";
    Path config = config("no-idp", c -> c.replace("oidc: { issuer: \"" + idp.issuerUrl("default"),
        "oidc: { issuer: \"" + issuer));
    Run r = doctor(config);
    String fail = onlyFailure(r, "FAIL  identity oidc (" + issuer + "): discovery at " + issuer
        + "/.well-known/openid-configuration failed: connection refused");
    assertTrue(fail.endsWith("its JWTs get 503 until this is fixed (identity.oidc)"), fail);
  }

  @Test
  void aPeerAndAKafkaBrokerThatAreDown_failEach_andTheTopicIsNotAsked() throws Exception {
    int peerPort = closedPort();
    int kafkaPort = closedPort();
    Path config = config("fleet-down", c -> c.replace("urls: [" + peer.url() + "]",
        "urls: [https://127.0.0.1:" + peerPort + "]") + "events:\n  kafka:\n"
        + "    bootstrapServers: \"127.0.0.1:" + kafkaPort + "\"\n    secretFile: peer.secret\n");
    Run r = doctor(config);
    assertEquals(1, r.code(), r.describe());
    assertEquals(2, r.failures().size(), r.describe());
    r.line("FAIL  peer https://127.0.0.1:" + peerPort + ": no answer from /readyz: connection"
        + " refused");
    r.line("FAIL  Kafka broker 127.0.0.1:" + kafkaPort + ": nothing listens at 127.0.0.1:"
        + kafkaPort + " (connection refused): check events.kafka.bootstrapServers");
    r.line("ok    Kafka secret " + region.resolve("peer.secret") + ": readable");
    assertTrue(r.lines().stream().noneMatch(l -> l.contains("Kafka topic")), r.describe());
  }

  @Test
  void aDataDirThatIsAFile_fails() throws Exception {
    Files.writeString(region.resolve("not-a-folder"), "x\n");
    Path config = config("data-file", c -> c.replace("dataDir: ./data",
        "dataDir: ./not-a-folder"));
    Run r = doctor(config);
    onlyFailure(r, "FAIL  data folder " + region.resolve("not-a-folder") + ": is not a folder (a"
        + " file is there): point dataDir (" + config + ":2) at a folder");
  }

  @Test
  void aTlsKeyOfAnotherCertificate_fails() throws Exception {
    TlsKeys.loadOrGenerate(region.resolve("other-tls"), List.of("git.eu.example.com"));
    Path config = config("tls-mismatch", c -> c.replace("keyFile: tls/tls.key",
        "keyFile: other-tls/tls.key"));
    Run r = doctor(config);
    onlyFailure(r, "FAIL  TLS certificate " + region.resolve("tls/tls.crt") + ": TLS key "
        + region.resolve("other-tls/tls.key") + " does not match the certificate in "
        + region.resolve("tls/tls.crt") + " (http.tls.certFile (" + config + ":"
        + lineOf(config, "certFile:") + ") and http.tls.keyFile)");
  }

  @Test
  void anExpiredCertificate_fails() throws Exception {
    Requires.tools("faketime", "openssl");
    Path tls = Files.createDirectories(region.resolve("expired-tls"));
    // made 400 days ago for 30 days, by the real openssl on a faked clock
    ClientProcess.run(tls, ClientProcess.baseEnvironment(), List.of("faketime", "-f", "-400d",
        "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
        "-nodes", "-keyout", "tls.key", "-out", "tls.crt", "-days", "30", "-subj",
        "/CN=git.eu.example.com", "-addext", "subjectAltName=DNS:git.eu.example.com"), null)
        .assertOk();
    Path config = config("expired", c -> c.replace("certFile: tls/tls.crt",
        "certFile: expired-tls/tls.crt").replace("keyFile: tls/tls.key",
        "keyFile: expired-tls/tls.key"));
    Run r = doctor(config);
    String fail = onlyFailure(r, "FAIL  TLS certificate " + tls.resolve("tls.crt")
        + ": TLS certificate " + tls.resolve("tls.crt") + " expired on ");
    assertTrue(fail.contains("; renew it"), fail);
  }

  @Test
  void aCertificateExpiringWithin14Days_warns_andAWarningAloneExits0() throws Exception {
    Requires.tools("openssl");
    Path tls = Files.createDirectories(region.resolve("expiring-tls"));
    ClientProcess.run(tls, ClientProcess.baseEnvironment(), List.of("openssl", "req", "-x509",
        "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout",
        "tls.key", "-out", "tls.crt", "-days", "7", "-subj", "/CN=git.eu.example.com",
        "-addext", "subjectAltName=DNS:git.eu.example.com"), null).assertOk();
    Path config = config("expiring", c -> c.replace("certFile: tls/tls.crt",
        "certFile: expiring-tls/tls.crt").replace("keyFile: tls/tls.key",
        "keyFile: expiring-tls/tls.key"));
    Run r = doctor(config);
    assertEquals(0, r.code(), "a warning alone is not a failure:\n" + r.describe());
    assertTrue(r.line("warn  TLS certificate " + tls.resolve("tls.crt") + ": CN=git.eu.example.com,"
        + " names [git.eu.example.com], valid until ").endsWith(": expires within 14 days;"
        + " renew it"), r.describe());
    assertTrue(r.lines().get(r.lines().size() - 1).endsWith(" ok, 1 warning, 0 failed (the"
        + " gateway can run; look at the warn lines)"), r.describe());
  }

  @Test
  void sshHostKeysOthersMayRead_fail() throws Exception {
    Path keys = Files.createDirectories(region.resolve("loose/keys"));
    for (String f : SshHostKeys.fileNames()) {
      Files.copy(region.resolve("data/keys").resolve(f), keys.resolve(f));
    }
    Path rsa = keys.resolve("ssh_host_rsa_key");
    Files.setPosixFilePermissions(rsa, PosixFilePermissions.fromString("rw-r--r--"));
    Path config = config("loose-keys", c -> c.replace("dataDir: ./data", "dataDir: ./loose"));
    Run r = doctor(config);
    onlyFailure(r, "FAIL  SSH host keys in " + keys + ": others than the owner may read " + rsa
        + " (0644 rw-r--r--): a host key must be mode 0600");
  }

  @Test
  void aClockFiveMinutesOffAnUpstreams_fails_thoughItsRefsList() throws Exception {
    Requires.tools("faketime", "python3");
    // the upstream's clock, not this JVM's, is off: C git's http-backend behind Python's HTTP
    // server (as CGI), both under libfaketime, whose Date header is 5 minutes behind
    Path root = Files.createDirectories(dir.resolve("skewed"));
    Path repos = Files.createDirectories(root.resolve("repos/acme"));
    Map<String, String> env = new java.util.HashMap<>(ClientProcess.baseEnvironment());
    env.put("HOME", Files.createDirectories(dir.resolve("git-home")).toString());
    ClientProcess.run(repos, env, List.of("git", "clone", "-q", "--bare",
        peer.upstream().bare("acme/lib").toString(), "lib.git"), null).assertOk();
    Path cgi = Files.createDirectories(root.resolve("cgi-bin")).resolve("git");
    // Python runs CGI programs as nobody when it runs as root: nobody must reach the program
    // and may read the repository, which root owns (git's safe.directory)
    Files.writeString(cgi, "#!/bin/sh\nexport GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=safe.directory"
        + " GIT_CONFIG_VALUE_0='*'\nexec git http-backend\n");
    Files.setPosixFilePermissions(cgi, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
    ProcessBuilder pb = new ProcessBuilder("faketime", "-f", "-5m", "python3", "-u", "-m",
        "http.server", "--cgi", "0", "--bind", "127.0.0.1", "--directory", root.toString())
        .redirectErrorStream(true);
    pb.environment().putAll(env);
    pb.environment().put("GIT_PROJECT_ROOT", root.resolve("repos").toString());
    pb.environment().put("GIT_HTTP_EXPORT_ALL", "1");
    pb.environment().put("FAKETIME_DONT_FAKE_MONOTONIC", "1");
    Process server = pb.start();
    try {
      BufferedReader lines = new BufferedReader(new InputStreamReader(server.getInputStream(),
          StandardCharsets.UTF_8));
      String first = lines.readLine();
      Matcher m = Pattern.compile("Serving HTTP on 127\\.0\\.0\\.1 port (\\d+) .*")
          .matcher(String.valueOf(first));
      assertTrue(m.matches(), "python3 -m http.server said: " + first);
      Thread drain = new Thread(() -> lines.lines().forEach(l -> { }), "python-http-log");
      drain.setDaemon(true);
      drain.start();
      String url = "http://127.0.0.1:" + m.group(1) + "/cgi-bin/git";
      Path config = config("skew", c -> c.replace(upstreamUrl + "/acme\n"
          + "    credentials: { tokenFile: upstream.token }\n    repos: [lib, app]",
          url + "/acme\n    repos: [lib]"));
      Run r = doctor(config);
      r.line("ok    upstream github.com/acme/lib (" + url + "/acme/lib.git): 3 refs listed in ");
      String origin = "http://127.0.0.1:" + m.group(1);
      String fail = onlyFailure(r, "FAIL  clock vs " + origin + " (upstream github.com/acme):"
          + " this machine's clock is ");
      Matcher off = Pattern.compile(".* is (\\d+)\\.\\d s ahead of its Date header: OIDC tokens"
          + " and SSH certificates are checked against this clock .*").matcher(fail);
      assertTrue(off.matches(), fail);
      int seconds = Integer.parseInt(off.group(1));
      assertTrue(seconds >= 298 && seconds <= 302, "5 minutes, give or take: " + fail);
    } finally {
      // faketime runs python as its child, which outlives it unless stopped too
      server.descendants().forEach(ProcessHandle::destroy);
      server.destroy();
      server.waitFor();
    }
  }
}
