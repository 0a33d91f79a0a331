package io.gitedge.auth;

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
  /** 5 minutes, 30 seconds, 1 hour, 100 000 entries. */
  public static IdentityCacheConfig defaults() {
    return new IdentityCacheConfig(Duration.ofMinutes(5), Duration.ofSeconds(30),
        Duration.ofHours(1), 100_000);
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
}
