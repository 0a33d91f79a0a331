package io.gitedge.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitedge.config.ConfigException;
import io.gitedge.config.ConfigNode;
import io.gitedge.store.MirrorPolicy;
import io.gitedge.store.Upstream;
import java.io.StringReader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each section reader on its own: what an absent key means, and where a bad one is named. */
class SectionReadersTest {
  @TempDir Path dir;

  /** The value of the one top-level key of {@code yaml}. */
  private ConfigNode section(String yaml) throws ConfigException {
    return ConfigNode.parse("gitedge.yaml", dir, new StringReader(yaml)).asMap()
        .require(yaml.substring(0, yaml.indexOf(':')));
  }

  private ConfigException error(ThrowingRead read) {
    return assertThrows(ConfigException.class, read::run);
  }

  private interface ThrowingRead {
    void run() throws ConfigException;
  }

  @Test
  void http_defaults_andItsRequestSizeLimit() throws Exception {
    HttpConfig c = HttpConfigReader.read(section("http:\n  listen: 127.0.0.1:0\n"));
    assertEquals(new HttpConfig("127.0.0.1", 0, Optional.empty(), new HttpConfig.Tls.Generated(),
        Duration.ofMinutes(5), 64L << 20), c);
    ConfigException e = error(() -> HttpConfigReader.read(section(
        "http:\n  listen: 127.0.0.1:0\n  maxRequestSize: 2048\n")));
    assertEquals("gitedge.yaml:3: http.maxRequestSize: must be between 1 and 1024, got 2048",
        e.getMessage());
  }

  @Test
  void http_tlsIsOffGeneratedOrFiles() throws Exception {
    assertInstanceOf(HttpConfig.Tls.Off.class, HttpConfigReader.read(section(
        "http:\n  listen: 127.0.0.1:0\n  tls: off\n")).tls());
    ConfigException e = error(() -> HttpConfigReader.read(section(
        "http:\n  listen: 127.0.0.1:0\n  tls: on\n")));
    assertEquals("gitedge.yaml:3: http.tls: expected \"off\" or a mapping with certFile and"
        + " keyFile", e.getMessage());
  }

  @Test
  void ssh_defaults_andItsLimits() throws Exception {
    assertEquals(new SshConfig("::1", 2222, Duration.ofMinutes(10), Duration.ofMinutes(5), 256,
        32, 64, Duration.ofSeconds(30)), SshConfigReader.read(section("ssh:\n  listen: \"[::1]:2222\"\n")));
    ConfigException e = error(() -> SshConfigReader.read(section(
        "ssh:\n  listen: 127.0.0.1:70000\n")));
    assertEquals("gitedge.yaml:2: ssh.listen: port must be between 0 and 65535, got 70000",
        e.getMessage());
    e = error(() -> SshConfigReader.read(section(
        "ssh:\n  listen: 127.0.0.1:0\n  maxSessions: 0\n")));
    assertEquals("ssh.maxSessions", e.key());
    assertEquals(3, e.line());
  }

  @Test
  void access_readsNoAnonymousReadsByDefault() throws Exception {
    AccessConfig c = AccessConfigReader.read(section("""
        access:
          rules:
            - repos: "github.com/acme/**"
              users: ["*"]
        """));
    assertEquals(false, c.anonymousRead());
    assertEquals(1, c.rules().size());
    assertEquals(AccessConfigReader.DEFAULT, AccessConfigReader.read(section("access: {}\n")));
  }

  @Test
  void upstream_defaults_andAMirrorListedTwice() throws Exception {
    Files.writeString(dir.resolve("acme.token"), "t\n");
    UpstreamConfig u = UpstreamConfigReader.read(section("""
        upstreams:
          - prefix: github.com/acme
            url: https://github.com/acme
            credentials: { tokenFile: acme.token }
            repos: [lib]
        """)).get(0);
    assertEquals(Duration.ofMinutes(5), u.syncInterval());
    assertEquals(".git", u.route().urlSuffix());
    assertEquals(MirrorPolicy.DEFAULT, u.policy());
    assertEquals(Optional.empty(), u.freshness());
    assertEquals(false, u.mirrorOnDemand());
    assertEquals(Optional.of(new Upstream.Token("x-access-token", dir.resolve("acme.token"))),
        u.route().credentials());
    ConfigException e = error(() -> UpstreamConfigReader.read(section("""
        upstreams:
          - prefix: github.com/acme
            url: https://github.com/acme
            repos: [lib]
          - prefix: github.com
            url: https://github.com
            repos: [acme/lib]
        """)));
    assertEquals("gitedge.yaml:7: upstreams[1].repos[0]: github.com/acme/lib is listed twice",
        e.getMessage());
  }

  @Test
  void upstream_aNearerGatewayAsTier_withTheOriginAsFallback() throws Exception {
    Files.writeString(dir.resolve("eu.token"), "t\n");
    Files.writeString(dir.resolve("origin.token"), "o\n");
    UpstreamConfig u = UpstreamConfigReader.read(section("""
        upstreams:
          - prefix: github.com/acme
            url: https://git.eu.example.com/github.com/acme
            credentials: { tokenFile: eu.token, username: ap }
            fallbackUrl: https://github.com/acme
            fallbackCredentials: { tokenFile: origin.token }
            repos: [lib]
        """)).get(0);
    Upstream lib = u.route().upstreamFor(io.gitedge.store.MirrorName.parse(
        "github.com/acme/lib")).orElseThrow();
    assertEquals("https://git.eu.example.com/github.com/acme/lib.git", lib.url());
    Upstream fallback = lib.fallback().orElseThrow();
    assertEquals("https://github.com/acme/lib.git", fallback.url());
    assertEquals(Optional.of(new Upstream.Token("x-access-token", dir.resolve("origin.token"))),
        fallback.credentials());
    assertEquals(Optional.empty(), fallback.fallback());

    ConfigException same = error(() -> UpstreamConfigReader.read(section("""
        upstreams:
          - prefix: github.com/acme
            url: https://github.com/acme
            fallbackUrl: https://github.com/acme/
            repos: [lib]
        """)));
    assertEquals("gitedge.yaml:4: upstreams[0].fallbackUrl: is the same as url: a fallback is"
        + " another way to the repositories (the origin behind a nearer gateway)",
        same.getMessage());
    ConfigException alone = error(() -> UpstreamConfigReader.read(section("""
        upstreams:
          - prefix: github.com/acme
            url: https://github.com/acme
            fallbackCredentials: { tokenFile: origin.token }
            repos: [lib]
        """)));
    assertEquals("upstreams[0].fallbackCredentials", alone.key());
    assertEquals(true, alone.getMessage().endsWith("needs fallbackUrl beside it"),
        alone.getMessage());
    Files.writeString(dir.resolve("empty.pem"), "no certificate here\n");
    ConfigException ca = error(() -> UpstreamConfigReader.read(section("""
        upstreams:
          - prefix: github.com/acme
            url: https://git.eu.example.com/github.com/acme
            caFile: empty.pem
            repos: [lib]
        """)));
    assertEquals("upstreams[0].caFile", ca.key());
    assertEquals(4, ca.line());
  }

  @Test
  void peers_timeOutAfterTenSecondsByDefault_andAreAMapping() throws Exception {
    Files.writeString(dir.resolve("peer.secret"), "s\n");
    PeersConfig p = PeersConfigReader.read(section("""
        peers:
          urls: [https://git.us.example.com/]
          secretFile: peer.secret
        """));
    assertEquals(new PeersConfig(List.of(URI.create("https://git.us.example.com")),
        dir.resolve("peer.secret"), Optional.empty(), Optional.empty(), Duration.ofSeconds(10)),
        p);
    ConfigException e = error(() -> PeersConfigReader.read(section(
        "peers:\n  - https://git.us.example.com\n")));
    assertEquals(2, e.line());
    assertEquals("peers", e.key());
  }

  @Test
  void peers_tokenFile_isOptional_andMustBeAReadableFile() throws Exception {
    Files.writeString(dir.resolve("peer.secret"), "s\n");
    Files.writeString(dir.resolve("fleet.token"), "gte_x\n");
    PeersConfig p = PeersConfigReader.read(section("""
        peers:
          urls: []
          secretFile: peer.secret
          tokenFile: fleet.token
        """));
    assertEquals(Optional.of(dir.resolve("fleet.token")), p.tokenFile());
    ConfigException missing = error(() -> PeersConfigReader.read(section(
        "peers:\n  urls: []\n  secretFile: peer.secret\n  tokenFile: nowhere.token\n")));
    assertEquals("gitedge.yaml:4: peers.tokenFile: file not found: " + dir.resolve("nowhere.token"),
        missing.getMessage());
    ConfigException typo = error(() -> PeersConfigReader.read(section(
        "peers:\n  urls: []\n  secretFile: peer.secret\n  tokenfile: fleet.token\n")));
    assertEquals(4, typo.line());
    assertTrue(typo.getMessage().contains("tokenFile"), typo.getMessage());
  }

  @Test
  void eventsKafka_defaultsToTheFleetTopic_andPassesKafkasOwnSettingsThrough() throws Exception {
    Files.writeString(dir.resolve("fleet.secret"), "s\n");
    EventsConfig e = EventsConfigReader.read(section("""
        events:
          kafka:
            bootstrapServers: "k1.example.com:9092, k2.example.com:9093"
            secretFile: fleet.secret
            properties:
              security.protocol: SASL_SSL
              sasl.mechanism: SCRAM-SHA-512
              request.timeout.ms: 30000
        """));
    assertEquals(Optional.of(new KafkaConfig(List.of("k1.example.com:9092", "k2.example.com:9093"),
        "gitedge-events", dir.resolve("fleet.secret"), Optional.empty(), java.util.Map.of(
            "security.protocol", "SASL_SSL", "sasl.mechanism", "SCRAM-SHA-512",
            "request.timeout.ms", "30000"))), e.kafka());
    KafkaConfig listed = EventsConfigReader.read(section("""
        events:
          kafka:
            bootstrapServers: ["[::1]:9092", "127.0.0.1:9092"]
            topic: fleet.events
            groupId: gitedge-eu-west-a
            secretFile: fleet.secret
        """)).kafka().orElseThrow();
    assertEquals(List.of("[::1]:9092", "127.0.0.1:9092"), listed.bootstrapServers());
    assertEquals("fleet.events", listed.topic());
    assertEquals(Optional.of("gitedge-eu-west-a"), listed.groupId());
    assertEquals(EventsConfig.NONE, EventsConfigReader.read(section("events: {}\n")));
  }

  @Test
  void eventsKafka_namesTheLineOfABadServerTopicOrSetting() throws Exception {
    Files.writeString(dir.resolve("fleet.secret"), "s\n");
    String head = "events:\n  kafka:\n    secretFile: fleet.secret\n";
    assertEquals("gitedge.yaml:4: events.kafka.bootstrapServers: expected host:port of each broker"
        + " (port 1 to 65535), e.g. \"k1:9092,k2:9092\", got \"kafka\"", error(() ->
        EventsConfigReader.read(section(head + "    bootstrapServers: k1:9092,kafka\n")))
        .getMessage());
    String ok = head + "    bootstrapServers: k1:9092\n";
    assertEquals("gitedge.yaml:5: events.kafka.topic: a Kafka topic name is 1 to 249 letters,"
        + " digits, '.', '_' and '-', got \"git edge\"", error(() -> EventsConfigReader.read(
        section(ok + "    topic: git edge\n"))).getMessage());
    assertEquals("gitedge.yaml:6: events.kafka.properties.group.id: set by the gateway: set"
        + " groupId instead", error(() -> EventsConfigReader.read(section(ok
        + "    properties:\n      group.id: mine\n"))).getMessage());
    assertEquals("gitedge.yaml:6: events.kafka.properties.sasl.mechansim: not a setting of"
        + " Kafka's producer, consumer or admin client", error(() -> EventsConfigReader.read(
        section(ok + "    properties:\n      sasl.mechansim: PLAIN\n"))).getMessage());
    ConfigException badValue = error(() -> EventsConfigReader.read(section(ok
        + "    properties:\n      security.protocol: SSH\n")));
    assertEquals("events.kafka.properties.security.protocol", badValue.key());
    assertEquals(6, badValue.line());
    assertTrue(badValue.getMessage().contains("SSH"), badValue.getMessage());
    ConfigException unknown = error(() -> EventsConfigReader.read(section(ok
        + "    topics: a\n")));
    assertEquals("events.kafka.topics", unknown.key());
    assertTrue(unknown.getMessage().contains("did you mean topic?"), unknown.getMessage());
    assertEquals("events.kafka.secretFile", error(() -> EventsConfigReader.read(section(
        "events:\n  kafka:\n    bootstrapServers: k1:9092\n    secretFile: none.secret\n")))
        .key());
    assertEquals("events.rabbit", error(() -> EventsConfigReader.read(section(
        "events:\n  rabbit: {}\n"))).key());
  }

  @Test
  void packCache_namesTheMemoryAnEntryMustFitIn() {
    ConfigException e = error(() -> PackCacheConfigReader.read(section(
        "packCache:\n  maxEntry: 512MiB\n")));
    assertEquals("gitedge.yaml:2: packCache.maxEntry: at most memory (256MiB, the default): one"
        + " entry must fit in the memory tier", e.getMessage());
  }

  @Test
  void goProxy_isOnWithTwoGibibytesOfZips_unlessSaidOtherwise() throws Exception {
    assertEquals(GoProxyConfig.DEFAULTS, GoProxyConfigReader.read(section("goProxy: {}\n")));
    assertEquals(new GoProxyConfig(false, 512L << 20), GoProxyConfigReader.read(section(
        "goProxy:\n  enabled: false\n  zipCache: 512MiB\n")));
    assertEquals("gitedge.yaml:2: goProxy.zipCache: must be at least 1 byte and fit in 8 EiB, got \"0\"",
        error(() -> GoProxyConfigReader.read(section("goProxy:\n  zipCache: 0\n")))
            .getMessage());
    assertEquals("goProxy.cache", error(() -> GoProxyConfigReader.read(section(
        "goProxy:\n  cache: 1GiB\n"))).key());
  }

  @Test
  void shutdown_drainsForThirtySecondsByDefault_zeroStopsAtOnce() throws Exception {
    assertEquals(Duration.ofSeconds(30), ShutdownConfigReader.read(section("shutdown: {}\n"))
        .drainTimeout());
    assertEquals(Duration.ZERO, ShutdownConfigReader.read(section(
        "shutdown:\n  drainTimeout: 0s\n")).drainTimeout());
    assertEquals("shutdown.drainTimeout", error(() -> ShutdownConfigReader.read(section(
        "shutdown:\n  drainTimeout: soon\n"))).key());
    assertEquals("shutdown.timeout", error(() -> ShutdownConfigReader.read(section(
        "shutdown:\n  timeout: 5s\n"))).key());
  }

  @Test
  void jgit_keepsTheHeapDefaultsForKeysNotGiven() throws Exception {
    JGitConfig d = JGitConfig.defaults();
    JGitConfig c = JGitConfigReader.read(section("jgit:\n  packedGitOpenFiles: 512\n"));
    assertEquals(new JGitConfig(d.packedGitLimit(), d.packedGitWindowSize(), 512,
        d.deltaBaseCacheLimit(), d.streamFileThreshold()), c);
    ConfigException e = error(() -> JGitConfigReader.read(section(
        "jgit:\n  packedGitOpenFiles: 8\n")));
    assertEquals("gitedge.yaml:2: jgit.packedGitOpenFiles: must be between 16 and 65536, got 8",
        e.getMessage());
  }

  @Test
  void jgit_aWindowLargerThanTheDefaultLimit_raisesTheLimitToHoldIt() throws Exception {
    JGitConfig smallHeap = new JGitConfig(64L << 20, 64 << 10, 256, 8 << 20, 50 << 20);
    JGitConfig c = JGitConfigReader.read(section("jgit:\n  packedGitWindowSize: 128MiB\n"),
        smallHeap);
    assertEquals(128 << 20, c.packedGitWindowSize());
    assertEquals(128L << 20, c.packedGitLimit());
  }
}
