package io.gitedge.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitedge.config.ConfigException;
import io.gitedge.store.MirrorName;
import io.gitedge.store.Upstream;
import io.gitedge.store.UpstreamRoute;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  @TempDir Path dir;

  @BeforeEach
  void files() throws Exception {
    Files.writeString(dir.resolve("identity.yaml"), "users: {}\n");
    Files.writeString(dir.resolve("acme.token"), "t\n");
  }

  private GatewayConfig load(String yaml) throws ConfigException {
    try {
      Path f = Files.writeString(dir.resolve("gitedge.yaml"), yaml);
      return ConfigLoader.load(f);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private ConfigException error(String yaml) {
    return assertThrows(ConfigException.class, () -> load(yaml));
  }

  private static final String FULL = """
      region: eu-west
      dataDir: ./data
      http:
        listen: 127.0.0.1:8443
        publicUrl: https://git.eu.example.com
        tls:
      identity:
        file: identity.yaml
      access:
        anonymousRead: false
        rules:
          - repos: "github.com/acme/**"
            groups: [eng]
      upstreams:
        - prefix: github.com/acme
          url: https://github.com/acme
          credentials: { tokenFile: acme.token, username: x-access-token }
          repos: [lib, app]
          syncInterval: 5m
      """;

  @Test
  void theDocumentedExample_loadsIntoTypedRecords() throws Exception {
    GatewayConfig c = load(FULL);
    assertEquals("eu-west", c.region());
    assertEquals(dir.resolve("data"), c.dataDir());
    assertEquals("127.0.0.1", c.http().listenHost());
    assertEquals(8443, c.http().listenPort());
    assertEquals(Optional.of(URI.create("https://git.eu.example.com")), c.http().publicUrl());
    assertInstanceOf(HttpConfig.Tls.Generated.class, c.http().tls());
    assertEquals(dir.resolve("identity.yaml"), c.identity().file());
    UpstreamConfig u = c.upstreams().get(0);
    assertEquals(List.of(MirrorName.parse("github.com/acme/lib"),
        MirrorName.parse("github.com/acme/app")), u.repos());
    assertEquals(Duration.ofMinutes(5), u.syncInterval());
    assertEquals("https://github.com/acme/lib.git",
        u.route().upstreamFor(MirrorName.parse("github.com/acme/lib")).orElseThrow().url());
    assertEquals(new Upstream.Token("x-access-token", dir.resolve("acme.token")),
        u.route().credentials().orElseThrow());
    assertEquals(4, c.sync().workers());
  }

  @Test
  void theOrigin_knowsTheLinesOfTheKeysStartupErrorsAreReportedAgainst() throws Exception {
    Files.writeString(dir.resolve("tls.crt"), "c\n");
    Files.writeString(dir.resolve("tls.key"), "k\n");
    Files.writeString(dir.resolve("peer.secret"), "s\n");
    Files.writeString(dir.resolve("peers-ca.pem"), "c\n");
    Files.writeString(dir.resolve("fleet.token"), "t\n");
    GatewayConfig config = load(FULL.replace("  tls:\n",
        "  tls:\n    certFile: tls.crt\n    keyFile: tls.key\n") + """
        ssh:
          listen: 127.0.0.1:0
        peers:
          urls: []
          secretFile: peer.secret
          caFile: peers-ca.pem
          tokenFile: fleet.token
        """);
    ConfigOrigin origin = config.origin();
    assertEquals(Optional.of(dir.resolve("fleet.token")), config.peers().orElseThrow().tokenFile());
    assertEquals(dir.resolve("gitedge.yaml") + ":4: http.listen: in use",
        origin.error("http.listen", "in use", null).getMessage());
    assertEquals(2, origin.error("dataDir", "x", null).line());
    assertEquals(7, origin.error("http.tls.certFile", "x", null).line());
    assertEquals(23, origin.error("ssh.listen", "x", null).line());
    assertEquals(27, origin.error("peers.caFile", "x", null).line());
  }

  @Test
  void jgitTuning_defaultsToAQuarterOfTheHeap_andTakesSizes() throws Exception {
    JGitConfig d = load(FULL).jgit();
    assertEquals(Math.max(64L << 20, Math.min(1L << 30, Runtime.getRuntime().maxMemory() / 4)),
        d.packedGitLimit());
    assertEquals(64 << 10, d.packedGitWindowSize());
    JGitConfig c = load(FULL + """
        jgit:
          packedGitLimit: 2GiB
          packedGitWindowSize: 128KiB
          packedGitOpenFiles: 512
          deltaBaseCacheLimit: 256MiB
          streamFileThreshold: 100MiB
        """).jgit();
    assertEquals(new JGitConfig(2L << 30, 128 << 10, 512, 256 << 20, 100 << 20), c);
  }

  @Test
  void jgitWindowsThatAreNotAPowerOfTwo_orLargerThanTheLimit_areRefused() {
    ConfigException w = error(FULL + "jgit:\n  packedGitWindowSize: 100KiB\n");
    assertTrue(w.getMessage().contains("gitedge.yaml:21: jgit.packedGitWindowSize: must be a power"
        + " of two"), w.getMessage());
    ConfigException l = error(FULL + "jgit:\n  packedGitLimit: 8KiB\n");
    assertTrue(l.getMessage().contains("jgit.packedGitLimit: must be at least"
        + " packedGitWindowSize"), l.getMessage());
    ConfigException big = error(FULL + "jgit:\n  deltaBaseCacheLimit: 4GiB\n");
    assertTrue(big.getMessage().contains("must be below 2GiB"), big.getMessage());
  }

  @Test
  void tlsOff_meansPlainHttp() throws Exception {
    GatewayConfig c = load(FULL.replace("  tls:\n", "  tls: off\n"));
    assertInstanceOf(HttpConfig.Tls.Off.class, c.http().tls());
  }

  @Test
  void tlsFilesThatDoNotExist_areNamed() {
    ConfigException e = error(FULL.replace("  tls:\n",
        "  tls:\n    certFile: /nope/tls.crt\n    keyFile: /nope/tls.key\n"));
    assertEquals("http.tls.certFile", e.key());
    assertEquals(7, e.line());
  }

  @Test
  void publicUrlWithAPath_isRefused() {
    ConfigException e = error(FULL.replace("https://git.eu.example.com",
        "https://git.eu.example.com/git"));
    assertEquals("http.publicUrl", e.key());
  }

  @Test
  void sshUpstream_takesAKeyAndKnownHosts() throws Exception {
    Files.writeString(dir.resolve("id_ed25519"), "key\n");
    Files.writeString(dir.resolve("known_hosts"), "github.com ssh-ed25519 AAAA\n");
    GatewayConfig c = load(FULL.replace("url: https://github.com/acme", "url: git@github.com:acme")
        .replace("{ tokenFile: acme.token, username: x-access-token }",
            "{ sshKeyFile: id_ed25519, knownHostsFile: known_hosts }"));
    UpstreamRoute r = c.upstreams().get(0).route();
    assertEquals("git@github.com:acme/lib.git",
        r.upstreamFor(MirrorName.parse("github.com/acme/lib")).orElseThrow().url());
    assertEquals(new Upstream.SshKey(dir.resolve("id_ed25519"), dir.resolve("known_hosts")),
        r.credentials().orElseThrow());
  }

  @Test
  void sshUpstreamWithATokenOrNothing_isRefusedWithAWayForward() {
    ConfigException e = error(FULL.replace("url: https://github.com/acme",
        "url: ssh://git@github.com/acme"));
    assertEquals("upstreams[0].credentials.sshKeyFile", e.key());
    e = error(FULL.replace("url: https://github.com/acme", "url: ssh://git@github.com/acme")
        .replace("    credentials: { tokenFile: acme.token, username: x-access-token }\n", ""));
    assertEquals("upstreams[0].url", e.key());
    assertTrue(e.problem().contains("sshKeyFile"), e.getMessage());
  }

  @Test
  void credentialsInTheUrl_areRefused() {
    ConfigException e = error(FULL.replace("url: https://github.com/acme",
        "url: https://x:secret@github.com/acme"));
    assertTrue(e.problem().contains("tokenFile"), e.getMessage());
  }

  @Test
  void missingTokenFile_isNamed() {
    ConfigException e = error(FULL.replace("tokenFile: acme.token", "tokenFile: gone.token"));
    assertEquals("upstreams[0].credentials.tokenFile", e.key());
    assertEquals(17, e.line());
  }

  @Test
  void aRepositoryListedTwice_isRefused() {
    ConfigException e = error(FULL.replace("repos: [lib, app]", "repos: [lib, app, lib.git]"));
    assertEquals("upstreams[0].repos[2]", e.key());
  }

  @Test
  void hostileRepositoryNames_areRefused() {
    ConfigException e = error(FULL.replace("repos: [lib, app]", "repos: [lib, ../../etc]"));
    assertEquals("upstreams[0].repos[1]", e.key());
  }

  @Test
  void anAccessRuleWithoutUsersOrGroups_isRefused() {
    ConfigException e = error(FULL.replace("      groups: [eng]\n", ""));
    assertEquals("access.rules[0]", e.key());
  }

  @Test
  void aBadRegion_isRefused() {
    assertEquals("region", error(FULL.replace("eu-west", "EU West")).key());
  }

  @Test
  void aMissingHttpSection_isNamed() {
    ConfigException e = error("identity:\n  file: identity.yaml\nupstreams: []\n");
    assertEquals("http", e.key());
  }

  @Test
  void packCache_isOnByDefault_withSaneSizes() throws Exception {
    PackCacheConfig c = load(FULL).packCache();
    assertEquals(PackCacheConfig.DEFAULTS, c);
    assertTrue(c.enabled());
    assertEquals(256L << 20, c.memoryBytes());
    assertEquals(2L << 30, c.diskBytes());
    assertEquals(dir.resolve("data/pack-cache"), load(FULL).packCacheDir());
  }

  @Test
  void packCache_sizesAndSwitch_areRead() throws Exception {
    PackCacheConfig c = load(FULL + """
        packCache:
          enabled: false
          memory: 64MiB
          disk: 10GiB
          maxEntry: 512KiB
          leaderWait: 5s
        """).packCache();
    assertEquals(new PackCacheConfig(false, 64L << 20, 10L << 30, 512L << 10,
        Duration.ofSeconds(5)), c);
    assertEquals(8L << 20, load(FULL + "packCache:\n  memory: 8MiB\n").packCache()
        .maxMemoryEntryBytes(), "the default entry limit shrinks to fit a small memory tier");
  }

  @Test
  void packCache_badSizes_areNamedWithTheirLine() {
    ConfigException e = error(FULL + "packCache:\n  memory: 1MiB\n  maxEntry: 2MiB\n");
    assertEquals("packCache.maxEntry", e.key());
    assertEquals(22, e.line());
    e = error(FULL + "packCache:\n  disk: 2GB\n");
    assertEquals("packCache.disk", e.key());
    assertTrue(e.problem().contains("512MiB"), e.getMessage());
    e = error(FULL + "packCache:\n  memory: 4GiB\n  maxEntry: 2GiB\n");
    assertEquals("packCache.maxEntry", e.key());
    assertEquals("packCache.sise", error(FULL + "packCache:\n  sise: 1MiB\n").key());
  }
}
