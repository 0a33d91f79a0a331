package io.gitedge.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import com.github.benmanes.caffeine.cache.stats.CacheStats;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Remembers a remote source's answers, so most requests never leave the gateway and a short
 * outage of the source goes unnoticed:
 *
 * <ul>
 *   <li>an acceptance is reused for {@code cacheTtl}, never past the credential's own expiry;
 *       so a revoked credential stops working within {@code cacheTtl};
 *   <li>a refusal is reused for {@code negativeTtl};
 *   <li>"could not answer" is never kept; instead, while the source cannot answer, an acceptance
 *       the source gave less than {@code staleIfError} ago (and not past the credential's
 *       expiry) still counts, unless the source refused the credential since; anything else is
 *       {@link Decision.Unavailable};
 *   <li>concurrent lookups of one credential make one call.
 * </ul>
 *
 * Keys are SHA-256 hashes of the credential, never the credential. Thread-safe.
 */
public final class CachingIdentitySource implements IdentitySource {
  private static final Logger log = LoggerFactory.getLogger(CachingIdentitySource.class);

  private record Stamped(Decision decision, Instant at) {}

  private final IdentitySource delegate;
  private final IdentityCacheConfig settings;
  private final Clock clock;
  private final Cache<String, Stamped> answers;
  private final Cache<String, Stamped> lastAccepted;

  public CachingIdentitySource(IdentitySource delegate, IdentityCacheConfig settings, Clock clock,
      Ticker ticker) {
    this.delegate = delegate;
    this.settings = settings;
    this.clock = clock;
    this.answers = Caffeine.newBuilder().maximumSize(settings.maximumSize()).ticker(ticker)
        .expireAfter(new Expiry<String, Stamped>() {
          @Override
          public long expireAfterCreate(String key, Stamped value, long now) {
            return ttl(value.decision()).toNanos();
          }

          @Override
          public long expireAfterUpdate(String key, Stamped value, long now, long remaining) {
            return ttl(value.decision()).toNanos();
          }

          @Override
          public long expireAfterRead(String key, Stamped value, long now, long remaining) {
            return remaining;
          }
        }).recordStats().build();
    this.lastAccepted = Caffeine.newBuilder().maximumSize(settings.maximumSize()).ticker(ticker)
        .expireAfterWrite(settings.staleIfError()).build();
  }

  /** With the system clock. */
  public CachingIdentitySource(IdentitySource delegate, IdentityCacheConfig settings) {
    this(delegate, settings, Clock.systemUTC(), Ticker.systemTicker());
  }

  @Override
  public Decision decide(Credential credential) {
    Optional<String> key = key(credential);
    if (key.isEmpty()) {
      return delegate.decide(credential);
    }
    boolean[] fresh = new boolean[1];
    Stamped s = answers.get(key.get(), k -> {
      fresh[0] = true;
      return new Stamped(delegate.decide(credential), clock.instant());
    });
    Decision d = s.decision();
    if (d instanceof Decision.Accept) {
      if (fresh[0]) {
        // only the source's own word starts the staleIfError window, never a cache hit
        lastAccepted.put(key.get(), s);
      }
      return d;
    }
    if (d instanceof Decision.Reject) {
      // a no from the source ends every earlier yes, also the one kept for outages
      lastAccepted.invalidate(key.get());
      return d;
    }
    if (d instanceof Decision.Unavailable) {
      answers.invalidate(key.get());
      Stamped good = lastAccepted.getIfPresent(key.get());
      if (good != null && notExpired(good.decision())
          && good.at().plus(settings.staleIfError()).isAfter(clock.instant())) {
        log.info("identity source unavailable; using an answer from {} ago",
            Duration.between(good.at(), clock.instant()).toSeconds() + "s");
        return good.decision();
      }
    }
    return d;
  }

  /** How often lookups were answered from the cache. */
  public CacheStats stats() {
    return answers.stats();
  }

  private Duration ttl(Decision d) {
    if (d instanceof Decision.Accept a) {
      Duration ttl = settings.cacheTtl();
      if (a.validUntil().isPresent()) {
        Duration left = Duration.between(clock.instant(), a.validUntil().get());
        ttl = left.isNegative() ? Duration.ZERO : min(ttl, left);
      }
      return ttl;
    }
    if (d instanceof Decision.Unavailable
        || d instanceof Decision.Reject r && !r.cacheable()) {
      return Duration.ZERO;
    }
    return settings.negativeTtl();
  }

  private boolean notExpired(Decision d) {
    return !(d instanceof Decision.Accept a) || a.validUntil().isEmpty()
        || a.validUntil().get().isAfter(clock.instant());
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  /** A hash standing for the credential; empty for credentials not worth caching. */
  static Optional<String> key(Credential c) {
    if (c instanceof AccessToken t) {
      return Optional.of("t:" + sha256(t.reveal()));
    }
    if (c instanceof SshKey k) {
      return Optional.of("k:" + k.fingerprint());
    }
    return Optional.empty();
  }

  private static String sha256(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
