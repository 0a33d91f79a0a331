package io.gitedge.auth;

import io.gitedge.config.ConfigException;
import io.gitedge.config.ConfigMap;
import io.gitedge.config.ConfigNode;
import java.time.Duration;
import java.util.Objects;

/**
 * How long answers of a remote identity source are kept. Immutable.
 *
 * @param cacheTtl a positive answer is reused this long (never past the credential's expiry);
 *     this bounds how long a revoked credential keeps working
 * @param negativeTtl a refusal is reused this long
 * @param staleIfError while the source cannot answer, a positive answer this young still counts
 * @param maximumSize entries kept at most
 */
public record IdentityCacheConfig(Duration cacheTtl, Duration negativeTtl, Duration staleIfError,
    long maximumSize) {
  private static final Duration DEFAULT_CACHE_TTL = Duration.ofMinutes(5);
  private static final Duration DEFAULT_NEGATIVE_TTL = Duration.ofSeconds(30);
  private static final Duration DEFAULT_STALE_IF_ERROR = Duration.ofHours(1);
  private static final long DEFAULT_MAXIMUM_SIZE = 100_000;

  /** 5 minutes, 30 seconds, 1 hour, 100 000 entries. */
  public static IdentityCacheConfig defaults() {
    return new IdentityCacheConfig(DEFAULT_CACHE_TTL, DEFAULT_NEGATIVE_TTL,
        DEFAULT_STALE_IF_ERROR, DEFAULT_MAXIMUM_SIZE);
  }

  /** The longest any answer may be kept: a year (longer would overflow the cache's clock). */
  public static final Duration MAX_TTL = Duration.ofDays(365);

  public IdentityCacheConfig {
    check("cacheTtl", cacheTtl);
    check("negativeTtl", negativeTtl);
    check("staleIfError", staleIfError);
    if (maximumSize < 1) {
      throw new IllegalArgumentException("maximumSize must be at least 1, got " + maximumSize);
    }
  }

  private static void check(String name, Duration d) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.compareTo(MAX_TTL) > 0) {
      throw new IllegalArgumentException(name + " must be between 0s and 365d, got " + d);
    }
  }

  /**
   * Reads {@code cacheTtl}, {@code negativeTtl} and {@code staleIfError}, which stand directly in
   * the {@code identity:} section; absent ones take the {@link #defaults()}. The caller checks
   * the section for unknown keys.
   *
   * @throws ConfigException naming the line and key of a bad duration or one over 365 days
   */
  public static IdentityCacheConfig read(ConfigMap identitySection) throws ConfigException {
    return new IdentityCacheConfig(
        identitySection.getOrDefault("cacheTtl", IdentityCacheConfig::readTtl, DEFAULT_CACHE_TTL),
        identitySection.getOrDefault("negativeTtl", IdentityCacheConfig::readTtl,
            DEFAULT_NEGATIVE_TTL),
        identitySection.getOrDefault("staleIfError", IdentityCacheConfig::readTtl,
            DEFAULT_STALE_IF_ERROR),
        DEFAULT_MAXIMUM_SIZE);
  }

  private static Duration readTtl(ConfigNode node) throws ConfigException {
    Duration ttl = node.asDuration();
    if (ttl.compareTo(MAX_TTL) > 0) {
      throw node.error("at most 365d");
    }
    return ttl;
  }
}
