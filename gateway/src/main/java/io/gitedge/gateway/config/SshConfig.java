package io.gitedge.gateway.config;

import java.time.Duration;
import java.util.Objects;

/**
 * The SSH front door. Immutable.
 *
 * @param listenHost address to bind
 * @param listenPort port to bind; 0 picks a free one
 * @param idleTimeout how long a session may stay silent between commands
 * @param ioTimeout how long upload-pack may wait on a client that neither sends nor reads
 * @param maxSessions sessions open at once, over all clients; also the most commands running
 * @param maxSessionsPerAddress sessions open at once from one client (IPv4 address, IPv6 /64)
 * @param maxUnauthenticatedSessions sessions open at once that have not logged in yet
 * @param authTimeout how long a connection may take from connecting to logging in (identification,
 *     key exchange and authentication); one that has not logged in by then is closed
 */
public record SshConfig(String listenHost, int listenPort, Duration idleTimeout,
    Duration ioTimeout, int maxSessions, int maxSessionsPerAddress,
    int maxUnauthenticatedSessions, Duration authTimeout) {
  public SshConfig {
    Objects.requireNonNull(listenHost, "listenHost");
    Objects.requireNonNull(idleTimeout, "idleTimeout");
    Objects.requireNonNull(ioTimeout, "ioTimeout");
    Objects.requireNonNull(authTimeout, "authTimeout");
  }
}
