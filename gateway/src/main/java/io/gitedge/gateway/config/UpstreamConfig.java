package io.gitedge.gateway.config;

import io.gitedge.store.MirrorName;
import io.gitedge.store.UpstreamRoute;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * One upstream host: the gateway names under {@code route.prefix()} map to repositories under
 * {@code route.baseUrl()}; {@code repos} are mirrored from it. Immutable.
 */
public record UpstreamConfig(UpstreamRoute route, List<MirrorName> repos, Duration syncInterval) {
  public UpstreamConfig {
    Objects.requireNonNull(route, "route");
    repos = List.copyOf(repos);
    Objects.requireNonNull(syncInterval, "syncInterval");
  }
}
