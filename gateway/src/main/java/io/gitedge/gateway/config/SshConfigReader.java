package io.gitedge.gateway.config;

import io.gitedge.config.ConfigException;
import io.gitedge.config.ConfigMap;
import io.gitedge.config.ConfigNode;
import java.time.Duration;

/** Reads the {@code ssh:} section into an {@link SshConfig}. */
final class SshConfigReader {
  private static final String LISTEN_EXAMPLE = "127.0.0.1:2222 or 0.0.0.0:22";
  private static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(10);
  private static final Duration DEFAULT_IO_TIMEOUT = Duration.ofMinutes(5);
  private static final int DEFAULT_MAX_SESSIONS = 256;
  private static final int DEFAULT_MAX_SESSIONS_PER_ADDRESS = 32;
  private static final int DEFAULT_MAX_UNAUTHENTICATED_SESSIONS = 64;
  private static final int MAX_SESSION_LIMIT = 100_000;
  private static final Duration DEFAULT_AUTH_TIMEOUT = Duration.ofSeconds(30);

  private SshConfigReader() {}

  static SshConfig read(ConfigNode section) throws ConfigException {
    ConfigMap keys = section.asMap();
    ListenAddress listen = ListenAddress.read(keys.require("listen"), LISTEN_EXAMPLE);
    SshConfig config = new SshConfig(listen.host(), listen.port(),
        keys.getOrDefault("idleTimeout", ConfigNode::asPositiveDuration, DEFAULT_IDLE_TIMEOUT),
        keys.getOrDefault("ioTimeout", ConfigNode::asPositiveDuration, DEFAULT_IO_TIMEOUT),
        keys.getOrDefault("maxSessions", SshConfigReader::readSessionLimit,
            DEFAULT_MAX_SESSIONS),
        keys.getOrDefault("maxSessionsPerAddress", SshConfigReader::readSessionLimit,
            DEFAULT_MAX_SESSIONS_PER_ADDRESS),
        keys.getOrDefault("maxUnauthenticatedSessions", SshConfigReader::readSessionLimit,
            DEFAULT_MAX_UNAUTHENTICATED_SESSIONS),
        keys.getOrDefault("authTimeout", ConfigNode::asPositiveDuration, DEFAULT_AUTH_TIMEOUT));
    keys.finish();
    return config;
  }

  private static int readSessionLimit(ConfigNode node) throws ConfigException {
    return node.asInt(1, MAX_SESSION_LIMIT);
  }
}
