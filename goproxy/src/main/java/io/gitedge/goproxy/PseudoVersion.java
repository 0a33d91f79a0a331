package io.gitedge.goproxy;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.regex.Pattern;

/**
 * Pseudo-versions ({@code golang.org/x/mod/module/pseudo.go}), in their three forms:
 * {@code vX.0.0-yyyymmddhhmmss-abcdefabcdef} (no earlier version),
 * {@code vX.Y.Z-pre.0.yyyymmddhhmmss-abcdefabcdef} (after a prerelease) and
 * {@code vX.Y.(Z+1)-0.yyyymmddhhmmss-abcdefabcdef} (after a release).
 *
 * <p>The last two may carry the earlier version's {@code +incompatible}. The {@code 0} before
 * the time makes a pseudo-version sort below any prerelease a later tag could give.
 */
public final class PseudoVersion {
  private PseudoVersion() {}

  /** The shape of a pseudo-version, on top of being a valid semantic version. */
  private static final Pattern SHAPE = Pattern.compile(
      "v[0-9]+\\.(0\\.0-|\\d+\\.\\d+-([^+]*\\.)?0\\.)\\d{14}-[A-Za-z0-9]+"
          + "(\\+[0-9A-Za-z-]+(\\.[0-9A-Za-z-]+)*)?");

  /** The time of {@link #zero}: Go's zero {@code time.Time}. */
  private static final Instant ZERO_TIME = Instant.parse("0001-01-01T00:00:00Z");

  /** Whether {@code v} has the form of a pseudo-version. */
  public static boolean is(String v) {
    return v != null && v.chars().filter(c -> c == '-').count() >= 2 && Semver.isValid(v)
        && SHAPE.matcher(v).matches();
  }

  /**
   * The pseudo-version of a commit ({@code module.PseudoVersion}).
   *
   * @param major {@code v2}, or {@code ""} for {@code v0}
   * @param older the latest tagged version the commit descends from, or {@code ""}
   * @param time the commit's time (UTC, seconds)
   * @param rev the commit's hash abbreviated to 12 characters
   */
  public static String of(String major, String older, Instant time, String rev) {
    if (major.isEmpty()) {
      major = "v0";
    }
    String segment = timestamp(time) + "-" + rev;
    String build = Semver.build(older);
    older = Semver.canonicalSemver(older);
    if (older.isEmpty()) {
      return major + ".0.0-" + segment;
    }
    if (!Semver.prerelease(older).isEmpty()) {
      return older + ".0." + segment + build;
    }
    int patch = older.lastIndexOf('.') + 1;
    return older.substring(0, patch) + incDecimal(older.substring(patch)) + "-0." + segment
        + build;
  }

  /**
   * The placeholder pseudo-version of a major version, with zero time and revision
   * ({@code module.ZeroPseudoVersion}).
   */
  static String zero(String major) {
    return of(major, "", ZERO_TIME, "000000000000");
  }

  /**
   * The version the pseudo-version is based on, {@code ""} for the first form
   * ({@code module.PseudoVersionBase}).
   */
  public static String base(String v) throws GoModuleException.Invalid {
    Parts p = Parts.of(v);
    String pre = Semver.prerelease(p.base);
    if (pre.isEmpty()) {
      // vX.0.0-yyyymmddhhmmss-abcdef123456: no earlier version, so nothing to be incompatible.
      if (!p.build.isEmpty()) {
        throw invalid(v, "lacks base version, but has build metadata " + GoText.quote(p.build));
      }
      return "";
    }
    if (pre.equals("-0")) {
      // vX.Y.(Z+1)-0.yyyymmddhhmmss-abcdef123456 is based on vX.Y.Z.
      String release = p.base.substring(0, p.base.length() - pre.length());
      int i = release.lastIndexOf('.');
      String patch = decDecimal(release.substring(i + 1));
      if (patch.isEmpty()) {
        throw invalid(v, "version before " + release + " would have negative patch number");
      }
      return release.substring(0, i + 1) + patch + p.build;
    }
    // vX.Y.Z-pre.0.yyyymmddhhmmss-abcdef123456 is based on vX.Y.Z-pre.
    return p.base.substring(0, p.base.length() - ".0".length()) + p.build;
  }

  /** The time it names. */
  public static Instant time(String v) throws GoModuleException.Invalid {
    String t = Parts.of(v).timestamp;
    try {
      return LocalDateTime.of(Integer.parseInt(t.substring(0, 4)),
          Integer.parseInt(t.substring(4, 6)), Integer.parseInt(t.substring(6, 8)),
          Integer.parseInt(t.substring(8, 10)), Integer.parseInt(t.substring(10, 12)),
          Integer.parseInt(t.substring(12, 14))).toInstant(ZoneOffset.UTC);
    } catch (DateTimeException e) {
      throw invalid(v, "malformed time " + GoText.quote(t));
    }
  }

  /** The commit hash prefix it names. */
  public static String rev(String v) throws GoModuleException.Invalid {
    return Parts.of(v).rev;
  }

  /**
   * Whether it is of the first form, with no earlier version
   * ({@code module.IsZeroPseudoVersion}).
   */
  public static boolean isZero(String v) {
    return v != null && v.equals(zero(Semver.major(v)));
  }

  /** {@code yyyymmddhhmmss} in UTC, as Go's {@code 20060102150405} layout writes it. */
  static String timestamp(Instant time) {
    LocalDateTime t = LocalDateTime.ofInstant(time, ZoneOffset.UTC);
    String year = String.format("%04d", Math.abs(t.getYear()));
    return (t.getYear() < 0 ? "-" : "") + year + String.format("%02d%02d%02d%02d%02d",
        t.getMonthValue(), t.getDayOfMonth(), t.getHour(), t.getMinute(), t.getSecond());
  }

  /** The decimal string plus one: {@code 99} gives {@code 100}. */
  static String incDecimal(String decimal) {
    char[] digits = decimal.toCharArray();
    int i = digits.length - 1;
    for (; i >= 0 && digits[i] == '9'; i--) {
      digits[i] = '0';
    }
    if (i >= 0) {
      digits[i]++;
      return new String(digits);
    }
    return "1" + new String(digits);
  }

  /** The decimal string minus one, or {@code ""} when it is all zeros (or empty). */
  static String decDecimal(String decimal) {
    char[] digits = decimal.toCharArray();
    int i = digits.length - 1;
    for (; i >= 0 && digits[i] == '0'; i--) {
      digits[i] = '9';
    }
    if (i < 0) {
      return "";
    }
    if (i == 0 && digits[i] == '1' && digits.length > 1) {
      return new String(digits, 1, digits.length - 1);
    }
    digits[i]--;
    return new String(digits);
  }

  private static GoModuleException.Invalid invalid(String v, String why) {
    return new GoModuleException.Invalid(
        "pseudo-version " + GoText.quote(v) + " invalid: " + why);
  }

  /**
   * A pseudo-version taken apart: {@code base} is {@code vX.0.0}, {@code vX.Y.(Z+1)-0} or
   * {@code vX.Y.Z-pre.0}, and {@code build} is {@code +incompatible} or another build suffix.
   */
  private record Parts(String base, String timestamp, String rev, String build) {
    static Parts of(String v) throws GoModuleException.Invalid {
      if (!is(v)) {
        throw invalid(String.valueOf(v), "syntax error");
      }
      String build = Semver.build(v);
      String rest = v.substring(0, v.length() - build.length());
      int j = rest.lastIndexOf('-');
      String rev = rest.substring(j + 1);
      rest = rest.substring(0, j);
      int i = rest.lastIndexOf('-');
      int dot = rest.lastIndexOf('.');
      int cut = dot > i ? dot : i;
      return new Parts(rest.substring(0, cut), rest.substring(cut + 1), rev, build);
    }
  }
}
