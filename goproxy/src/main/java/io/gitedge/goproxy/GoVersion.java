package io.gitedge.goproxy;

import java.util.Optional;

/**
 * Go toolchain and language versions ({@code go1.21}, {@code go1.21.3}, {@code go1.22rc1}) as
 * Go's {@code go/version} package reads them ({@code internal/gover} underneath): the zip rules
 * ask whether a module's {@code go} line is at least {@code go1.24}.
 *
 * @param major decimal, never empty
 * @param minor decimal or {@code ""}
 * @param patch decimal or {@code ""}
 * @param kind {@code ""}, {@code alpha}, {@code beta}, {@code rc}
 * @param pre decimal or {@code ""}
 */
record GoVersion(String major, String minor, String patch, String kind, String pre) {
  /** What a malformed version parses to; compares lower than any valid one. */
  private static final GoVersion NONE = new GoVersion("", "", "", "", "");

  /** The {@code rc1} of {@code 1.21rc1}. */
  private record Prerelease(String kind, String number) {}

  /**
   * {@code version.Lang}: the language version, {@code go1.21} for {@code go1.21.3} and
   * {@code go1.21rc2}; {@code ""} when {@code x} is no Go version.
   */
  static String lang(String x) {
    Optional<GoVersion> v = parseGo(x);
    if (v.isEmpty()) {
      return "";
    }
    GoVersion p = v.get();
    if (p.minor().isEmpty() || (p.major().equals("1") && p.minor().equals("0"))) {
      return "go" + p.major();
    }
    return "go" + p.major() + "." + p.minor();
  }

  /**
   * {@code version.Compare}: negative, zero or positive as {@code x} is older than, the same as
   * or newer than {@code y}. Malformed versions (the empty string too) are older than every
   * valid one and equal to one another; {@code go1.21} is older than {@code go1.21rc1}, which is
   * older than {@code go1.21.0}; {@code go1.21.0-bigcorp} is {@code go1.21.0}.
   */
  static int compare(String x, String y) {
    GoVersion vx = parseGo(x).orElse(NONE);
    GoVersion vy = parseGo(y).orElse(NONE);
    int c = compareInt(vx.major(), vy.major());
    if (c == 0) {
      c = compareInt(vx.minor(), vy.minor());
    }
    if (c == 0) {
      c = compareInt(vx.patch(), vy.patch());
    }
    if (c == 0) {
      c = Integer.signum(vx.kind().compareTo(vy.kind()));
      if (c != 0 && !vx.patch().isEmpty()) {
        // A prerelease of a patch release comes before the release itself.
        if (vx.kind().isEmpty()) {
          c = 1;
        } else if (vy.kind().isEmpty()) {
          c = -1;
        }
      }
    }
    if (c == 0) {
      c = compareInt(vx.pre(), vy.pre());
    }
    return c;
  }

  /** {@code go1.21.0-bigcorp} parses as {@code 1.21.0}: a custom toolchain's suffix is ignored. */
  private static Optional<GoVersion> parseGo(String x) {
    int dash = x.indexOf('-');
    String v = dash < 0 ? x : x.substring(0, dash);
    return v.startsWith("go") ? parse(v.substring(2)) : Optional.empty();
  }

  /** {@code gover.Parse} of a version without its {@code go} prefix. */
  static Optional<GoVersion> parse(String x) {
    int end = cutInt(x, 0);
    if (end < 0) {
      return Optional.empty();
    }
    String major = x.substring(0, end);
    if (end == x.length()) {
      // "1" is "1.0.0".
      return Optional.of(new GoVersion(major, "0", "0", "", ""));
    }
    if (x.charAt(end) != '.') {
      return Optional.empty();
    }
    int minorEnd = cutInt(x, end + 1);
    if (minorEnd < 0) {
      return Optional.empty();
    }
    String minor = x.substring(end + 1, minorEnd);
    if (minorEnd == x.length()) {
      // Before 1.21 a missing patch meant .0; from 1.21 on "1.21" is the language version.
      String patch = compareInt(minor, "21") < 0 ? "0" : "";
      return Optional.of(new GoVersion(major, minor, patch, "", ""));
    }
    if (x.charAt(minorEnd) == '.') {
      int patchEnd = cutInt(x, minorEnd + 1);
      if (patchEnd < 0) {
        return Optional.empty();
      }
      String patch = x.substring(minorEnd + 1, patchEnd);
      if (patchEnd == x.length()) {
        return Optional.of(new GoVersion(major, minor, patch, "", ""));
      }
      return preRelease(x.substring(patchEnd))
          .map(p -> new GoVersion(major, minor, patch, p.kind(), p.number()));
    }
    return preRelease(x.substring(minorEnd))
        .map(p -> new GoVersion(major, minor, "", p.kind(), p.number()));
  }

  /** {@code rc1}: lower-case letters, then an optional number. */
  private static Optional<Prerelease> preRelease(String x) {
    int i = 0;
    while (i < x.length() && (x.charAt(i) < '0' || x.charAt(i) > '9')) {
      if (x.charAt(i) < 'a' || x.charAt(i) > 'z') {
        return Optional.empty();
      }
      i++;
    }
    if (i == 0) {
      return Optional.empty();
    }
    if (i == x.length()) {
      return Optional.of(new Prerelease(x, ""));
    }
    int end = cutInt(x, i);
    if (end != x.length()) {
      return Optional.empty();
    }
    return Optional.of(new Prerelease(x.substring(0, i), x.substring(i)));
  }

  /** The end of the decimal number at {@code start} (no needless leading zero), or -1. */
  private static int cutInt(String x, int start) {
    int i = start;
    while (i < x.length() && x.charAt(i) >= '0' && x.charAt(i) <= '9') {
      i++;
    }
    if (i == start || (x.charAt(start) == '0' && i != start + 1)) {
      return -1;
    }
    return i;
  }

  /** Compares decimal strings without leading zeros as numbers, whatever their length. */
  private static int compareInt(String x, String y) {
    if (x.equals(y)) {
      return 0;
    }
    if (x.length() != y.length()) {
      return x.length() < y.length() ? -1 : 1;
    }
    return x.compareTo(y) < 0 ? -1 : 1;
  }
}
