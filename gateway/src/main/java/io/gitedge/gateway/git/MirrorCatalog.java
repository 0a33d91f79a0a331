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
import java.util.function.Function;

/**
 * What the {@code upstreams} section of the config says may be served: the listed mirrors, each
 * with its plan, and the prefixes mirrored on demand. Immutable and thread-safe. (Which mirrors
 * are planned right now, on-demand ones included, the {@code SyncScheduler} knows.)
 */
public final class MirrorCatalog {
  private final List<UpstreamConfig> upstreams;
  private final Function<MirrorName, List<Upstream>> fleet;
  private final Map<MirrorName, SyncPlan> listed = new TreeMap<>();

  /** A catalog of a gateway without peers. */
  public MirrorCatalog(List<UpstreamConfig> upstreams) {
    this(upstreams, name -> List.of());
  }

  /**
   * @param fleet the same mirror in the other regions' gateways, where a new mirror takes its
   *     tags from ({@link Upstream#fleet()})
   */
  public MirrorCatalog(List<UpstreamConfig> upstreams,
      Function<MirrorName, List<Upstream>> fleet) {
    this.upstreams = List.copyOf(upstreams);
    this.fleet = fleet;
    for (UpstreamConfig u : upstreams) {
      for (MirrorName n : u.repos()) {
        listed.put(n, plan(u, n).orElseThrow(
            () -> new IllegalArgumentException(n + " is not under " + u.route().prefix())));
      }
    }
  }

  /** The plan of a mirror the config lists. */
  public Optional<SyncPlan> listed(MirrorName name) {
    return Optional.ofNullable(listed.get(name));
  }

  /** Every listed mirror's plan. */
  public Collection<SyncPlan> plans() {
    return List.copyOf(listed.values());
  }

  /**
   * The plan for a mirror made on demand: {@code name} lies under a prefix with
   * {@code mirrorOnDemand} (the longest such prefix wins) and is not listed.
   */
  public Optional<SyncPlan> onDemand(MirrorName name) {
    if (listed.containsKey(name)) {
      return Optional.empty();
    }
    return upstreams.stream().filter(UpstreamConfig::mirrorOnDemand)
        .filter(u -> name.isUnder(u.route().prefix()))
        .max((a, b) -> Integer.compare(a.route().prefix().length(),
            b.route().prefix().length()))
        .flatMap(u -> plan(u, name));
  }

  /** The upstream section {@code name} belongs to: the longest prefix it lies under. */
  public Optional<UpstreamConfig> upstreamOf(MirrorName name) {
    return upstreams.stream().filter(u -> name.isUnder(u.route().prefix())
            && !name.value().equals(u.route().prefix()))
        .max((a, b) -> Integer.compare(a.route().prefix().length(),
            b.route().prefix().length()));
  }

  /** The upstream sections. */
  public List<UpstreamConfig> upstreams() {
    return upstreams;
  }

  private Optional<SyncPlan> plan(UpstreamConfig u, MirrorName name) {
    Optional<Upstream> up = u.route().upstreamFor(name);
    return up.map(x -> new SyncPlan(name, x.withFleet(fleet.apply(name)), u.syncInterval(),
        u.policy(), u.freshness()));
  }
}
