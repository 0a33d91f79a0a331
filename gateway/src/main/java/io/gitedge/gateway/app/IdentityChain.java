package io.gitedge.gateway.app;

import com.github.benmanes.caffeine.cache.Ticker;
import io.gitedge.auth.CachingIdentitySource;
import io.gitedge.auth.HttpKeysIdentitySource;
import io.gitedge.auth.IdentitySource;
import io.gitedge.auth.IntrospectionIdentitySource;
import io.gitedge.auth.ObservedIdentitySource;
import io.gitedge.auth.OidcIdentitySource;
import io.gitedge.auth.ReloadingIdentityFile;
import io.gitedge.auth.RevokedSshKeys;
import io.gitedge.auth.SshCertificateAuthorities;
import io.gitedge.config.ConfigException;
import io.gitedge.gateway.config.IdentityConfig;
import io.gitedge.gateway.observe.GatewayMetrics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Builds the identity sources the config names, in their fixed order: identity file, OIDC,
 * introspection, central SSH keys, SSH certificate authorities; revoked SSH keys are refused
 * before any of them. Each remote source sits behind its own cache; every source reports its
 * decisions to the listener.
 */
final class IdentityChain {
  private static final Duration FILE_CHECK_INTERVAL = Duration.ofSeconds(2);

  private final IdentitySource chain;
  private final Map<String, CachingIdentitySource> caches;

  private IdentityChain(IdentitySource chain, Map<String, CachingIdentitySource> caches) {
    this.chain = chain;
    this.caches = caches;
  }

  /**
   * @param clock what the caches and certificate checks measure time with
   */
  static IdentityChain build(IdentityConfig c, ObservedIdentitySource.Listener listener,
      Clock clock) throws ConfigException {
    Ticker ticker = clock.equals(Clock.systemUTC()) ? Ticker.systemTicker() : () -> {
      Instant now = clock.instant();
      return TimeUnit.SECONDS.toNanos(now.getEpochSecond()) + now.getNano();
    };
    Remotes remotes = new Remotes(c, listener, clock, ticker);
    ReloadingIdentityFile file = new ReloadingIdentityFile(c.file(), FILE_CHECK_INTERVAL);
    List<IdentitySource> sources = new ArrayList<>();
    sources.add(new ObservedIdentitySource("file", file, listener));
    if (c.oidc().isPresent()) {
      OidcIdentitySource oidc = new OidcIdentitySource(c.oidc().get(), c.cache().staleIfError());
      oidc.checkProvider();
      sources.add(remotes.cached("oidc", oidc));
    }
    c.introspection().ifPresent(i -> sources.add(remotes.cached("introspection",
        new IntrospectionIdentitySource(i, c.oidc().isEmpty()))));
    c.httpKeys().ifPresent(h -> sources.add(remotes.cached("http-keys",
        new HttpKeysIdentitySource(h))));
    sources.add(new ObservedIdentitySource("ssh-ca", new SshCertificateAuthorities(
        c.sshCertificateAuthorities(), file::user, clock), listener));
    IdentitySource chain = new RevokedSshKeys(c.sshRevokedKeys(),
        IdentitySource.firstOf(sources));
    return new IdentityChain(new ObservedIdentitySource(GatewayMetrics.ALL_SOURCES, chain,
        listener), remotes.caches);
  }

  /**
   * Each source {@link #build} makes of {@code c}, by the name its decisions are counted under,
   * with where it asks, in the order asked; then {@code all}, the chain's final decisions.
   */
  static Map<String, String> describe(IdentityConfig c) {
    Map<String, String> out = new LinkedHashMap<>();
    out.put("file", c.file().toString());
    c.oidc().ifPresent(o -> out.put("oidc", o.issuer().toString()));
    c.introspection().ifPresent(i -> out.put("introspection", i.url().toString()));
    c.httpKeys().ifPresent(h -> out.put("http-keys", h.url().toString()));
    out.put("ssh-ca", c.sshCertificateAuthorities().size() + " certificate "
        + (c.sshCertificateAuthorities().size() == 1 ? "authority" : "authorities"));
    out.put("all", "the final decision, after every source");
    return out;
  }

  /** Puts each remote source behind its own cache, observed, and remembers the caches. */
  private record Remotes(IdentityConfig config, ObservedIdentitySource.Listener listener,
      Clock clock, Ticker ticker, Map<String, CachingIdentitySource> caches) {
    Remotes(IdentityConfig config, ObservedIdentitySource.Listener listener, Clock clock,
        Ticker ticker) {
      this(config, listener, clock, ticker, new LinkedHashMap<>());
    }

    IdentitySource cached(String name, IdentitySource source) {
      CachingIdentitySource cached = new CachingIdentitySource(
          new ObservedIdentitySource(name, source, listener), config.cache(), clock, ticker);
      caches.put(name, cached);
      return cached;
    }
  }

  /** The whole chain, as the front doors ask it. */
  IdentitySource source() {
    return chain;
  }

  /** The cache of each remote source, by source name, for the hit-ratio metrics. */
  Map<String, CachingIdentitySource> caches() {
    return caches;
  }
}
