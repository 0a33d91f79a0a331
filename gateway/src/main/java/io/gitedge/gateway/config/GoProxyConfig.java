package io.gitedge.gateway.config;

/**
 * The Go module proxy under {@code <publicUrl>/goproxy}. Immutable; validated when built.
 *
 * @param enabled whether {@code /goproxy/...} is answered at all (off: every such request is
 *     "not found", as any unknown path)
 * @param zipCacheBytes space the built module zips ({@code <dataDir>/goproxy}) may take on disk
 */
public record GoProxyConfig(boolean enabled, long zipCacheBytes) {
  static final long DEFAULT_ZIP_CACHE_BYTES = 2L << 30;

  /** On, with 2 GiB of zips. */
  public static final GoProxyConfig DEFAULTS = new GoProxyConfig(true, DEFAULT_ZIP_CACHE_BYTES);

  public GoProxyConfig {
    if (zipCacheBytes < 1) {
      throw new IllegalArgumentException("zipCache must be at least 1 byte, got "
          + zipCacheBytes);
    }
  }
}
