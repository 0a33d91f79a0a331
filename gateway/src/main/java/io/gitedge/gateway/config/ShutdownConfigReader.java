package io.gitedge.gateway.config;

import io.gitedge.config.ConfigException;
import io.gitedge.config.ConfigMap;
import io.gitedge.config.ConfigNode;

/**
 * Reads the {@code shutdown:} section into a {@link ShutdownConfig}; absent keys take the values
 * of {@link ShutdownConfig#DEFAULTS}.
 */
final class ShutdownConfigReader {
  private ShutdownConfigReader() {}

  static ShutdownConfig read(ConfigNode section) throws ConfigException {
    ConfigMap keys = section.asMap();
    ShutdownConfig c = new ShutdownConfig(keys.getOrDefault("drainTimeout",
        ConfigNode::asDuration, ShutdownConfig.DEFAULTS.drainTimeout()));
    keys.finish();
    return c;
  }
}
