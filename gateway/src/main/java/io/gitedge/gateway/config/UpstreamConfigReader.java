package io.gitedge.gateway.config;

import io.gitedge.config.ConfigException;
import io.gitedge.config.ConfigMap;
import io.gitedge.config.ConfigNode;
import io.gitedge.keys.KeyMaterialException;
import io.gitedge.keys.TrustedCertificates;
import io.gitedge.store.InvalidMirrorNameException;
import io.gitedge.store.MirrorName;
import io.gitedge.store.MirrorPolicy;
import io.gitedge.store.Upstream;
import io.gitedge.store.UpstreamRoute;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import javax.net.ssl.X509TrustManager;

/**
 * Reads the {@code upstreams:} list into {@link UpstreamConfig}s: no prefix configured twice, no
 * repository listed twice (under any prefix), no upstream that would mirror nothing.
 */
final class UpstreamConfigReader {
  private static final Duration DEFAULT_SYNC_INTERVAL = Duration.ofMinutes(5);
  private static final String DEFAULT_URL_SUFFIX = ".git";
  private static final boolean DEFAULT_MIRROR_ON_DEMAND = false;
  private static final Set<String> URL_SCHEMES = Set.of("https", "http", "ssh", "file");
  /** {@code user@host:path}, the scp-like form of an SSH URL. */
  private static final Pattern SCP_LIKE = Pattern.compile("[A-Za-z0-9._-]+@[^:/]+:[^/].*");

  private final Set<String> prefixes = new HashSet<>();
  private final Set<MirrorName> mirrors = new HashSet<>();

  private UpstreamConfigReader() {}

  static List<UpstreamConfig> read(ConfigNode list) throws ConfigException {
    UpstreamConfigReader reader = new UpstreamConfigReader();
    List<UpstreamConfig> upstreams = new ArrayList<>();
    for (ConfigNode upstream : list.asList()) {
      upstreams.add(reader.readUpstream(upstream));
    }
    return upstreams;
  }

  private UpstreamConfig readUpstream(ConfigNode upstream) throws ConfigException {
    ConfigMap keys = upstream.asMap();
    String prefix = readPrefix(keys.require("prefix"));
    ConfigNode urlNode = keys.require("url");
    String baseUrl = readUrl(urlNode);
    Optional<Upstream.Credentials> credentials =
        UpstreamCredentialsReader.read(keys.get("credentials"), urlNode, isSsh(baseUrl));
    Duration syncInterval = keys.getOrDefault("syncInterval", ConfigNode::asPositiveDuration,
        DEFAULT_SYNC_INTERVAL);
    MirrorPolicy policy = keys.getOrDefault("tags", UpstreamConfigReader::readTagPolicy,
        MirrorPolicy.DEFAULT);
    Optional<Duration> freshness = keys.get("freshness", ConfigNode::asPositiveDuration);
    boolean mirrorOnDemand = keys.getOrDefault("mirrorOnDemand", ConfigNode::asBoolean,
        DEFAULT_MIRROR_ON_DEMAND);
    Optional<Path> webhookSecretFile = keys.get("webhookSecretFile", ConfigNode::asExistingFile);
    String urlSuffix = keys.getOrDefault("urlSuffix", ConfigNode::asString, DEFAULT_URL_SUFFIX);
    Optional<X509TrustManager> trust = keys.get("caFile", UpstreamConfigReader::readTrust);
    Optional<UpstreamRoute> fallback = Optional.empty();
    Optional<ConfigNode> fallbackNode = keys.get("fallbackUrl");
    if (fallbackNode.isPresent()) {
      String fallbackUrl = readUrl(fallbackNode.get());
      if (fallbackUrl.equals(baseUrl)) {
        throw fallbackNode.get().error("is the same as url: a fallback is another way to the"
            + " repositories (the origin behind a nearer gateway)");
      }
      fallback = Optional.of(new UpstreamRoute(prefix, fallbackUrl,
          UpstreamCredentialsReader.read(keys.get("fallbackCredentials"), fallbackNode.get(),
              isSsh(fallbackUrl)), urlSuffix));
    } else if (keys.get("fallbackCredentials").isPresent()) {
      throw keys.get("fallbackCredentials").get().error("needs fallbackUrl beside it");
    }
    UpstreamRoute route = new UpstreamRoute(prefix, baseUrl, credentials, urlSuffix, trust,
        fallback);
    List<MirrorName> repos = new ArrayList<>();
    for (ConfigNode repo : keys.list("repos")) {
      repos.add(readRepo(prefix, repo));
    }
    keys.finish();
    if (repos.isEmpty() && !mirrorOnDemand) {
      throw upstream.error("lists no repos and has mirrorOnDemand off: it would mirror nothing");
    }
    return new UpstreamConfig(route, repos, syncInterval, policy, freshness, mirrorOnDemand,
        webhookSecretFile);
  }

  /** A host and optional path such as {@code github.com/acme}, without a trailing slash. */
  private String readPrefix(ConfigNode node) throws ConfigException {
    String prefix = node.asNonBlankString().replaceAll("/+$", "");
    try {
      MirrorName.parse(prefix + "/x");
    } catch (InvalidMirrorNameException e) {
      throw node.error("a prefix is a host and optional path, e.g. github.com/acme: "
          + e.getMessage());
    }
    if (!prefixes.add(prefix)) {
      throw node.error("prefix " + prefix + " is configured twice");
    }
    return prefix;
  }

  /** A repository name below {@code prefix} ({@code lib}, {@code team/app}). */
  private MirrorName readRepo(String prefix, ConfigNode node) throws ConfigException {
    String relative = node.asNonBlankString().replaceAll("^/+", "");
    final MirrorName name;
    try {
      name = MirrorName.parse(prefix + "/" + relative);
    } catch (InvalidMirrorNameException e) {
      throw node.error("not a usable repository name: " + e.getMessage());
    }
    if (!mirrors.add(name)) {
      throw node.error(name + " is listed twice");
    }
    return name;
  }

  private static MirrorPolicy readTagPolicy(ConfigNode node) throws ConfigException {
    return switch (node.asString()) {
      case "immutable" -> new MirrorPolicy(MirrorPolicy.TagPolicy.IMMUTABLE);
      case "follow" -> new MirrorPolicy(MirrorPolicy.TagPolicy.FOLLOW);
      default -> throw node.error("expected immutable or follow, got \"" + node.asString()
          + "\"");
    };
  }

  private static X509TrustManager readTrust(ConfigNode node) throws ConfigException {
    try {
      return TrustedCertificates.trustManager(node.asExistingFile());
    } catch (KeyMaterialException e) {
      throw node.error(e.getMessage());
    }
  }

  private static boolean isSsh(String url) {
    return url.startsWith("ssh://") || SCP_LIKE.matcher(url).matches();
  }

  /** The upstream base URL without trailing slashes; credentials never in it. */
  private static String readUrl(ConfigNode node) throws ConfigException {
    String text = node.asNonBlankString().replaceAll("/+$", "");
    if (SCP_LIKE.matcher(text).matches()) {
      return text;
    }
    try {
      URI url = new URI(text);
      if (url.getScheme() == null || !URL_SCHEMES.contains(url.getScheme())) {
        throw node.error("expected an https://, http://, ssh:// or file:// URL (or"
            + " user@host:path), got \"" + text + "\"");
      }
      if (url.getRawUserInfo() != null && url.getRawUserInfo().contains(":")) {
        throw node.error("put credentials in credentials.tokenFile, not in the URL");
      }
      if (url.getUserInfo() != null && !"ssh".equals(url.getScheme())) {
        throw node.error("put the user name in credentials.username, not in the URL");
      }
      return text;
    } catch (URISyntaxException e) {
      throw node.error("not a URL: \"" + text + "\"");
    }
  }
}
