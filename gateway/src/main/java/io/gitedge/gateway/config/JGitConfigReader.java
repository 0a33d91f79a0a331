package io.gitedge.gateway.config;

import io.gitedge.config.ConfigException;
import io.gitedge.config.ConfigMap;
import io.gitedge.config.ConfigNode;
import java.util.Optional;

/**
 * Reads the {@code jgit:} section into a {@link JGitConfig}; absent keys take the values of
 * {@link JGitConfig#defaults()}, which depend on the heap.
 */
final class JGitConfigReader {
  private static final int MIN_WINDOW_SIZE = 4096;
  private static final int MIN_OPEN_FILES = 16;
  private static final int MAX_OPEN_FILES = 65536;

  private JGitConfigReader() {}

  static JGitConfig read(ConfigNode section) throws ConfigException {
    return read(section, JGitConfig.defaults());
  }

  /** With {@code defaults} for the keys not given (they depend on the heap). */
  static JGitConfig read(ConfigNode section, JGitConfig defaults) throws ConfigException {
    ConfigMap keys = section.asMap();
    int windowSize = keys.getOrDefault("packedGitWindowSize", JGitConfigReader::readWindowSize,
        defaults.packedGitWindowSize());
    // the default limit grows to hold at least one window of a large configured size
    long packedGitLimit = Math.max(defaults.packedGitLimit(), windowSize);
    Optional<ConfigNode> limitNode = keys.get("packedGitLimit");
    if (limitNode.isPresent()) {
      packedGitLimit = limitNode.get().asByteSize();
      if (packedGitLimit < windowSize) {
        throw limitNode.get().error("must be at least packedGitWindowSize (" + windowSize
            + " bytes)");
      }
    }
    JGitConfig config = new JGitConfig(packedGitLimit, windowSize,
        keys.getOrDefault("packedGitOpenFiles", node -> node.asInt(MIN_OPEN_FILES,
            MAX_OPEN_FILES), defaults.packedGitOpenFiles()),
        keys.getOrDefault("deltaBaseCacheLimit", JGitConfigReader::readIntSize,
            defaults.deltaBaseCacheLimit()),
        keys.getOrDefault("streamFileThreshold", JGitConfigReader::readIntSize,
            defaults.streamFileThreshold()));
    keys.finish();
    return config;
  }

  private static int readWindowSize(ConfigNode node) throws ConfigException {
    int windowSize = readIntSize(node);
    if (Integer.bitCount(windowSize) != 1 || windowSize < MIN_WINDOW_SIZE) {
      throw node.error("must be a power of two of at least 4KiB, e.g. 64KiB");
    }
    return windowSize;
  }

  /** A size that fits in an {@code int}, as JGit takes most of its sizes. */
  private static int readIntSize(ConfigNode node) throws ConfigException {
    long size = node.asByteSize();
    if (size > Integer.MAX_VALUE) {
      throw node.error("must be below 2GiB");
    }
    return (int) size;
  }
}
