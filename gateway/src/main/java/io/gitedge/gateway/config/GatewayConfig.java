package io.gitedge.gateway.config;

import io.gitedge.sync.SyncConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The whole gateway configuration, parsed and validated once by {@link ConfigLoader} and passed
 * to the parts that need it. Immutable; every path is absolute.
 *
 * @param region name of this gateway's region, for logs, metrics and messages
 * @param dataDir folder for mirrors ({@code mirrors/}), keys ({@code keys/}) and state
 * @param http the HTTPS front door
 * @param ssh the SSH front door, if enabled
 * @param identity where users and their credentials come from
 * @param access who may read what
 * @param sync how mirrors are kept current
 * @param packCache the cache of upload-pack responses for identical clone requests
 * @param goProxy the Go module proxy under {@code /goproxy}
 * @param upstreams the upstream hosts and the repositories mirrored from each
 * @param peers the gateways of other regions told about webhook-triggered syncs, if any
 * @param events the fleet's event bus (Kafka), if any, beside or instead of the peers
 * @param jgit how JGit caches pack data, for the whole process
 * @param shutdown how SIGTERM drains the gateway
 * @param origin where each key was written, for startup errors found after parsing
 */
public record GatewayConfig(String region, Path dataDir, HttpConfig http, Optional<SshConfig> ssh,
    IdentityConfig identity, AccessConfig access, SyncConfig sync, PackCacheConfig packCache,
    GoProxyConfig goProxy,
    List<UpstreamConfig> upstreams, Optional<PeersConfig> peers, EventsConfig events,
    JGitConfig jgit, ShutdownConfig shutdown, ConfigOrigin origin) {
  public GatewayConfig {
    Objects.requireNonNull(region, "region");
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(http, "http");
    Objects.requireNonNull(ssh, "ssh");
    Objects.requireNonNull(identity, "identity");
    Objects.requireNonNull(access, "access");
    Objects.requireNonNull(sync, "sync");
    Objects.requireNonNull(packCache, "packCache");
    Objects.requireNonNull(goProxy, "goProxy");
    upstreams = List.copyOf(upstreams);
    Objects.requireNonNull(peers, "peers");
    Objects.requireNonNull(events, "events");
    Objects.requireNonNull(jgit, "jgit");
    Objects.requireNonNull(shutdown, "shutdown");
    Objects.requireNonNull(origin, "origin");
  }

  /** {@code <dataDir>/mirrors}. */
  public Path mirrorsDir() {
    return dataDir.resolve("mirrors");
  }

  /** {@code <dataDir>/pack-cache}: the disk tier of the pack cache. */
  public Path packCacheDir() {
    return dataDir.resolve("pack-cache");
  }

  /** {@code <dataDir>/goproxy}: the Go module proxy's zips. */
  public Path goProxyDir() {
    return dataDir.resolve("goproxy");
  }

  /** {@code <dataDir>/keys}. */
  public Path keysDir() {
    return dataDir.resolve("keys");
  }
}
