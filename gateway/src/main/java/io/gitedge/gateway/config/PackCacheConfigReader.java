package io.gitedge.gateway.config;

import io.gitedge.config.ConfigException;
import io.gitedge.config.ConfigMap;
import io.gitedge.config.ConfigNode;
import java.time.Duration;
import java.util.Optional;

/**
 * Reads the {@code packCache:} section into a {@link PackCacheConfig}; absent keys take the
 * values of {@link PackCacheConfig#DEFAULTS}.
 */
final class PackCacheConfigReader {
  private static final PackCacheConfig DEFAULTS = PackCacheConfig.DEFAULTS;
  /** How an absent {@code memory} is named when {@code maxEntry} is larger than it. */
  private static final String DEFAULT_MEMORY_TEXT = (PackCacheConfig.DEFAULT_MEMORY_BYTES >> 20)
      + "MiB, the default";

  private PackCacheConfigReader() {}

  static PackCacheConfig read(ConfigNode section) throws ConfigException {
    ConfigMap keys = section.asMap();
    boolean enabled = keys.getOrDefault("enabled", ConfigNode::asBoolean, DEFAULTS.enabled());
    Optional<ConfigNode> memoryNode = keys.get("memory");
    long memory = memoryNode.isPresent() ? memoryNode.get().asByteSize() : DEFAULTS.memoryBytes();
    long disk = keys.getOrDefault("disk", ConfigNode::asByteSize, DEFAULTS.diskBytes());
    // the default entry limit shrinks to fit a small memory tier
    long maxEntry = Math.min(DEFAULTS.maxMemoryEntryBytes(), memory);
    Optional<ConfigNode> maxEntryNode = keys.get("maxEntry");
    if (maxEntryNode.isPresent()) {
      maxEntry = readMaxEntry(maxEntryNode.get(), memory, memoryNode);
    }
    Duration leaderWait = keys.getOrDefault("leaderWait", ConfigNode::asDuration,
        DEFAULTS.leaderWait());
    keys.finish();
    return new PackCacheConfig(enabled, memory, disk, maxEntry, leaderWait);
  }

  private static long readMaxEntry(ConfigNode node, long memory, Optional<ConfigNode> memoryNode)
      throws ConfigException {
    long maxEntry = node.asByteSize();
    if (maxEntry > PackCacheConfig.MAX_MEMORY_ENTRY) {
      throw node.error("at most 1GiB: larger responses go to disk");
    }
    if (maxEntry > memory) {
      String memoryText = memoryNode.isPresent() ? memoryNode.get().asString().strip()
          : DEFAULT_MEMORY_TEXT;
      throw node.error("at most memory (" + memoryText
          + "): one entry must fit in the memory tier");
    }
    return maxEntry;
  }
}
