package io.gitedge.goproxy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The path rules of {@code golang.org/x/mod/module} shared by module paths and the file paths
 * inside a module zip ({@code checkPath}, {@code checkElem}, {@code CheckFilePath}), and Go's
 * lexical {@code path.Clean}. A rule broken comes back as the go command's words for it.
 */
final class PathRules {
  /** Path elements Windows reserves, in any case and with any extension. */
  private static final List<String> BAD_WINDOWS_NAMES = List.of(
      "CON", "PRN", "AUX", "NUL",
      "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9",
      "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9");

  /** ASCII punctuation a file name may hold besides letters and digits. */
  private static final String FILE_NAME_PUNCTUATION = "!#$%&()+,-.=@[]^_{}~ ";

  /** What kind of path is checked: their rules differ a little. */
  enum Kind {
    /** A module path: ASCII letters, digits and {@code -._~} only; no leading dot. */
    MODULE,
    /** A file path inside a module: also Unicode letters, spaces and more punctuation. */
    FILE
  }

  private PathRules() {}

  /**
   * {@code module.CheckFilePath}: the message {@code malformed file path "p": why} when
   * {@code path} may not name a file in a module zip.
   */
  static Optional<String> checkFilePath(String path) {
    return check(path, Kind.FILE).map(why -> malformed("file", path, why));
  }

  /** {@code module.InvalidPathError}'s text. */
  static String malformed(String kind, String path, String why) {
    return "malformed " + kind + " path " + GoText.quote(path) + ": " + why;
  }

  /** {@code module.checkPath}: why {@code path} breaks the rules of its kind, if it does. */
  static Optional<String> check(String path, Kind kind) {
    if (!GoText.isValidUtf8(path)) {
      return Optional.of("invalid UTF-8");
    }
    if (path.isEmpty()) {
      return Optional.of("empty string");
    }
    if (path.charAt(0) == '-' && kind != Kind.FILE) {
      return Optional.of("leading dash");
    }
    if (path.contains("//")) {
      return Optional.of("double slash");
    }
    if (path.endsWith("/")) {
      return Optional.of("trailing slash");
    }
    int start = 0;
    while (true) {
      int slash = path.indexOf('/', start);
      String elem = slash < 0 ? path.substring(start) : path.substring(start, slash);
      Optional<String> bad = checkElem(elem, kind);
      if (bad.isPresent() || slash < 0) {
        return bad;
      }
      start = slash + 1;
    }
  }

  /** {@code module.checkElem} for module and file paths. */
  private static Optional<String> checkElem(String elem, Kind kind) {
    if (elem.isEmpty()) {
      return Optional.of("empty path element");
    }
    if (elem.chars().allMatch(c -> c == '.')) {
      return Optional.of("invalid path element " + GoText.quote(elem));
    }
    if (elem.charAt(0) == '.' && kind == Kind.MODULE) {
      return Optional.of("leading dot in path element");
    }
    if (elem.endsWith(".")) {
      return Optional.of("trailing dot in path element");
    }
    for (int i = 0; i < elem.length(); ) {
      int r = elem.codePointAt(i);
      i += Character.charCount(r);
      boolean ok = kind == Kind.MODULE ? modulePathOk(r) : fileNameOk(r);
      if (!ok) {
        return Optional.of("invalid char " + GoText.quoteRune(r));
      }
    }
    int dot = elem.indexOf('.');
    String shortName = dot < 0 ? elem : elem.substring(0, dot);
    for (String bad : BAD_WINDOWS_NAMES) {
      if (GoText.equalFold(bad, shortName)) {
        return Optional.of(GoText.quote(shortName)
            + " disallowed as path element component on Windows");
      }
    }
    if (kind == Kind.FILE) {
      // Windows short names (FOO~1) only trouble import paths.
      return Optional.empty();
    }
    int tilde = shortName.lastIndexOf('~');
    if (tilde >= 0 && tilde < shortName.length() - 1
        && shortName.substring(tilde + 1).chars().allMatch(c -> c >= '0' && c <= '9')) {
      return Optional.of("trailing tilde and digits in path element");
    }
    return Optional.empty();
  }

  /** {@code module.modPathOK}. */
  static boolean modulePathOk(int r) {
    return r == '-' || r == '.' || r == '_' || r == '~' || asciiLetterOrDigit(r);
  }

  /** {@code module.fileNameOK}: no shell or path specials ({@code " ' * < > ? ` | / \ :}). */
  static boolean fileNameOk(int r) {
    if (r < 0x80) {
      return asciiLetterOrDigit(r) || FILE_NAME_PUNCTUATION.indexOf(r) >= 0;
    }
    return GoText.isLetter(r);
  }

  private static boolean asciiLetterOrDigit(int r) {
    return (r >= '0' && r <= '9') || (r >= 'A' && r <= 'Z') || (r >= 'a' && r <= 'z');
  }

  /**
   * Go's {@code path.Clean}: the shortest path naming the same file by lexical processing
   * alone ({@code .} elements and {@code x/..} pairs gone, no doubled or trailing slash);
   * {@code "."} for the empty path.
   */
  static String clean(String path) {
    if (path.isEmpty()) {
      return ".";
    }
    boolean rooted = path.charAt(0) == '/';
    List<String> out = new ArrayList<>();
    int leadingDotDots = 0;
    for (String elem : path.split("/", -1)) {
      if (elem.isEmpty() || elem.equals(".")) {
        continue;
      }
      if (elem.equals("..")) {
        if (out.size() > leadingDotDots) {
          out.remove(out.size() - 1);
        } else if (!rooted) {
          out.add("..");
          leadingDotDots++;
        }
        continue;
      }
      out.add(elem);
    }
    String joined = String.join("/", out);
    if (rooted) {
      return "/" + joined;
    }
    return joined.isEmpty() ? "." : joined;
  }
}
