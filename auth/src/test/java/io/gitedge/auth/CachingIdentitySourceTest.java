package io.gitedge.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The cache's promises, on a clock the test moves. */
class CachingIdentitySourceTest {
  private final AtomicLong nanos = new AtomicLong();
  private final Ticker ticker = nanos::get;
  private final Instant start = Instant.parse("2026-11-25T12:00:00Z");
  private final Clock clock = new Clock() {
    @Override
    public ZoneId getZone() {
      return ZoneId.of("UTC");
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return start.plusNanos(nanos.get());
    }
  };
  private final AtomicInteger calls = new AtomicInteger();
  private final AtomicReference<Decision> answer = new AtomicReference<>();
  private final IdentitySource source = c -> {
    calls.incrementAndGet();
    return answer.get();
  };
  private final CachingIdentitySource cache = new CachingIdentitySource(source,
      new IdentityCacheConfig(Duration.ofMinutes(5), Duration.ofSeconds(30), Duration.ofHours(1),
          1000), clock, ticker);
  private final Principal alice = Principal.user("alice", Set.of("eng"));
  private final AccessToken token = AccessToken.of("opaque-token");

  private void advance(Duration d) {
    nanos.addAndGet(d.toNanos());
  }

  @Test
  void anAcceptance_isReusedForCacheTtl_thenAskedAgain_soRevocationTakesEffect() {
    answer.set(Decision.accept(alice));
    assertEquals(Optional.of(alice), cache.authenticate(token));
    advance(Duration.ofMinutes(4));
    assertEquals(Optional.of(alice), cache.authenticate(token));
    assertEquals(1, calls.get());

    answer.set(new Decision.Reject("revoked"));
    advance(Duration.ofMinutes(1).plusSeconds(1));
    assertInstanceOf(Decision.Reject.class, cache.decide(token), "revoked within cacheTtl");
    assertEquals(2, calls.get());
  }

  @Test
  void anAcceptance_isNeverKeptPastTheCredentialsExpiry() {
    answer.set(new Decision.Accept(alice, Optional.of(start.plusSeconds(20))));
    cache.decide(token);
    advance(Duration.ofSeconds(21));
    answer.set(new Decision.Reject("expired"));
    assertInstanceOf(Decision.Reject.class, cache.decide(token));
  }

  @Test
  void aRefusal_isReusedForNegativeTtl() {
    answer.set(new Decision.Reject("unknown-token"));
    cache.decide(token);
    cache.decide(token);
    assertEquals(1, calls.get());
    advance(Duration.ofSeconds(31));
    answer.set(Decision.accept(alice));
    assertEquals(Optional.of(alice), cache.authenticate(token));
  }

  @Test
  void anUnavailableSource_isNeverCached_andAFreshAcceptanceCarriesOverTheOutage() {
    answer.set(Decision.accept(alice));
    cache.decide(token);
    advance(Duration.ofMinutes(10));
    answer.set(new Decision.Unavailable("source-unavailable"));

    assertEquals(Optional.of(alice), cache.authenticate(token), "stale but within staleIfError");
    assertEquals(Optional.of(alice), cache.authenticate(token));
    assertEquals(3, calls.get(), "unavailable answers are asked again every time");

    AccessToken newcomer = AccessToken.of("never-seen");
    assertInstanceOf(Decision.Unavailable.class, cache.decide(newcomer));

    advance(Duration.ofHours(1));
    assertInstanceOf(Decision.Unavailable.class, cache.decide(token), "past staleIfError");
  }

  @Test
  void aRefusal_endsTheAcceptanceKeptForOutages_soARevokedTokenStaysOutWhileTheSourceIsDown() {
    answer.set(Decision.accept(alice));
    cache.decide(token);
    advance(Duration.ofMinutes(6));
    answer.set(new Decision.Reject("revoked"));
    assertInstanceOf(Decision.Reject.class, cache.decide(token));

    advance(Duration.ofSeconds(31));
    answer.set(new Decision.Unavailable("source-unavailable"));
    assertInstanceOf(Decision.Unavailable.class, cache.decide(token),
        "a revoked token must not come back during an outage");
  }

  @Test
  void theOutageWindow_runsFromTheSourcesLastYes_notFromTheLastCacheHit() {
    answer.set(Decision.accept(alice));
    cache.decide(token);
    for (int i = 0; i < 4; i++) {
      advance(Duration.ofMinutes(1));
      cache.decide(token); // hits, no new word from the source
    }
    assertEquals(1, calls.get());
    advance(Duration.ofMinutes(57)); // 61 minutes after the source said yes
    answer.set(new Decision.Unavailable("source-unavailable"));
    assertInstanceOf(Decision.Unavailable.class, cache.decide(token));
  }

  @Test
  void concurrentLookupsOfOneCredential_makeOneCall() throws Exception {
    CountDownLatch inCall = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger slowCalls = new AtomicInteger();
    CachingIdentitySource slow = new CachingIdentitySource(c -> {
      slowCalls.incrementAndGet();
      inCall.countDown();
      try {
        if (!release.await(10, TimeUnit.SECONDS)) {
          throw new AssertionError("the slow lookup was never released");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while held", e);
      }
      return Decision.accept(alice);
    }, IdentityCacheConfig.defaults(), clock, ticker);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Optional<Principal>>> results = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        results.add(pool.submit(() -> slow.authenticate(token)));
      }
      assertTrue(inCall.await(10, TimeUnit.SECONDS));
      Thread.sleep(100);
      release.countDown();
      for (Future<Optional<Principal>> f : results) {
        assertEquals(Optional.of(alice), f.get(10, TimeUnit.SECONDS));
      }
      assertEquals(1, slowCalls.get());
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void t06_cacheKeys_areHashes_neverTheCredential() {
    String key = CachingIdentitySource.key(AccessToken.of("s3cret-token-value")).orElseThrow();
    assertTrue(!key.contains("s3cret"), key);
    assertEquals(2 + 64, key.length());
  }
}
