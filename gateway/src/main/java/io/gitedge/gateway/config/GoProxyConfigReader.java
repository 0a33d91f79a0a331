package io.gitedge.gateway.config;

import io.gitedge.config.ConfigException;
import io.gitedge.config.ConfigMap;
import io.gitedge.config.ConfigNode;

/**
 * Reads the {@code goProxy:} section into a {@link GoProxyConfig}; absent keys take the values of
 * {@link GoProxyConfig#DEFAULTS}.
 */
final class GoProxyConfigReader {
  private GoProxyConfigReader() {}

  static GoProxyConfig read(ConfigNode section) throws ConfigException {
    ConfigMap keys = section.asMap();
    boolean enabled = keys.getOrDefault("enabled", ConfigNode::asBoolean,
        GoProxyConfig.DEFAULTS.enabled());
    long zipCache = keys.getOrDefault("zipCache", ConfigNode::asByteSize,
        GoProxyConfig.DEFAULTS.zipCacheBytes());
    keys.finish();
    return new GoProxyConfig(enabled, zipCache);
  }
}
