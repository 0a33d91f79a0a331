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
public record CacheSettings(Duration cacheTtl, Duration negativeTtl, Duration staleIfError,
    long maximumSize) {
  /** 5 minutes, 30 seconds, 1 hour, 100 000 entries. */
  public static CacheSettings defaults() {
    return new CacheSettings(Duration.ofMinutes(5), Duration.ofSeconds(30), Duration.ofHours(1),
        100_000);
  }

  public CacheSettings {
    Objects.requireNonNull(cacheTtl, "cacheTtl");
    Objects.requireNonNull(negativeTtl, "negativeTtl");
    Objects.requireNonNull(staleIfError, "staleIfError");
  }
}
