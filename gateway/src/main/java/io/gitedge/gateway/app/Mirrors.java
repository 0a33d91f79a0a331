package io.gitedge.gateway.app;

import io.gitedge.config.ConfigException;
import io.gitedge.gateway.config.GatewayConfig;
import io.gitedge.gateway.config.PeersConfig;
import io.gitedge.gateway.git.MirrorCatalog;
import io.gitedge.keys.KeyMaterialException;
import io.gitedge.keys.TrustedCertificates;
import io.gitedge.store.MirrorName;
import io.gitedge.store.MirrorStore;
import io.gitedge.store.StoreConfig;
import io.gitedge.store.Upstream;
import io.gitedge.sync.HeardTagPins;
import io.gitedge.sync.SyncPlan;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import javax.net.ssl.X509TrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mirrors assembly: the store on disk, what the config says may be served, and the plan of
 * every mirror served from the start (the listed ones, and those an earlier run made on demand
 * under a prefix that still has {@code mirrorOnDemand}). Other mirrors on disk are left alone,
 * unserved.
 */
record Mirrors(MirrorStore store, MirrorCatalog catalog, List<SyncPlan> plans,
    HeardTagPins pins) {
  private static final Logger log = LoggerFactory.getLogger(Mirrors.class);

  /** The names of {@link #plans}. */
  List<MirrorName> names() {
    return plans.stream().map(SyncPlan::name).toList();
  }

  static Mirrors open(GatewayConfig config) throws ConfigException {
    MirrorCatalog catalog = new MirrorCatalog(config.upstreams(), fleet(config));
    HeardTagPins pins = new HeardTagPins();
    MirrorStore store;
    try {
      store = MirrorStore.open(new StoreConfig(config.mirrorsDir(), config.sync().fetchTimeout(),
          StoreConfig.DEFAULT_REPACK_AFTER_PACKS, config.sync().ingest(),
          config.sync().maxFetchTime(), config.sync().progressInterval()), pins);
    } catch (IOException e) {
      throw config.origin().error("dataDir", e.getMessage(), e);
    }
    try {
      return new Mirrors(store, catalog, plans(catalog, store), pins);
    } catch (IOException e) {
      store.close();
      throw config.origin().error("dataDir", "cannot list the mirrors in " + config.mirrorsDir()
          + ": " + e.getMessage(), e);
    }
  }

  /**
   * Where a new mirror takes the fleet's tags from: the same repository at each peer's HTTPS
   * door, with the peers' token; nowhere without peers or without a token.
   */
  private static Function<MirrorName, List<Upstream>> fleet(GatewayConfig config)
      throws ConfigException {
    Optional<PeersConfig> peers = config.peers();
    if (peers.isEmpty() || peers.get().urls().isEmpty() || peers.get().tokenFile().isEmpty()) {
      return name -> List.of();
    }
    Optional<X509TrustManager> trust = Optional.empty();
    if (peers.get().caFile().isPresent()) {
      try {
        trust = Optional.of(TrustedCertificates.trustManager(peers.get().caFile().get()));
      } catch (KeyMaterialException e) {
        throw config.origin().error("peers.caFile", e.getMessage(), e);
      }
    }
    Optional<Upstream.Credentials> token = Optional.of(new Upstream.Token("gitedge-"
        + config.region(), peers.get().tokenFile().get()));
    Optional<X509TrustManager> peersTrust = trust;
    List<URI> urls = peers.get().urls();
    return name -> urls.stream().map(u -> new Upstream(u.toString().replaceAll("/+$", "") + "/"
        + name.value() + ".git", token, peersTrust, Optional.empty(), List.of())).toList();
  }

  private static List<SyncPlan> plans(MirrorCatalog catalog, MirrorStore store)
      throws IOException {
    List<SyncPlan> plans = new ArrayList<>(catalog.plans());
    for (MirrorName n : store.mirrors()) {
      if (catalog.listed(n).isPresent()) {
        continue;
      }
      Optional<SyncPlan> p = catalog.onDemand(n);
      if (p.isPresent()) {
        plans.add(p.get());
      } else {
        log.info("not serving {}: on disk, but no longer in the config", n);
      }
    }
    return plans;
  }
}
