package io.gitedge.gateway.config;

import io.gitedge.config.ConfigException;
import java.util.Map;

/**
 * Where each key of a config file stood, so that a problem found after parsing (a listen address
 * already in use, a TLS file that turns out unreadable) is still reported as
 * {@code file:line: key: problem}. Immutable.
 */
public record ConfigOrigin(String file, Map<String, Integer> lines) {
  public ConfigOrigin {
    lines = Map.copyOf(lines);
  }

  /** A {@link ConfigException} at the line of {@code key} (or without a line if unknown). */
  public ConfigException error(String key, String problem, Throwable cause) {
    return new ConfigException(file, lines.getOrDefault(key, 0), key, problem, cause);
  }
}
