package io.gitedge.gateway.git;

import io.gitedge.gateway.config.UpstreamConfig;
import io.gitedge.store.MirrorName;
import io.gitedge.store.Upstream;
import io.gitedge.sync.SyncPlan;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The mirrors this gateway serves, from the {@code upstreams} section of the config: each name
 * with its upstream and sync interval. Immutable and thread-safe.
 */
public final class MirrorCatalog {
  private final Map<MirrorName, SyncPlan> plans = new TreeMap<>();

  public MirrorCatalog(List<UpstreamConfig> upstreams) {
    for (UpstreamConfig u : upstreams) {
      for (MirrorName n : u.repos()) {
        Upstream up = u.route().upstreamFor(n).orElseThrow(
            () -> new IllegalArgumentException(n + " is not under " + u.route().prefix()));
        plans.put(n, new SyncPlan(n, up, u.syncInterval()));
      }
    }
  }

  /** The plan of a served mirror. */
  public Optional<SyncPlan> lookup(MirrorName name) {
    return Optional.ofNullable(plans.get(name));
  }

  /**
   * The served mirror whose name is {@code path} or a segment-wise prefix of it, longest first:
   * {@code github.com/acme/lib/sub/pkg} finds {@code github.com/acme/lib}.
   */
  public Optional<MirrorName> containing(String path) {
    MirrorName best = null;
    for (MirrorName n : plans.keySet()) {
      if ((path.equals(n.value()) || path.startsWith(n.value() + "/"))
          && (best == null || n.value().length() > best.value().length())) {
        best = n;
      }
    }
    return Optional.ofNullable(best);
  }

  public Collection<SyncPlan> plans() {
    return List.copyOf(plans.values());
  }
}
