package io.gitedge.gateway.config;

import io.gitedge.auth.AccessPolicy;
import io.gitedge.auth.IdentityCacheConfig;
import io.gitedge.auth.HttpKeysConfig;
import io.gitedge.auth.IntrospectionConfig;
import io.gitedge.store.MirrorPolicy;
import io.gitedge.auth.OidcConfig;
import io.gitedge.auth.SshKey;
import io.gitedge.config.ConfigException;
import io.gitedge.config.ConfigMap;
import io.gitedge.config.ConfigNode;
import io.gitedge.store.InvalidMirrorNameException;
import io.gitedge.store.MirrorName;
import io.gitedge.store.Upstream;
import io.gitedge.store.UpstreamRoute;
import io.gitedge.sync.PeerSettings;
import io.gitedge.sync.SyncConfig;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a gateway config file into a {@link GatewayConfig}, or stops with one
 * {@link ConfigException} naming file, line and key: unknown keys, bad durations, missing files,
 * malformed addresses and URLs, duplicate mirrors. Relative paths resolve against the folder of
 * the config file. The reference of every key is in the README; defaults are in this class.
 */
public final class ConfigLoader {
  static final Duration DEFAULT_SYNC_INTERVAL = Duration.ofMinutes(5);
  private static final Pattern REGION = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
  private static final Pattern LISTEN = Pattern.compile("(\\[[0-9a-fA-F:.]+]|[^:\\s]+):(\\d{1,5})");
  private static final Set<String> UPSTREAM_SCHEMES = Set.of("https", "http", "ssh", "file");
  private static final Pattern SCP_LIKE = Pattern.compile("[A-Za-z0-9._-]+@[^:/]+:[^/].*");

  private final String file;
  private final Path baseDir;

  private ConfigLoader(Path file) {
    this.file = file.toString();
    this.baseDir = file.toAbsolutePath().getParent();
  }

  /** Loads and validates {@code file}. */
  public static GatewayConfig load(Path file) throws ConfigException {
    return new ConfigLoader(file).load(ConfigNode.read(file));
  }

  private GatewayConfig load(ConfigNode root) throws ConfigException {
    ConfigMap top = root.asMap();
    String region = "default";
    ConfigNode r = node(top, "region");
    if (r != null) {
      region = r.asString();
      if (!REGION.matcher(region).matches()) {
        throw r.error("a region is lower-case letters, digits and hyphens, e.g. eu-west");
      }
    }
    ConfigNode d = node(top, "dataDir");
    Path dataDir = d != null ? d.asPath() : baseDir.resolve("data");
    HttpConfig http = http(top.require("http"));
    ConfigNode sshNode = node(top, "ssh");
    Optional<SshConfig> ssh = sshNode == null ? Optional.empty() : Optional.of(ssh(sshNode));
    IdentityConfig identity = identity(top.require("identity"));
    ConfigNode a = node(top, "access");
    AccessConfig access = a != null ? access(a) : new AccessConfig(false, List.of());
    ConfigNode s = node(top, "sync");
    SyncConfig sync = s == null ? SyncConfig.DEFAULT : SyncConfig.read(s);
    PackCacheConfig packCache = packCache(node(top, "packCache"));
    List<UpstreamConfig> upstreams = upstreams(top.require("upstreams"));
    ConfigNode p = node(top, "peers");
    Optional<PeerSettings> peers = p == null ? Optional.empty() : Optional.of(peers(p));
    JGitConfig jgit = jgit(node(top, "jgit"));
    top.finish();
    return new GatewayConfig(region, dataDir, http, ssh, identity, access, sync, packCache,
        upstreams, peers, jgit, new ConfigOrigin(file, root.lines()));
  }

  private PeerSettings peers(ConfigNode n) throws ConfigException {
    if (n.isList()) {
      throw n.error("expected a mapping: urls (the other regions' gateways), secretFile (the"
          + " secret all regions share), and optionally caFile and timeout");
    }
    ConfigMap m = n.asMap();
    List<URI> urls = new ArrayList<>();
    for (ConfigNode u : m.require("urls").asList()) {
      URI url = publicUrl(u);
      if (urls.contains(url)) {
        throw u.error("listed twice");
      }
      urls.add(url);
    }
    PeerSettings s = new PeerSettings(urls, existingFile(m.require("secretFile")), caFile(m),
        duration(m, "timeout", Duration.ofSeconds(10)));
    m.finish();
    return s;
  }

  private record Address(String host, int port) {}

  private Address listen(ConfigNode listen, String example) throws ConfigException {
    var matcher = LISTEN.matcher(listen.asString());
    if (!matcher.matches()) {
      throw listen.error("expected host:port, e.g. " + example + ", got \""
          + listen.asString() + "\"");
    }
    String host = matcher.group(1).replaceAll("^\\[|]$", "");
    int port = Integer.parseInt(matcher.group(2));
    if (port > 65535) {
      throw listen.error("port must be between 0 and 65535, got " + port);
    }
    try {
      InetAddress.getByName(host);
    } catch (UnknownHostException e) {
      throw listen.error("cannot resolve host \"" + host + "\"");
    }
    return new Address(host, port);
  }

  private SshConfig ssh(ConfigNode n) throws ConfigException {
    ConfigMap m = n.asMap();
    Address a = listen(m.require("listen"), "127.0.0.1:2222 or 0.0.0.0:22");
    ConfigNode idle = node(m, "idleTimeout");
    ConfigNode io = node(m, "ioTimeout");
    ConfigNode max = node(m, "maxSessions");
    ConfigNode perAddress = node(m, "maxSessionsPerAddress");
    ConfigNode unauthenticated = node(m, "maxUnauthenticatedSessions");
    SshConfig c = new SshConfig(a.host(), a.port(),
        idle != null ? idle.asPositiveDuration() : Duration.ofMinutes(10),
        io != null ? io.asPositiveDuration() : Duration.ofMinutes(5),
        max != null ? max.asInt(1, 100_000) : 256,
        perAddress != null ? perAddress.asInt(1, 100_000) : 32,
        unauthenticated != null ? unauthenticated.asInt(1, 100_000) : 64);
    m.finish();
    return c;
  }

  private HttpConfig http(ConfigNode n) throws ConfigException {
    ConfigMap m = n.asMap();
    Address a = listen(m.require("listen"), "127.0.0.1:8443 or 0.0.0.0:443");
    String host = a.host();
    int port = a.port();
    Optional<URI> publicUrl = Optional.empty();
    ConfigNode pu = node(m, "publicUrl");
    if (pu != null) {
      publicUrl = Optional.of(publicUrl(pu));
    }
    HttpConfig.Tls tls = new HttpConfig.Tls.Generated();
    if (m.has("tls")) {
      ConfigNode t = m.get("tls").orElse(null);
      if (t != null && t.isScalar()) {
        if (!t.asString().equals("off")) {
          throw t.error("expected \"off\" or a mapping with certFile and keyFile");
        }
        tls = new HttpConfig.Tls.Off();
      } else if (t != null) {
        ConfigMap tm = t.asMap();
        Path cert = existingFile(tm.require("certFile"));
        Path key = existingFile(tm.require("keyFile"));
        tm.finish();
        tls = new HttpConfig.Tls.Files(cert, key);
      }
    }
    ConfigNode idle = node(m, "idleTimeout");
    Duration idleTimeout = idle != null ? idle.asPositiveDuration() : Duration.ofMinutes(5);
    ConfigNode max = node(m, "maxRequestSize");
    long maxRequest = max != null ? max.asInt(1, 1024) * 1024L * 1024L : 64L * 1024 * 1024;
    m.finish();
    return new HttpConfig(host, port, publicUrl, tls, idleTimeout, maxRequest);
  }

  private static URI publicUrl(ConfigNode n) throws ConfigException {
    String s = n.asNonBlankString();
    try {
      URI u = new URI(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
      if (!"https".equals(u.getScheme()) && !"http".equals(u.getScheme())) {
        throw n.error("expected an https:// (or http://) URL, got \"" + s + "\"");
      }
      if (u.getHost() == null || u.getQuery() != null || u.getFragment() != null
          || u.getUserInfo() != null || !(u.getPath() == null || u.getPath().isEmpty())) {
        throw n.error("expected scheme://host[:port] without path, user or query, got \"" + s
            + "\"");
      }
      return u;
    } catch (URISyntaxException e) {
      throw n.error("not a URL: \"" + s + "\"");
    }
  }

  private IdentityConfig identity(ConfigNode n) throws ConfigException {
    ConfigMap m = n.asMap();
    Path f = existingFile(m.require("file"));
    List<SshKey> cas = sshKeys(m.list("sshCertificateAuthorities"));
    List<SshKey> revoked = sshKeys(m.list("sshRevokedKeys"));
    Optional<OidcConfig> oidc = m.get("oidc", OidcConfig::read);
    Optional<IntrospectionConfig> introspection = m.get("introspection", IntrospectionConfig::read);
    Optional<HttpKeysConfig> httpKeys = m.get("httpKeys", HttpKeysConfig::read);
    IdentityCacheConfig cache = IdentityCacheConfig.read(m);
    m.finish();
    return new IdentityConfig(f, oidc, introspection, httpKeys, cas, revoked, cache);
  }

  private Duration duration(ConfigMap m, String key, Duration fallback) throws ConfigException {
    ConfigNode n = node(m, key);
    return n == null ? fallback : n.asDuration();
  }

  private Optional<Path> caFile(ConfigMap m) throws ConfigException {
    ConfigNode c = node(m, "caFile");
    return c == null ? Optional.empty() : Optional.of(existingFile(c));
  }

  private static List<SshKey> sshKeys(List<ConfigNode> lines) throws ConfigException {
    List<SshKey> keys = new ArrayList<>();
    for (ConfigNode line : lines) {
      try {
        keys.add(SshKey.fromOpenSshLine(line.asNonBlankString()));
      } catch (IllegalArgumentException e) {
        throw line.error(e.getMessage());
      }
    }
    return keys;
  }

  private static AccessConfig access(ConfigNode n) throws ConfigException {
    ConfigMap m = n.asMap();
    boolean anonymous = false;
    if (m.get("anonymousRead").isPresent()) {
      anonymous = m.require("anonymousRead").asBoolean();
    }
    List<AccessPolicy.Rule> rules = new ArrayList<>();
    for (ConfigNode rn : m.list("rules")) {
      ConfigMap rm = rn.asMap();
      ConfigNode repos = rm.require("repos");
      Set<String> users = new LinkedHashSet<>();
      for (ConfigNode u : rm.list("users")) {
        users.add(u.asNonBlankString());
      }
      Set<String> groups = new LinkedHashSet<>();
      for (ConfigNode g : rm.list("groups")) {
        groups.add(g.asNonBlankString());
      }
      rm.finish();
      try {
        rules.add(new AccessPolicy.Rule(repos.asNonBlankString(), users, groups));
      } catch (IllegalArgumentException e) {
        throw rn.error(e.getMessage());
      }
    }
    m.finish();
    return new AccessConfig(anonymous, rules);
  }

  private JGitConfig jgit(ConfigNode n) throws ConfigException {
    JGitConfig d = JGitConfig.defaults();
    if (n == null) {
      return d;
    }
    ConfigMap m = n.asMap();
    ConfigNode limit = node(m, "packedGitLimit");
    ConfigNode window = node(m, "packedGitWindowSize");
    ConfigNode files = node(m, "packedGitOpenFiles");
    ConfigNode delta = node(m, "deltaBaseCacheLimit");
    ConfigNode stream = node(m, "streamFileThreshold");
    int windowSize = window == null ? d.packedGitWindowSize() : intSize(window);
    if (window != null && (Integer.bitCount(windowSize) != 1 || windowSize < 4096)) {
      throw window.error("must be a power of two of at least 4KiB, e.g. 64KiB");
    }
    long packLimit = limit == null ? d.packedGitLimit() : limit.asByteSize();
    if (limit != null && packLimit < windowSize) {
      throw limit.error("must be at least packedGitWindowSize (" + windowSize + " bytes)");
    }
    JGitConfig c = new JGitConfig(packLimit, windowSize,
        files == null ? d.packedGitOpenFiles() : files.asInt(16, 65536),
        delta == null ? d.deltaBaseCacheLimit() : intSize(delta),
        stream == null ? d.streamFileThreshold() : intSize(stream));
    m.finish();
    return c;
  }

  private static int intSize(ConfigNode n) throws ConfigException {
    long v = n.asByteSize();
    if (v > Integer.MAX_VALUE) {
      throw n.error("must be below 2GiB");
    }
    return (int) v;
  }

  private PackCacheConfig packCache(ConfigNode n) throws ConfigException {
    PackCacheConfig d = PackCacheConfig.DEFAULTS;
    if (n == null) {
      return d;
    }
    ConfigMap m = n.asMap();
    ConfigNode e = node(m, "enabled");
    boolean enabled = e == null || e.asBoolean();
    ConfigNode mem = node(m, "memory");
    long memory = mem == null ? d.memoryBytes() : mem.asByteSize();
    ConfigNode disk = node(m, "disk");
    long diskBytes = disk == null ? d.diskBytes() : disk.asByteSize();
    ConfigNode max = node(m, "maxEntry");
    long maxEntry = max == null ? Math.min(d.maxMemoryEntryBytes(), memory) : max.asByteSize();
    if (max != null && maxEntry > PackCacheConfig.MAX_MEMORY_ENTRY) {
      throw max.error("at most 1GiB: larger responses go to disk");
    }
    if (maxEntry > memory) {
      throw max.error("at most memory (" + (mem == null ? "256MiB, the default"
          : mem.asString().strip()) + "): one entry must fit in the memory tier");
    }
    Duration leaderWait = duration(m, "leaderWait", d.leaderWait());
    m.finish();
    return new PackCacheConfig(enabled, memory, diskBytes, maxEntry, leaderWait);
  }

  private List<UpstreamConfig> upstreams(ConfigNode n) throws ConfigException {
    List<UpstreamConfig> out = new ArrayList<>();
    Set<String> prefixes = new HashSet<>();
    Set<MirrorName> names = new HashSet<>();
    for (ConfigNode un : n.asList()) {
      ConfigMap m = un.asMap();
      ConfigNode p = m.require("prefix");
      String prefix = p.asNonBlankString().replaceAll("/+$", "");
      try {
        MirrorName.parse(prefix + "/x");
      } catch (InvalidMirrorNameException e) {
        throw p.error("a prefix is a host and optional path, e.g. github.com/acme: "
            + e.getMessage());
      }
      if (!prefixes.add(prefix)) {
        throw p.error("prefix " + prefix + " is configured twice");
      }
      ConfigNode url = m.require("url");
      String base = upstreamUrl(url);
      Optional<Upstream.Credentials> credentials = credentials(node(m, "credentials"), url,
          isSsh(base));
      ConfigNode si = node(m, "syncInterval");
      Duration interval = si != null ? si.asPositiveDuration() : DEFAULT_SYNC_INTERVAL;
      ConfigNode suffix = node(m, "urlSuffix");
      MirrorPolicy policy = MirrorPolicy.DEFAULT;
      ConfigNode tags = node(m, "tags");
      if (tags != null) {
        policy = switch (tags.asString()) {
          case "immutable" -> new MirrorPolicy(MirrorPolicy.TagPolicy.IMMUTABLE);
          case "follow" -> new MirrorPolicy(MirrorPolicy.TagPolicy.FOLLOW);
          default -> throw tags.error("expected immutable or follow, got \"" + tags.asString()
              + "\"");
        };
      }
      ConfigNode fresh = node(m, "freshness");
      Optional<Duration> freshness = fresh == null ? Optional.empty()
          : Optional.of(fresh.asPositiveDuration());
      ConfigNode od = node(m, "mirrorOnDemand");
      boolean onDemand = od != null && od.asBoolean();
      ConfigNode ws = node(m, "webhookSecretFile");
      Optional<Path> webhookSecret = ws == null ? Optional.empty()
          : Optional.of(existingFile(ws));
      UpstreamRoute route = new UpstreamRoute(prefix, base, credentials,
          suffix != null ? suffix.asString() : ".git");
      List<MirrorName> repos = new ArrayList<>();
      for (ConfigNode rn : m.list("repos")) {
        String rel = rn.asNonBlankString().replaceAll("^/+", "");
        final MirrorName name;
        try {
          name = MirrorName.parse(prefix + "/" + rel);
        } catch (InvalidMirrorNameException e) {
          throw rn.error("not a usable repository name: " + e.getMessage());
        }
        if (!names.add(name)) {
          throw rn.error(name + " is listed twice");
        }
        repos.add(name);
      }
      m.finish();
      if (repos.isEmpty() && !onDemand) {
        throw un.error("lists no repos and has mirrorOnDemand off: it would mirror nothing");
      }
      out.add(new UpstreamConfig(route, repos, interval, policy, freshness, onDemand,
          webhookSecret));
    }
    return out;
  }

  private static boolean isSsh(String url) {
    return url.startsWith("ssh://") || SCP_LIKE.matcher(url).matches();
  }

  private static String upstreamUrl(ConfigNode n) throws ConfigException {
    String s = n.asNonBlankString().replaceAll("/+$", "");
    if (SCP_LIKE.matcher(s).matches()) {
      return s;
    }
    try {
      URI u = new URI(s);
      if (u.getScheme() == null || !UPSTREAM_SCHEMES.contains(u.getScheme())) {
        throw n.error("expected an https://, http://, ssh:// or file:// URL (or user@host:path),"
            + " got \"" + s + "\"");
      }
      if (u.getRawUserInfo() != null && u.getRawUserInfo().contains(":")) {
        throw n.error("put credentials in credentials.tokenFile, not in the URL");
      }
      if (u.getUserInfo() != null && !"ssh".equals(u.getScheme())) {
        throw n.error("put the user name in credentials.username, not in the URL");
      }
      return s;
    } catch (URISyntaxException e) {
      throw n.error("not a URL: \"" + s + "\"");
    }
  }

  /**
   * {@code { tokenFile, username }} for HTTP upstreams, {@code { sshKeyFile, knownHostsFile }}
   * (both required) for SSH ones.
   */
  private Optional<Upstream.Credentials> credentials(ConfigNode c, ConfigNode url, boolean ssh)
      throws ConfigException {
    if (c == null) {
      if (ssh) {
        throw url.error("an SSH upstream needs credentials: { sshKeyFile: ..., knownHostsFile:"
            + " ... }");
      }
      return Optional.empty();
    }
    ConfigMap cm = c.asMap();
    if (ssh) {
      ConfigNode key = cm.require("sshKeyFile");
      ConfigNode hosts = cm.require("knownHostsFile");
      Upstream.Credentials creds = new Upstream.SshKey(existingFile(key), existingFile(hosts));
      cm.finish();
      return Optional.of(creds);
    }
    Path tokenFile = existingFile(cm.require("tokenFile"));
    ConfigNode user = node(cm, "username");
    cm.finish();
    return Optional.of(new Upstream.Token(
        user != null ? user.asNonBlankString() : "x-access-token", tokenFile));
  }

  private Path existingFile(ConfigNode n) throws ConfigException {
    Path p = n.asPath();
    if (!Files.isRegularFile(p)) {
      throw n.error("file not found: " + p);
    }
    if (!Files.isReadable(p)) {
      throw n.error("file not readable: " + p);
    }
    return p;
  }

  /** The value under {@code key}, or null. */
  private ConfigNode node(ConfigMap m, String key) {
    return m.get(key).orElse(null);
  }
}
