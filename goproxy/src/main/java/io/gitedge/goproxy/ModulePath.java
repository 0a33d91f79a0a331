package io.gitedge.goproxy;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Module paths and versions as {@code golang.org/x/mod/module} checks and encodes them.
 *
 * <p>Messages are worded as the go command words them ({@code malformed module path "x": ...},
 * {@code invalid escaped module path "x"}), since a proxy's refusal reaches the go command's
 * user verbatim.
 */
public final class ModulePath {
  /**
   * Whether {@code shortName} is a reserved Windows device name, case folded as Go's
   * {@code strings.EqualFold} does; checked for every element of every path, so the usual
   * all-ASCII element takes a set lookup.
   */
  private static boolean reservedOnWindows(String shortName) {
    if (shortName.length() > BAD_WINDOWS_MAX) {
      return false;
    }
    boolean ascii = shortName.chars().allMatch(c -> c < 0x80);
    if (ascii) {
      return BAD_WINDOWS_UPPER.contains(shortName.toUpperCase(Locale.ROOT));
    }
    for (String bad : BAD_WINDOWS_NAMES) {
      if (GoText.equalFold(bad, shortName)) {
        return true;
      }
    }
    return false;
  }

  private ModulePath() {}

  /** A module path split at its major version suffix ({@code module.SplitPathVersion}). */
  public record Split(String prefix, String pathMajor) {}

  /**
   * The three kinds of path x/mod checks: module paths are the strictest, import paths also
   * allow {@code +} and a leading dot, file paths (in module zips, and versions) allow most
   * punctuation and Unicode letters.
   */
  enum Kind {
    MODULE("module"),
    IMPORT("import"),
    FILE("file");

    final String noun;

    Kind(String noun) {
      this.noun = noun;
    }
  }

  /** Reserved file names on Windows, refused (case-insensitively) as any path element. */
  private static final List<String> BAD_WINDOWS_NAMES = List.of("CON", "PRN", "AUX", "NUL",
      "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9",
      "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9");
  /** {@link #BAD_WINDOWS_NAMES} in upper case, for the common all-ASCII element. */
  private static final Set<String> BAD_WINDOWS_UPPER = Set.copyOf(BAD_WINDOWS_NAMES);
  private static final int BAD_WINDOWS_MAX = BAD_WINDOWS_NAMES.stream()
      .mapToInt(String::length).max().orElse(0);

  /**
   * Fails unless {@code path} is a valid module path ({@code module.CheckPath}): the message
   * says why, as the go command says it.
   */
  public static void check(String path) throws GoModuleException.Invalid {
    String why = modulePathProblem(path);
    if (why != null) {
      throw malformed(Kind.MODULE, path, why);
    }
  }

  /**
   * Fails unless {@code version} is a valid version of the module at {@code path}
   * ({@code module.Check}): a valid path, a semantic version, and a major version the path's
   * suffix allows.
   */
  public static void check(String path, String version) throws GoModuleException.Invalid {
    check(path);
    if (!Semver.isValid(version)) {
      throw new GoModuleException.Invalid(
          path + "@" + version + ": invalid version: not a semantic version");
    }
    String pathMajor = splitPathVersion(path).orElseThrow().pathMajor();
    String why = pathMajorMismatch(version, pathMajor);
    if (why != null) {
      throw new GoModuleException.Invalid(path + "@" + version + ": invalid version: " + why);
    }
  }

  /**
   * Fails unless {@code path} is a valid slash-separated file path in a module
   * ({@code module.CheckFilePath}): like an import path, but also Unicode letters, the space
   * and {@code !#$%&()+,-.=@[]^_{}~}.
   */
  public static void checkFilePath(String path) throws GoModuleException.Invalid {
    String why = pathProblem(path, Kind.FILE);
    if (why != null) {
      throw malformed(Kind.FILE, path, why);
    }
  }

  /** {@code module.CheckImportPath}; the go command's rules for packages, kept for tests. */
  static void checkImportPath(String path) throws GoModuleException.Invalid {
    String why = pathProblem(path, Kind.IMPORT);
    if (why != null) {
      throw malformed(Kind.IMPORT, path, why);
    }
  }

  /** The proxy protocol's case encoding ({@code module.EscapePath}): {@code !a} for {@code A}. */
  public static String escape(String path) throws GoModuleException.Invalid {
    check(path);
    return escapeString(path);
  }

  /** The inverse of {@link #escape}, checking the result ({@code module.UnescapePath}). */
  public static String unescape(String escaped) throws GoModuleException.Invalid {
    String path = unescapeString(escaped);
    if (path == null) {
      throw new GoModuleException.Invalid(
          "invalid escaped module path " + GoText.quote(escaped));
    }
    String why = modulePathProblem(path);
    if (why != null) {
      throw new GoModuleException.Invalid("invalid escaped module path "
          + GoText.quote(escaped) + ": " + malformed(Kind.MODULE, path, why).getMessage());
    }
    return path;
  }

  /**
   * {@code module.EscapeVersion}. Versions need not be semantic (a branch, a commit) but must be
   * a valid file name without {@code !}.
   */
  public static String escapeVersion(String version) throws GoModuleException.Invalid {
    if (elemProblem(version, Kind.FILE) != null || version.contains("!")) {
      throw new GoModuleException.Invalid(
          "version " + GoText.quote(version) + " invalid: disallowed version string");
    }
    return escapeString(version);
  }

  /** {@code module.UnescapeVersion}. */
  public static String unescapeVersion(String escaped) throws GoModuleException.Invalid {
    String version = unescapeString(escaped);
    if (version == null) {
      throw new GoModuleException.Invalid("invalid escaped version " + GoText.quote(escaped));
    }
    String why = elemProblem(version, Kind.FILE);
    if (why != null) {
      throw new GoModuleException.Invalid(
          "invalid escaped version " + GoText.quote(version) + ": " + why);
    }
    return version;
  }

  /**
   * {@code github.com/a/b/v2} splits into {@code github.com/a/b} and {@code /v2};
   * {@code gopkg.in/yaml.v3} into {@code gopkg.in/yaml} and {@code .v3}; a path without a
   * suffix into itself and {@code ""}. Empty when the suffix is malformed ({@code /v1},
   * {@code /v05}).
   */
  public static Optional<Split> splitPathVersion(String path) {
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
      return Optional.of(new Split(path, ""));
    }
    String pathMajor = path.substring(i - 2);
    if (dot || pathMajor.length() <= 2 || pathMajor.charAt(2) == '0'
        || pathMajor.equals("/v1")) {
      return Optional.empty();
    }
    return Optional.of(new Split(path.substring(0, i - 2), pathMajor));
  }

  /**
   * gopkg.in paths all end in {@code .vN} for any N (v0 and v1 too), optionally followed by
   * {@code -unstable}.
   */
  private static Optional<Split> splitGopkgIn(String path) {
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
    if (pathMajor.length() <= 2 || pathMajor.charAt(2) == '0' && !pathMajor.equals(".v0")) {
      return Optional.empty();
    }
    return Optional.of(new Split(path.substring(0, i - 2), pathMajor));
  }

  /**
   * {@code module.MatchPathMajor}: whether {@code version} may belong to a module path whose
   * major suffix is {@code pathMajor}.
   */
  public static boolean matchPathMajor(String version, String pathMajor) {
    return pathMajorMismatch(version, pathMajor) == null;
  }

  /** {@code module.CheckPathMajor}, with its message. */
  public static void checkPathMajor(String version, String pathMajor)
      throws GoModuleException.Invalid {
    String why = pathMajorMismatch(version, pathMajor);
    if (why != null) {
      throw new GoModuleException.Invalid(
          "version " + GoText.quote(version) + " invalid: " + why);
    }
  }

  /**
   * Why {@code version} cannot go with {@code pathMajor} ({@code should be v2, not v3}), or null
   * when it can. Without a suffix v0, v1 and {@code +incompatible} versions are allowed; the
   * v0 pseudo-versions early vgo made for gopkg.in {@code .v1} paths still are.
   */
  private static String pathMajorMismatch(String version, String pathMajor) {
    if (pathMajor.startsWith(".v") && pathMajor.endsWith("-unstable")) {
      pathMajor = pathMajor.substring(0, pathMajor.length() - "-unstable".length());
    }
    if (version.startsWith("v0.0.0-") && pathMajor.equals(".v1")) {
      return null;
    }
    String major = Semver.major(version);
    String want = pathMajor;
    if (pathMajor.isEmpty()) {
      if (major.equals("v0") || major.equals("v1")
          || Semver.build(version).equals("+incompatible")) {
        return null;
      }
      want = "v0 or v1";
    } else if (pathMajor.charAt(0) == '/' || pathMajor.charAt(0) == '.') {
      if (major.equals(pathMajor.substring(1))) {
        return null;
      }
      want = pathMajor.substring(1);
    }
    return "should be " + want + ", not " + major;
  }

  private static GoModuleException.Invalid malformed(Kind kind, String path, String why) {
    return new GoModuleException.Invalid(
        "malformed " + kind.noun + " path " + GoText.quote(path) + ": " + why);
  }

  /** Why {@code path} is not a module path, or null when it is ({@code CheckPath}). */
  private static String modulePathProblem(String path) {
    String why = pathProblem(path, Kind.MODULE);
    if (why != null) {
      return why;
    }
    int i = path.indexOf('/');
    if (i < 0) {
      i = path.length();
    }
    if (i == 0) {
      return "leading slash";
    }
    String first = path.substring(0, i);
    if (!first.contains(".")) {
      return "missing dot in first path element";
    }
    if (path.charAt(0) == '-') {
      return "leading dash in first path element";
    }
    for (int k = 0; k < first.length(); k++) {
      char c = first.charAt(k);
      if (!(c == '-' || c == '.' || isDigit(c) || 'a' <= c && c <= 'z')) {
        return "invalid char " + GoText.quoteRune(c) + " in first path element";
      }
    }
    if (splitPathVersion(path).isEmpty()) {
      return "invalid version";
    }
    return null;
  }

  /** Why {@code path} is not a valid path of the kind, or null ({@code checkPath}). */
  private static String pathProblem(String path, Kind kind) {
    if (!GoText.isValidUtf8(path)) {
      return "invalid UTF-8";
    }
    if (path.isEmpty()) {
      return "empty string";
    }
    if (path.charAt(0) == '-' && kind != Kind.FILE) {
      return "leading dash";
    }
    if (path.contains("//")) {
      return "double slash";
    }
    if (path.endsWith("/")) {
      return "trailing slash";
    }
    int start = 0;
    while (true) {
      int slash = path.indexOf('/', start);
      String why = elemProblem(path.substring(start, slash < 0 ? path.length() : slash), kind);
      if (why != null || slash < 0) {
        return why;
      }
      start = slash + 1;
    }
  }

  /** Why {@code elem} is not a valid path element of the kind, or null ({@code checkElem}). */
  static String elemProblem(String elem, Kind kind) {
    if (elem.isEmpty()) {
      return "empty path element";
    }
    if (elem.chars().allMatch(c -> c == '.')) {
      return "invalid path element " + GoText.quote(elem);
    }
    if (elem.charAt(0) == '.' && kind == Kind.MODULE) {
      return "leading dot in path element";
    }
    if (elem.endsWith(".")) {
      return "trailing dot in path element";
    }
    for (int i = 0; i < elem.length(); ) {
      int c = elem.codePointAt(i);
      boolean ok = switch (kind) {
        case MODULE -> modPathOk(c);
        case IMPORT -> modPathOk(c) || c == '+';
        case FILE -> fileNameOk(c);
      };
      if (!ok) {
        return "invalid char " + GoText.quoteRune(c);
      }
      i += Character.charCount(c);
    }
    int dot = elem.indexOf('.');
    String shortName = dot < 0 ? elem : elem.substring(0, dot);
    if (reservedOnWindows(shortName)) {
      return GoText.quote(shortName) + " disallowed as path element component on Windows";
    }
    if (kind == Kind.FILE) {
      return null;
    }
    // Windows short names (PROGRA~1) end in a tilde and digits.
    int tilde = shortName.lastIndexOf('~');
    if (tilde >= 0 && tilde < shortName.length() - 1
        && shortName.substring(tilde + 1).chars().allMatch(c -> isDigit((char) c))) {
      return "trailing tilde and digits in path element";
    }
    return null;
  }

  /** ASCII letters and digits and {@code - . _ ~}: nothing a URL or a shell would reinterpret. */
  private static boolean modPathOk(int c) {
    return c == '-' || c == '.' || c == '_' || c == '~' || c < 0x80 && Character.isLetterOrDigit(c);
  }

  /**
   * Module paths' characters, the space, the ASCII punctuation {@code !#$%&()+,=@[]^{}}, and
   * Unicode letters; never {@code " ' * < > ? ` | / \ :}, which shells or file systems treat
   * specially.
   */
  private static boolean fileNameOk(int c) {
    if (c < 0x80) {
      return modPathOk(c) || "!#$%&()+,=@[]^{} ".indexOf(c) >= 0;
    }
    return Character.isLetter(c);
  }

  /** {@code !a} for {@code A}; input already known to be ASCII without {@code !}. */
  private static String escapeString(String s) throws GoModuleException.Invalid {
    StringBuilder b = new StringBuilder(s.length() + 8);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '!' || c >= 0x80) {
        // Callers' checks rule these out; escaping would be ambiguous if they did not.
        throw new GoModuleException.Invalid("internal error: inconsistency in EscapePath");
      }
      if ('A' <= c && c <= 'Z') {
        b.append('!').append((char) (c + ('a' - 'A')));
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  /**
   * {@code A} for {@code !a}, or null when {@code escaped} is not ASCII, has an uppercase letter,
   * or a {@code !} not followed by a lowercase letter.
   */
  private static String unescapeString(String escaped) {
    StringBuilder b = new StringBuilder(escaped.length());
    boolean bang = false;
    for (int i = 0; i < escaped.length(); i++) {
      char c = escaped.charAt(i);
      if (c >= 0x80) {
        return null;
      }
      if (bang) {
        bang = false;
        if (c < 'a' || 'z' < c) {
          return null;
        }
        b.append((char) (c - ('a' - 'A')));
      } else if (c == '!') {
        bang = true;
      } else if ('A' <= c && c <= 'Z') {
        return null;
      } else {
        b.append(c);
      }
    }
    return bang ? null : b.toString();
  }

  private static boolean isDigit(char c) {
    return '0' <= c && c <= '9';
  }
}
