package io.gitedge.store;

import java.util.Objects;
import java.util.Optional;

/**
 * Maps gateway names under a prefix to repositories under an upstream base URL:
 * {@code github.com/acme} + {@code https://github.com/acme} sends {@code github.com/acme/lib} to
 * {@code https://github.com/acme/lib.git}. Immutable.
 *
 * @param prefix gateway name prefix such as {@code github.com/acme}
 * @param baseUrl upstream base URL, without a trailing slash
 * @param credentials credentials for every repository under the prefix
 * @param urlSuffix appended to each repository URL, {@code .git} by default
 */
public record UpstreamRoute(String prefix, String baseUrl,
    Optional<Upstream.Credentials> credentials, String urlSuffix) {
  public UpstreamRoute {
    Objects.requireNonNull(prefix, "prefix");
    Objects.requireNonNull(baseUrl, "baseUrl");
    Objects.requireNonNull(credentials, "credentials");
    Objects.requireNonNull(urlSuffix, "urlSuffix");
    prefix = strip(prefix);
    baseUrl = strip(baseUrl);
  }

  /** The upstream of {@code name}, or empty when the name is not below this route's prefix. */
  public Optional<Upstream> upstreamFor(MirrorName name) {
    if (!name.isUnder(prefix) || name.value().equals(prefix)) {
      return Optional.empty();
    }
    String rest = name.value().substring(prefix.length() + 1);
    return Optional.of(new Upstream(baseUrl + "/" + rest + urlSuffix, credentials));
  }

  private static String strip(String s) {
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }
}
