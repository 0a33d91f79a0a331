package io.gitedge.gateway.config;

import io.gitedge.config.ConfigException;
import io.gitedge.config.ConfigMap;
import io.gitedge.config.ConfigNode;
import io.gitedge.sync.SyncConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads a gateway config file into a {@link GatewayConfig}, or stops with one
 * {@link ConfigException} naming file, line and key: unknown keys, bad durations, missing files,
 * malformed addresses and URLs, duplicate mirrors. Relative paths resolve against the folder of
 * the config file. The reference of every key is in the README; each section is read, with its
 * defaults, by the reader beside its record ({@code HttpConfigReader} for {@link HttpConfig},
 * {@link SyncConfig#read}, ...).
 */
public final class ConfigLoader {
  private static final String DEFAULT_REGION = "default";
  private static final Pattern REGION = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
  /** Where data goes without a {@code dataDir}: beside the config file. */
  private static final String DEFAULT_DATA_DIR = "data";

  private ConfigLoader() {}

  /** Loads and validates {@code file}. */
  public static GatewayConfig load(Path file) throws ConfigException {
    ConfigNode root = ConfigNode.read(file);
    ConfigMap sections = root.asMap();
    String region = sections.getOrDefault("region", ConfigLoader::readRegion, DEFAULT_REGION);
    Path dataDir = sections.getOrDefault("dataDir", ConfigNode::asPath,
        file.toAbsolutePath().getParent().resolve(DEFAULT_DATA_DIR));
    HttpConfig http = HttpConfigReader.read(sections.require("http"));
    Optional<SshConfig> ssh = sections.get("ssh", SshConfigReader::read);
    IdentityConfig identity = IdentityConfigReader.read(sections.require("identity"));
    AccessConfig access = sections.getOrDefault("access", AccessConfigReader::read,
        AccessConfigReader.DEFAULT);
    SyncConfig sync = sections.getOrDefault("sync", SyncConfig::read, SyncConfig.DEFAULT);
    PackCacheConfig packCache = sections.getOrDefault("packCache", PackCacheConfigReader::read,
        PackCacheConfig.DEFAULTS);
    GoProxyConfig goProxy = sections.getOrDefault("goProxy", GoProxyConfigReader::read,
        GoProxyConfig.DEFAULTS);
    List<UpstreamConfig> upstreams = UpstreamConfigReader.read(sections.require("upstreams"));
    Optional<PeersConfig> peers = sections.get("peers", PeersConfigReader::read);
    EventsConfig events = sections.getOrDefault("events", EventsConfigReader::read,
        EventsConfig.NONE);
    JGitConfig jgit = sections.getOrDefault("jgit", JGitConfigReader::read,
        JGitConfig.defaults());
    ShutdownConfig shutdown = sections.getOrDefault("shutdown", ShutdownConfigReader::read,
        ShutdownConfig.DEFAULTS);
    sections.finish();
    return new GatewayConfig(region, dataDir, http, ssh, identity, access, sync, packCache,
        goProxy, upstreams, peers, events, jgit, shutdown,
        new ConfigOrigin(root.file(), root.lines()));
  }

  /** Lower-case letters, digits and hyphens ({@code eu-west}). */
  private static String readRegion(ConfigNode node) throws ConfigException {
    String region = node.asString();
    if (!REGION.matcher(region).matches()) {
      throw node.error("a region is lower-case letters, digits and hyphens, e.g. eu-west");
    }
    return region;
  }
}
