package io.gitedge.goproxy;

import java.util.Optional;

/**
 * The module path and version checks {@code x/mod/zip.Create} makes before it looks at a file
 * ({@code module.CanonicalVersion}, {@code module.Check}: {@code CheckPath},
 * {@code SplitPathVersion}, {@code CheckPathMajor}), with the go command's messages. A stand-in
 * until {@link ModulePath} and {@link Semver} are filled in; then these become calls to them.
 */
final class ZipModuleCheck {
  private ZipModuleCheck() {}

  /**
   * Why {@code modulePath@version} cannot name a module zip, as {@code Create} says it: a
   * version not canonical, a malformed module path, a version not matching the path's major
   * version suffix.
   */
  static Optional<String> check(String modulePath, String version) {
    String canonical = ZipSemver.canonicalModuleVersion(version);
    if (!canonical.equals(version)) {
      return Optional.of("version " + GoText.quote(version) + " is not canonical (should be "
          + GoText.quote(canonical) + ")");
    }
    Optional<String> badPath = checkPath(modulePath);
    if (badPath.isPresent()) {
      return badPath;
    }
    if (!ZipSemver.isValid(version)) {
      return Optional.of(invalidVersion(modulePath, version, "not a semantic version"));
    }
    String pathMajor = splitPathMajor(modulePath).orElse("");
    return pathMajorMismatch(version, pathMajor)
        .map(why -> invalidVersion(modulePath, version, why));
  }

  /** {@code module.ModuleError} around an {@code InvalidVersionError}. */
  private static String invalidVersion(String modulePath, String version, String why) {
    return modulePath + "@" + version + ": invalid version: " + why;
  }

  /** {@code module.CheckPath}: {@code malformed module path "p": why}, if it is. */
  static Optional<String> checkPath(String path) {
    return checkPathRules(path).map(why -> PathRules.malformed("module", path, why));
  }

  private static Optional<String> checkPathRules(String path) {
    Optional<String> bad = PathRules.check(path, PathRules.Kind.MODULE);
    if (bad.isPresent()) {
      return bad;
    }
    int slash = path.indexOf('/');
    String first = slash < 0 ? path : path.substring(0, slash);
    if (first.isEmpty()) {
      return Optional.of("leading slash");
    }
    if (!first.contains(".")) {
      return Optional.of("missing dot in first path element");
    }
    if (path.charAt(0) == '-') {
      return Optional.of("leading dash in first path element");
    }
    for (int i = 0; i < first.length(); i++) {
      char c = first.charAt(i);
      if (!(c == '-' || c == '.' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z'))) {
        return Optional.of("invalid char " + GoText.quoteRune(c) + " in first path element");
      }
    }
    if (splitPathMajor(path).isEmpty()) {
      return Optional.of("invalid version");
    }
    return Optional.empty();
  }

  /**
   * {@code module.SplitPathVersion}'s major version suffix: {@code /v2} for
   * {@code example.com/m/v2}, {@code .v3} for {@code gopkg.in/yaml.v3}, {@code ""} when there is
   * none; empty when the suffix is malformed ({@code /v1}, {@code /v05}, {@code /v2.1}).
   */
  static Optional<String> splitPathMajor(String path) {
    if (path.startsWith("gopkg.in/")) {
      return splitGopkgIn(path);
    }
    int i = path.length();
    boolean dot = false;
    while (i > 0 && (isDigit(path.charAt(i - 1)) || path.charAt(i - 1) == '.')) {
      dot |= path.charAt(i - 1) == '.';
      i--;
    }
    if (i <= 1 || i == path.length() || path.charAt(i - 1) != 'v' || path.charAt(i - 2) != '/') {
      return Optional.of("");
    }
    String pathMajor = path.substring(i - 2);
    if (dot || pathMajor.length() <= 2 || pathMajor.charAt(2) == '0' || pathMajor.equals("/v1")) {
      return Optional.empty();
    }
    return Optional.of(pathMajor);
  }

  private static Optional<String> splitGopkgIn(String path) {
    int i = path.length();
    if (path.endsWith("-unstable")) {
      i -= "-unstable".length();
    }
    while (i > 0 && isDigit(path.charAt(i - 1))) {
      i--;
    }
    if (i <= 1 || path.charAt(i - 1) != 'v' || path.charAt(i - 2) != '.') {
      return Optional.empty();
    }
    String pathMajor = path.substring(i - 2);
    if (pathMajor.length() <= 2 || (pathMajor.charAt(2) == '0' && !pathMajor.equals(".v0"))) {
      return Optional.empty();
    }
    return Optional.of(pathMajor);
  }

  /**
   * {@code module.CheckPathMajor}: {@code should be v2, not v3} when the semantic version
   * {@code v} may not belong to a path whose major suffix is {@code pathMajor}.
   */
  static Optional<String> pathMajorMismatch(String v, String pathMajor) {
    if (pathMajor.startsWith(".v") && pathMajor.endsWith("-unstable")) {
      pathMajor = pathMajor.substring(0, pathMajor.length() - "-unstable".length());
    }
    if (v.startsWith("v0.0.0-") && pathMajor.equals(".v1")) {
      // An old bug made v0.0.0- pseudo-versions for gopkg.in .v1 paths; they stay allowed.
      return Optional.empty();
    }
    String major = ZipSemver.major(v);
    String want;
    if (pathMajor.isEmpty()) {
      if (major.equals("v0") || major.equals("v1") || ZipSemver.build(v).equals("+incompatible")) {
        return Optional.empty();
      }
      want = "v0 or v1";
    } else if (pathMajor.charAt(0) == '/' || pathMajor.charAt(0) == '.') {
      if (major.equals(pathMajor.substring(1))) {
        return Optional.empty();
      }
      want = pathMajor.substring(1);
    } else {
      want = pathMajor;
    }
    return Optional.of("should be " + want + ", not " + major);
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }
}
