package io.gitedge.goproxy;

/**
 * One request of the module proxy protocol ({@code go help goproxy}), with the module path and
 * version decoded from the protocol's case encoding and checked.
 *
 * <p>The go command builds these paths with {@code module.EscapePath} and
 * {@code module.EscapeVersion}, so anything those could not have produced is refused: on top of
 * x/mod's own checks, versions with {@code ..} or {@code %} (an encoded slash that slipped
 * through), and inputs longer than any module path or version worth serving. {@code .mod} and
 * {@code .zip} need a canonical version of the module ({@code module.Check}), as the go command
 * only ever asks for those; {@code .info} may name a query, such as a branch or a commit.
 *
 * @param modulePath the module path, decoded ({@code github.com/Acme/lib})
 * @param kind what is asked for
 * @param version the version or query as sent ({@code v1.2.3}, a branch, a commit); empty for
 *     {@link Kind#LIST} and {@link Kind#LATEST}
 */
public record ProxyRequest(String modulePath, Kind kind, String version) {
  /** The longest module path served, in bytes (which are ASCII, once decoded). */
  public static final int MAX_MODULE_PATH = 500;

  /** The longest version or query served, in bytes once decoded. */
  public static final int MAX_VERSION = 300;

  /** The longest request path worth decoding: both parts at their longest, fully escaped. */
  private static final int MAX_PATH =
      2 * MAX_MODULE_PATH + "/@v/".length() + 2 * MAX_VERSION + ".info".length();

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
    if (path == null || path.isEmpty()) {
      throw new GoModuleException.Invalid("empty request path");
    }
    if (path.length() > MAX_PATH) {
      throw new GoModuleException.Invalid("request path too long");
    }
    if (path.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      throw new GoModuleException.Invalid(
          "invalid request path " + GoText.quote(path) + ": control character");
    }
    // Module paths never hold '@', so the first "/@" (or a leading "@") ends the module path.
    int at = 0;
    if (!path.startsWith("@")) {
      at = path.indexOf("/@") + 1;
      if (at == 0) {
        throw unknown(path);
      }
    }
    String escapedModule = path.substring(0, Math.max(0, at - 1));
    String endpoint = path.substring(at + 1);
    Kind kind;
    String escapedVersion = "";
    if (endpoint.equals("latest")) {
      kind = Kind.LATEST;
    } else if (endpoint.equals("v/list")) {
      kind = Kind.LIST;
    } else if (endpoint.startsWith("v/") && endpoint.endsWith(".info")) {
      kind = Kind.INFO;
    } else if (endpoint.startsWith("v/") && endpoint.endsWith(".mod")) {
      kind = Kind.MOD;
    } else if (endpoint.startsWith("v/") && endpoint.endsWith(".zip")) {
      kind = Kind.ZIP;
    } else {
      throw unknown(path);
    }
    if (kind == Kind.INFO || kind == Kind.MOD || kind == Kind.ZIP) {
      escapedVersion = endpoint.substring(2, endpoint.lastIndexOf('.'));
    }
    String module = modulePath(escapedModule);
    String version = kind == Kind.LIST || kind == Kind.LATEST ? "" : version(escapedVersion);
    if (kind == Kind.MOD || kind == Kind.ZIP) {
      checkDownloadable(module, version);
    }
    return new ProxyRequest(module, kind, version);
  }

  private static GoModuleException.Invalid unknown(String path) {
    return new GoModuleException.Invalid("unknown request " + GoText.quote(path)
        + ": want <module>/@v/list, <module>/@v/<version>.info, .mod or .zip,"
        + " or <module>/@latest");
  }

  /** The module path of the request, case-decoded and checked ({@code module.UnescapePath}). */
  private static String modulePath(String escaped) throws GoModuleException.Invalid {
    if (escaped.isEmpty()) {
      throw new GoModuleException.Invalid("empty module path");
    }
    String path = ModulePath.unescape(escaped);
    if (path.length() > MAX_MODULE_PATH) {
      throw new GoModuleException.Invalid(
          "module path too long (" + path.length() + " bytes, at most " + MAX_MODULE_PATH + ")");
    }
    return path;
  }

  /**
   * The version or query of the request, case-decoded ({@code module.UnescapeVersion}) and
   * safe as a single path element and as a Git revision to look up.
   */
  private static String version(String escaped) throws GoModuleException.Invalid {
    String version = ModulePath.unescapeVersion(escaped);
    if (version.length() > MAX_VERSION) {
      throw new GoModuleException.Invalid(
          "version too long (" + version.length() + " bytes, at most " + MAX_VERSION + ")");
    }
    if (version.contains("..")) {
      throw new GoModuleException.Invalid(
          "invalid escaped version " + GoText.quote(version) + ": double dot");
    }
    if (version.contains("%")) {
      throw new GoModuleException.Invalid(
          "invalid escaped version " + GoText.quote(version) + ": invalid char '%'");
    }
    return version;
  }

  /**
   * Fails unless {@code version} is what the go command asks {@code .mod} and {@code .zip} for:
   * a canonical version the module path's major suffix allows.
   */
  private static void checkDownloadable(String module, String version)
      throws GoModuleException.Invalid {
    ModulePath.check(module, version);
    if (!Semver.canonical(version).equals(version)) {
      throw new GoModuleException.Invalid(module + "@" + version
          + ": invalid version: not a canonical version (" + Semver.canonical(version) + ")");
    }
  }
}
