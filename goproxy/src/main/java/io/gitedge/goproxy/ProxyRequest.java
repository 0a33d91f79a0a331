package io.gitedge.goproxy;

/**
 * One request of the module proxy protocol ({@code go help goproxy}), with the module path and
 * version decoded from the protocol's case encoding and checked.
 *
 * @param modulePath the module path, decoded ({@code github.com/Acme/lib})
 * @param kind what is asked for
 * @param version the version or query as sent ({@code v1.2.3}, a branch, a commit); empty for
 *     {@link Kind#LIST} and {@link Kind#LATEST}
 */
public record ProxyRequest(String modulePath, Kind kind, String version) {
  /** The endpoints of the protocol. */
  public enum Kind {
    /** {@code <module>/@v/list}: tagged versions, one per line. */
    LIST,
    /** {@code <module>/@v/<version>.info}: the canonical version and its time, JSON. */
    INFO,
    /** {@code <module>/@v/<version>.mod}: the version's go.mod. */
    MOD,
    /** {@code <module>/@v/<version>.zip}: the module zip. */
    ZIP,
    /** {@code <module>/@latest}: the {@code .info} of the latest version. */
    LATEST
  }

  /**
   * Parses the part of a request path after the proxy's base, without a leading slash:
   * {@code github.com/!acme/lib/@v/v1.0.0.zip}.
   *
   * @throws GoModuleException.Invalid when it is no request of the protocol, or the module path
   *     or version is not valid
   */
  public static ProxyRequest parse(String path) throws GoModuleException.Invalid {
    throw new UnsupportedOperationException("not yet");
  }
}
