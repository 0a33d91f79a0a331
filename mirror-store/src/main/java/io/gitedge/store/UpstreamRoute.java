package io.gitedge.store;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.X509TrustManager;

/**
 * Maps gateway names under a prefix to repositories under an upstream base URL:
 * {@code github.com/acme} + {@code https://github.com/acme} sends {@code github.com/acme/lib} to
 * {@code https://github.com/acme/lib.git}. Immutable.
 *
 * @param prefix gateway name prefix such as {@code github.com/acme}
 * @param baseUrl upstream base URL, without a trailing slash
 * @param credentials credentials for every repository under the prefix
 * @param urlSuffix appended to each repository URL, {@code .git} by default
 * @param trust TLS trust for an {@code https} base URL instead of the JVM's
 * @param fallback the route to sync from when this one's upstream is down (the origin behind a
 *     tier); same prefix
 */
public record UpstreamRoute(String prefix, String baseUrl,
    Optional<Upstream.Credentials> credentials, String urlSuffix, Optional<X509TrustManager> trust,
    Optional<UpstreamRoute> fallback) {
  public UpstreamRoute {
    Objects.requireNonNull(prefix, "prefix");
    Objects.requireNonNull(baseUrl, "baseUrl");
    Objects.requireNonNull(credentials, "credentials");
    Objects.requireNonNull(urlSuffix, "urlSuffix");
    Objects.requireNonNull(trust, "trust");
    Objects.requireNonNull(fallback, "fallback");
    prefix = strip(prefix);
    baseUrl = strip(baseUrl);
  }

  /** A route with the JVM's TLS trust and no fallback. */
  public UpstreamRoute(String prefix, String baseUrl, Optional<Upstream.Credentials> credentials,
      String urlSuffix) {
    this(prefix, baseUrl, credentials, urlSuffix, Optional.empty(), Optional.empty());
  }

  /** The upstream of {@code name}, or empty when the name is not below this route's prefix. */
  public Optional<Upstream> upstreamFor(MirrorName name) {
    if (!name.isUnder(prefix) || name.value().equals(prefix)) {
      return Optional.empty();
    }
    String rest = name.value().substring(prefix.length() + 1);
    return Optional.of(new Upstream(baseUrl + "/" + rest + urlSuffix, credentials, trust,
        fallback.flatMap(f -> f.upstreamFor(name)), List.of()));
  }

  private static String strip(String s) {
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }
}
