package io.gitedge.gateway.config;

import java.time.Duration;
import java.util.Objects;

/**
 * The SSH front door. Immutable.
 *
 * @param listenHost address to bind
 * @param listenPort port to bind; 0 picks a free one
 * @param idleTimeout how long a session may stay silent; also the upload-pack I/O timeout
 * @param maxSessions sessions open at once, over all clients
 * @param maxSessionsPerAddress sessions open at once from one client address
 */
public record SshConfig(String listenHost, int listenPort, Duration idleTimeout, int maxSessions,
    int maxSessionsPerAddress) {
  public SshConfig {
    Objects.requireNonNull(listenHost, "listenHost");
    Objects.requireNonNull(idleTimeout, "idleTimeout");
  }
}
