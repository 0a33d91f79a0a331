package io.gitedge.gateway.app;

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
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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

  static IdentityChain build(IdentityConfig c, ObservedIdentitySource.Listener listener)
      throws ConfigException {
    ReloadingIdentityFile file = new ReloadingIdentityFile(c.file(), FILE_CHECK_INTERVAL);
    List<IdentitySource> sources = new ArrayList<>();
    Map<String, CachingIdentitySource> caches = new LinkedHashMap<>();
    sources.add(new ObservedIdentitySource("file", file, listener));
    if (c.oidc().isPresent()) {
      OidcIdentitySource oidc = new OidcIdentitySource(c.oidc().get(), c.cache().staleIfError());
      oidc.checkProvider();
      sources.add(remote("oidc", oidc, c, listener, caches));
    }
    c.introspection().ifPresent(i -> sources.add(remote("introspection",
        new IntrospectionIdentitySource(i, c.oidc().isEmpty()), c, listener, caches)));
    c.httpKeys().ifPresent(h -> sources.add(remote("http-keys",
        new HttpKeysIdentitySource(h), c, listener, caches)));
    sources.add(new ObservedIdentitySource("ssh-ca", new SshCertificateAuthorities(
        c.sshCertificateAuthorities(), file::user, Clock.systemUTC()), listener));
    IdentitySource chain = new RevokedSshKeys(c.sshRevokedKeys(),
        IdentitySource.firstOf(sources));
    return new IdentityChain(new ObservedIdentitySource("all", chain, listener), caches);
  }

  private static IdentitySource remote(String name, IdentitySource source, IdentityConfig c,
      ObservedIdentitySource.Listener listener, Map<String, CachingIdentitySource> caches) {
    CachingIdentitySource cached = new CachingIdentitySource(
        new ObservedIdentitySource(name, source, listener), c.cache());
    caches.put(name, cached);
    return cached;
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
