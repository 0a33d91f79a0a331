package io.gitedge.gateway.app;

import io.gitedge.config.ConfigException;
import io.gitedge.gateway.config.GatewayConfig;
import io.gitedge.gateway.git.MirrorCatalog;
import io.gitedge.store.MirrorName;
import io.gitedge.store.MirrorStore;
import io.gitedge.store.StoreConfig;
import io.gitedge.sync.SyncPlan;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mirrors assembly: the store on disk, what the config says may be served, and the plan of
 * every mirror served from the start (the listed ones, and those an earlier run made on demand
 * under a prefix that still has {@code mirrorOnDemand}). Other mirrors on disk are left alone,
 * unserved.
 */
record Mirrors(MirrorStore store, MirrorCatalog catalog, List<SyncPlan> plans) {
  private static final Logger log = LoggerFactory.getLogger(Mirrors.class);

  /** The names of {@link #plans}. */
  List<MirrorName> names() {
    return plans.stream().map(SyncPlan::name).toList();
  }

  static Mirrors open(GatewayConfig config) throws ConfigException {
    MirrorStore store;
    try {
      store = MirrorStore.open(new StoreConfig(config.mirrorsDir(), config.sync().fetchTimeout(),
          StoreConfig.DEFAULT_REPACK_AFTER_PACKS, config.sync().ingest()));
    } catch (IOException e) {
      throw config.origin().error("dataDir", e.getMessage(), e);
    }
    MirrorCatalog catalog = new MirrorCatalog(config.upstreams());
    try {
      return new Mirrors(store, catalog, plans(catalog, store));
    } catch (IOException e) {
      store.close();
      throw config.origin().error("dataDir", "cannot list the mirrors in " + config.mirrorsDir()
          + ": " + e.getMessage(), e);
    }
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
