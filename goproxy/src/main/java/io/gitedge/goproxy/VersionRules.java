package io.gitedge.goproxy;

/**
 * Small helpers of {@code golang.org/x/mod/module} and {@code cmd/go/internal/modfetch} built on
 * {@link Semver}: {@code +incompatible}, the major version a module path's suffix asks for, and
 * path prefixes.
 */
final class VersionRules {
  static final String INCOMPATIBLE = "+incompatible";

  private VersionRules() {}

  /** {@code v} without a trailing {@code +incompatible}. */
  static String trimIncompatible(String v) {
    return v.endsWith(INCOMPATIBLE) ? v.substring(0, v.length() - INCOMPATIBLE.length()) : v;
  }

  /**
   * {@code module.PathMajorPrefix}: {@code v2} for {@code /v2} or {@code .v2-unstable},
   * {@code ""} for none.
   */
  static String pathMajorPrefix(String pathMajor) {
    if (pathMajor.isEmpty()) {
      return "";
    }
    String m = pathMajor;
    if (m.startsWith(".v") && m.endsWith("-unstable")) {
      m = m.substring(0, m.length() - "-unstable".length());
    }
    return m.substring(1);
  }

  /** {@code hasPathPrefix} of coderepo.go: whether {@code s} is {@code prefix} or under it. */
  static boolean hasPathPrefix(String s, String prefix) {
    if (s.length() == prefix.length()) {
      return s.equals(prefix);
    }
    if (s.length() < prefix.length()) {
      return false;
    }
    if (!prefix.isEmpty() && prefix.endsWith("/")) {
      return s.startsWith(prefix);
    }
    return s.charAt(prefix.length()) == '/' && s.startsWith(prefix);
  }

  /** {@code path.Join} for clean relative elements: empty ones are dropped. */
  static String join(String... elements) {
    StringBuilder b = new StringBuilder();
    for (String e : elements) {
      if (e.isEmpty()) {
        continue;
      }
      if (b.length() > 0) {
        b.append('/');
      }
      b.append(e);
    }
    return b.toString();
  }
}
