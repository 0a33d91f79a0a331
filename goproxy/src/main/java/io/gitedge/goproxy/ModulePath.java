package io.gitedge.goproxy;

import java.util.Optional;

/**
 * Module paths and versions as {@code golang.org/x/mod/module} checks and encodes them.
 */
public final class ModulePath {
  private ModulePath() {}

  /** A module path split at its major version suffix ({@code module.SplitPathVersion}). */
  public record Split(String prefix, String pathMajor) {}

  /**
   * Fails unless {@code path} is a valid module path ({@code module.CheckPath}): the message
   * says why, as the go command says it.
   */
  public static void check(String path) throws GoModuleException.Invalid {
    throw new UnsupportedOperationException("not yet");
  }

  /** The proxy protocol's case encoding ({@code module.EscapePath}): {@code !a} for {@code A}. */
  public static String escape(String path) throws GoModuleException.Invalid {
    throw new UnsupportedOperationException("not yet");
  }

  /** The inverse of {@link #escape}, checking the result ({@code module.UnescapePath}). */
  public static String unescape(String escaped) throws GoModuleException.Invalid {
    throw new UnsupportedOperationException("not yet");
  }

  /** {@code module.EscapeVersion}. */
  public static String escapeVersion(String version) throws GoModuleException.Invalid {
    throw new UnsupportedOperationException("not yet");
  }

  /** {@code module.UnescapeVersion}. */
  public static String unescapeVersion(String escaped) throws GoModuleException.Invalid {
    throw new UnsupportedOperationException("not yet");
  }

  /**
   * {@code github.com/a/b/v2} splits into {@code github.com/a/b} and {@code /v2};
   * {@code gopkg.in/yaml.v3} into {@code gopkg.in/yaml} and {@code .v3}; a path without a
   * suffix into itself and {@code ""}. Empty when the suffix is malformed ({@code /v1},
   * {@code /v05}).
   */
  public static Optional<Split> splitPathVersion(String path) {
    throw new UnsupportedOperationException("not yet");
  }

  /** {@code module.MatchPathMajor}: whether {@code version} may belong to a module path whose major suffix is {@code pathMajor}. */
  public static boolean matchPathMajor(String version, String pathMajor) {
    throw new UnsupportedOperationException("not yet");
  }

  /** {@code module.CheckPathMajor}, with its message. */
  public static void checkPathMajor(String version, String pathMajor)
      throws GoModuleException.Invalid {
    throw new UnsupportedOperationException("not yet");
  }
}
