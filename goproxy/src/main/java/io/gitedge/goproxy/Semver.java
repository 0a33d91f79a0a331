package io.gitedge.goproxy;

import java.util.List;

/**
 * Semantic versions as Go writes them ({@code golang.org/x/mod/semver}): a leading {@code v},
 * {@code vMAJOR[.MINOR[.PATCH[-PRERELEASE][+BUILD]]]}, with {@code v1} and {@code v1.2} as
 * shorthands. Every method takes any string; invalid ones are treated as documented.
 *
 * <p>Two methods follow the module proxy's needs rather than {@code semver} to the letter:
 * {@link #canonical} keeps {@code +incompatible} as {@code module.CanonicalVersion} does (the
 * strict {@code semver.Canonical} is {@link #canonicalSemver}), and {@link #max} neither
 * canonicalizes nor prefers {@code w} on a tie.
 */
public final class Semver {
  private Semver() {}

  /** Whether {@code v} is a valid semantic version. */
  public static boolean isValid(String v) {
    return Parsed.of(v) != null;
  }

  /**
   * The canonical form: {@code v1} becomes {@code v1.0.0}, build metadata is dropped except
   * {@code +incompatible}; {@code ""} for an invalid version.
   */
  public static String canonical(String v) {
    String c = canonicalSemver(v);
    if (!c.isEmpty() && build(v).equals("+incompatible")) {
      return c + "+incompatible";
    }
    return c;
  }

  /**
   * {@code semver.Canonical}: like {@link #canonical} but dropping all build metadata,
   * {@code +incompatible} too. Pseudo-versions are built from it.
   */
  static String canonicalSemver(String v) {
    Parsed p = Parsed.of(v);
    if (p == null) {
      return "";
    }
    if (!p.build.isEmpty()) {
      return v.substring(0, v.length() - p.build.length());
    }
    return v + p.shortSuffix;
  }

  /**
   * Negative, zero or positive as {@code v} is less than, equal to or greater than {@code w}; an
   * invalid version is less than every valid one and equal to another invalid one.
   */
  public static int compare(String v, String w) {
    Parsed pv = Parsed.of(v);
    Parsed pw = Parsed.of(w);
    if (pv == null && pw == null) {
      return 0;
    }
    if (pv == null) {
      return -1;
    }
    if (pw == null) {
      return +1;
    }
    int c = compareInt(pv.major, pw.major);
    if (c == 0) {
      c = compareInt(pv.minor, pw.minor);
    }
    if (c == 0) {
      c = compareInt(pv.patch, pw.patch);
    }
    if (c == 0) {
      c = comparePrerelease(pv.prerelease, pw.prerelease);
    }
    return c;
  }

  /** {@code v2} for {@code v2.1.0}; {@code ""} for an invalid version. */
  public static String major(String v) {
    Parsed p = Parsed.of(v);
    return p == null ? "" : v.substring(0, 1 + p.major.length());
  }

  /** {@code v2.1} for {@code v2.1.0}; {@code ""} for an invalid version. */
  public static String majorMinor(String v) {
    Parsed p = Parsed.of(v);
    if (p == null) {
      return "";
    }
    int i = 1 + p.major.length();
    int j = i + 1 + p.minor.length();
    if (j <= v.length() && v.charAt(i) == '.' && v.substring(i + 1, j).equals(p.minor)) {
      return v.substring(0, j);
    }
    return v.substring(0, i) + "." + p.minor;
  }

  /** {@code -pre} for {@code v1.0.0-pre+meta}; {@code ""} when none or invalid. */
  public static String prerelease(String v) {
    Parsed p = Parsed.of(v);
    return p == null ? "" : p.prerelease;
  }

  /** {@code +meta} for {@code v1.0.0-pre+meta}; {@code ""} when none or invalid. */
  public static String build(String v) {
    Parsed p = Parsed.of(v);
    return p == null ? "" : p.build;
  }

  /** The greater of the two ({@link #compare}); {@code v} when equal. */
  public static String max(String v, String w) {
    return compare(v, w) >= 0 ? v : w;
  }

  /** Sorts in place by {@link #compare}, ties by string order (x/mod's {@code semver.Sort}). */
  public static void sort(List<String> versions) {
    versions.sort((a, b) -> {
      int c = compare(a, b);
      return c != 0 ? c : GoText.compare(a, b);
    });
  }

  /** Decimal strings without leading zeros: longer is greater, else string order. */
  private static int compareInt(String x, String y) {
    if (x.length() != y.length()) {
      return x.length() < y.length() ? -1 : +1;
    }
    return Integer.signum(x.compareTo(y));
  }

  /**
   * SemVer 2.0.0 precedence of prereleases (each with its leading {@code -}, or empty for a
   * release): a release is greater; identifiers compare left to right, numeric ones numerically
   * and below alphanumeric ones, which compare in ASCII order; a longer list wins a tie.
   */
  private static int comparePrerelease(String x, String y) {
    if (x.equals(y)) {
      return 0;
    }
    if (x.isEmpty()) {
      return +1;
    }
    if (y.isEmpty()) {
      return -1;
    }
    String[] xs = x.substring(1).split("\\.", -1);
    String[] ys = y.substring(1).split("\\.", -1);
    for (int k = 0; k < xs.length && k < ys.length; k++) {
      String dx = xs[k];
      String dy = ys[k];
      if (dx.equals(dy)) {
        continue;
      }
      boolean nx = isNum(dx);
      boolean ny = isNum(dy);
      if (nx != ny) {
        return nx ? -1 : +1;
      }
      if (nx && dx.length() != dy.length()) {
        return dx.length() < dy.length() ? -1 : +1;
      }
      return dx.compareTo(dy) < 0 ? -1 : +1;
    }
    return xs.length < ys.length ? -1 : +1;
  }

  private static boolean isNum(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (!isDigit(s.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  private static boolean isDigit(char c) {
    return '0' <= c && c <= '9';
  }

  private static boolean isIdentChar(char c) {
    return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || isDigit(c) || c == '-';
  }

  /**
   * A valid version taken apart. {@code shortSuffix} is what {@code v1} ({@code .0.0}) or
   * {@code v1.2} ({@code .0}) lacks of the full form; prerelease and build keep their leading
   * {@code -} and {@code +}.
   */
  private record Parsed(String major, String minor, String patch, String shortSuffix,
      String prerelease, String build) {

    /** The parts of {@code v}, or null when it is not a valid version. */
    static Parsed of(String v) {
      if (v == null || v.isEmpty() || v.charAt(0) != 'v') {
        return null;
      }
      int i = 1;
      int end = intEnd(v, i);
      if (end < 0) {
        return null;
      }
      String major = v.substring(i, end);
      if (end == v.length()) {
        return new Parsed(major, "0", "0", ".0.0", "", "");
      }
      if (v.charAt(end) != '.') {
        return null;
      }
      i = end + 1;
      end = intEnd(v, i);
      if (end < 0) {
        return null;
      }
      String minor = v.substring(i, end);
      if (end == v.length()) {
        return new Parsed(major, minor, "0", ".0", "", "");
      }
      if (v.charAt(end) != '.') {
        return null;
      }
      i = end + 1;
      end = intEnd(v, i);
      if (end < 0) {
        return null;
      }
      String patch = v.substring(i, end);
      i = end;
      String prerelease = "";
      if (i < v.length() && v.charAt(i) == '-') {
        end = identsEnd(v, i, true);
        if (end < 0) {
          return null;
        }
        prerelease = v.substring(i, end);
        i = end;
      }
      String build = "";
      if (i < v.length() && v.charAt(i) == '+') {
        end = identsEnd(v, i, false);
        if (end < 0) {
          return null;
        }
        build = v.substring(i, end);
        i = end;
      }
      if (i != v.length()) {
        return null;
      }
      return new Parsed(major, minor, patch, "", prerelease, build);
    }

    /** The end of the decimal number (no leading zero) starting at {@code i}, or -1. */
    private static int intEnd(String v, int i) {
      int j = i;
      while (j < v.length() && isDigit(v.charAt(j))) {
        j++;
      }
      if (j == i || v.charAt(i) == '0' && j - i > 1) {
        return -1;
      }
      return j;
    }

    /**
     * The end of the dot-separated identifiers after the {@code -} or {@code +} at {@code i}, or
     * -1 when one is empty or has a bad character, or (in a prerelease, which stops at a
     * {@code +}) is numeric with a leading zero.
     */
    private static int identsEnd(String v, int i, boolean prerelease) {
      int j = i + 1;
      int start = j;
      while (j < v.length() && !(prerelease && v.charAt(j) == '+')) {
        char c = v.charAt(j);
        if (c == '.') {
          if (!goodIdent(v.substring(start, j), prerelease)) {
            return -1;
          }
          start = j + 1;
        } else if (!isIdentChar(c)) {
          return -1;
        }
        j++;
      }
      return goodIdent(v.substring(start, j), prerelease) ? j : -1;
    }

    private static boolean goodIdent(String ident, boolean prerelease) {
      if (ident.isEmpty()) {
        return false;
      }
      boolean badNum = ident.length() > 1 && ident.charAt(0) == '0' && isNum(ident);
      return !(prerelease && badNum);
    }
  }
}
