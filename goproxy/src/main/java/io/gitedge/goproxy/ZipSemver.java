package io.gitedge.goproxy;

import java.util.Optional;

/**
 * The little of {@code golang.org/x/mod/semver} the zip rules need (is it valid, its canonical
 * form, its major version, its build suffix), until {@link Semver} is filled in; then these
 * become calls to it. Works on any string, byte for byte as Go does.
 */
final class ZipSemver {
  private ZipSemver() {}

  /** A parsed version: the numbers as written, what a shorthand leaves out, and the suffixes. */
  private record Parsed(String major, String shortSuffix, String build) {}

  /** {@code semver.IsValid}. */
  static boolean isValid(String v) {
    return parse(v).isPresent();
  }

  /** {@code semver.Canonical}: {@code v1.2} is {@code v1.2.0}, build metadata dropped. */
  static String canonical(String v) {
    return parse(v).map(p -> p.build().isEmpty()
        ? v + p.shortSuffix()
        : v.substring(0, v.length() - p.build().length())).orElse("");
  }

  /** {@code module.CanonicalVersion}: {@link #canonical}, keeping {@code +incompatible}. */
  static String canonicalModuleVersion(String v) {
    String canonical = canonical(v);
    return build(v).equals("+incompatible") ? canonical + "+incompatible" : canonical;
  }

  /** {@code semver.Major}: {@code v2} for {@code v2.1.0}, {@code ""} when invalid. */
  static String major(String v) {
    return parse(v).map(p -> v.substring(0, 1 + p.major().length())).orElse("");
  }

  /** {@code semver.Build}: {@code +meta}, or {@code ""}. */
  static String build(String v) {
    return parse(v).map(Parsed::build).orElse("");
  }

  private static Optional<Parsed> parse(String v) {
    if (v.isEmpty() || v.charAt(0) != 'v') {
      return Optional.empty();
    }
    int i = 1;
    int end = number(v, i);
    if (end < 0) {
      return Optional.empty();
    }
    String major = v.substring(i, end);
    if (end == v.length()) {
      return Optional.of(new Parsed(major, ".0.0", ""));
    }
    if (v.charAt(end) != '.' || (end = number(v, i = end + 1)) < 0) {
      return Optional.empty();
    }
    if (end == v.length()) {
      return Optional.of(new Parsed(major, ".0", ""));
    }
    if (v.charAt(end) != '.' || (end = number(v, i = end + 1)) < 0) {
      return Optional.empty();
    }
    if (end < v.length() && v.charAt(end) == '-') {
      end = dottedIdentifiers(v, end + 1, true);
      if (end < 0) {
        return Optional.empty();
      }
    }
    String build = "";
    if (end < v.length() && v.charAt(end) == '+') {
      int buildEnd = dottedIdentifiers(v, end + 1, false);
      if (buildEnd < 0) {
        return Optional.empty();
      }
      build = v.substring(end, buildEnd);
      end = buildEnd;
    }
    return end == v.length() ? Optional.of(new Parsed(major, "", build)) : Optional.empty();
  }

  /** The end of a decimal number without a leading zero starting at {@code i}, or -1. */
  private static int number(String v, int i) {
    int j = i;
    while (j < v.length() && v.charAt(j) >= '0' && v.charAt(j) <= '9') {
      j++;
    }
    if (j == i || (v.charAt(i) == '0' && j != i + 1)) {
      return -1;
    }
    return j;
  }

  /**
   * The end of dot-separated non-empty identifiers of {@code [0-9A-Za-z-]} from {@code i}: the
   * prerelease (up to a {@code +}, numeric identifiers without leading zeros) or the build (to
   * the end of {@code v}); -1 when malformed.
   */
  private static int dottedIdentifiers(String v, int i, boolean prerelease) {
    int start = i;
    int j = i;
    for (; j < v.length() && !(prerelease && v.charAt(j) == '+'); j++) {
      char c = v.charAt(j);
      if (c == '.') {
        if (start == j || (prerelease && badNumber(v.substring(start, j)))) {
          return -1;
        }
        start = j + 1;
      } else if (!identChar(c)) {
        return -1;
      }
    }
    if (start == j || (prerelease && badNumber(v.substring(start, j)))) {
      return -1;
    }
    return j;
  }

  private static boolean identChar(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  }

  /** A numeric identifier with a leading zero, which semver forbids in prereleases. */
  private static boolean badNumber(String ident) {
    return ident.length() > 1 && ident.charAt(0) == '0'
        && ident.chars().allMatch(c -> c >= '0' && c <= '9');
  }
}
