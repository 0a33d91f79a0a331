package io.gitedge.gateway.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The gateways of other regions this one tells about webhook-triggered syncs, hears from, and
 * compares its mirrors with ({@code /api/v1/fleet}, {@code gitedge verify}). Immutable.
 *
 * @param urls each peer's base URL ({@code https://gw.us.example.com}); events go to
 *     {@code <url>/hooks/peer}
 * @param secretFile the secret all peers share: events are signed with it, and only events
 *     signed with it are taken
 * @param tokenFile a file holding a token of the {@code admins} group that the other regions
 *     accept, sent to their admin API when the fleet's mirrors are compared; read at every use,
 *     so a rotated token needs no restart. Without it the peers are not asked
 * @param caFile PEM certificates to trust for the peers instead of the JVM's, if any
 * @param timeout connect and answer time allowed per peer
 */
public record PeersConfig(List<URI> urls, Path secretFile, Optional<Path> tokenFile,
    Optional<Path> caFile, Duration timeout) {
  public PeersConfig {
    urls = List.copyOf(urls);
    Objects.requireNonNull(secretFile, "secretFile");
    Objects.requireNonNull(tokenFile, "tokenFile");
    Objects.requireNonNull(caFile, "caFile");
    Objects.requireNonNull(timeout, "timeout");
  }
}
