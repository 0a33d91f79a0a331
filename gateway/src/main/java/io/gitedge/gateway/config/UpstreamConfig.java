package io.gitedge.gateway.config;

import io.gitedge.store.MirrorName;
import io.gitedge.store.MirrorPolicy;
import io.gitedge.store.UpstreamRoute;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One upstream host: the gateway names under {@code route.prefix()} map to repositories under
 * {@code route.baseUrl()}. Immutable.
 *
 * @param repos mirrored from startup on
 * @param syncInterval how often each mirror syncs when nothing else triggers it
 * @param policy what the mirrors let the upstream do (tags)
 * @param freshness a read of a mirror whose last successful sync is older than this checks the
 *     upstream first; empty: reads never wait for the upstream
 * @param mirrorOnDemand whether any repository under the prefix is mirrored when an authorized
 *     caller first asks for it
 * @param webhookSecretFile the shared secret the upstream signs its webhooks with; empty: this
 *     upstream's webhooks are not accepted
 */
public record UpstreamConfig(UpstreamRoute route, List<MirrorName> repos, Duration syncInterval,
    MirrorPolicy policy, Optional<Duration> freshness, boolean mirrorOnDemand,
    Optional<Path> webhookSecretFile) {
  public UpstreamConfig {
    Objects.requireNonNull(route, "route");
    repos = List.copyOf(repos);
    Objects.requireNonNull(syncInterval, "syncInterval");
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(freshness, "freshness");
    Objects.requireNonNull(webhookSecretFile, "webhookSecretFile");
  }
}
