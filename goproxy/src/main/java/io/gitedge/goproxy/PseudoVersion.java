package io.gitedge.goproxy;

import java.time.Instant;

/**
 * Pseudo-versions ({@code golang.org/x/mod/module/pseudo.go}), in their three forms:
 * {@code vX.0.0-yyyymmddhhmmss-abcdefabcdef} (no earlier version),
 * {@code vX.Y.Z-pre.0.yyyymmddhhmmss-abcdefabcdef} (after a prerelease) and
 * {@code vX.Y.(Z+1)-0.yyyymmddhhmmss-abcdefabcdef} (after a release).
 */
public final class PseudoVersion {
  private PseudoVersion() {}

  /** Whether {@code v} has the form of a pseudo-version. */
  public static boolean is(String v) {
    throw new UnsupportedOperationException("not yet");
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
    throw new UnsupportedOperationException("not yet");
  }

  /** The version the pseudo-version is based on, {@code ""} for the first form ({@code module.PseudoVersionBase}). */
  public static String base(String v) throws GoModuleException.Invalid {
    throw new UnsupportedOperationException("not yet");
  }

  /** The time it names. */
  public static Instant time(String v) throws GoModuleException.Invalid {
    throw new UnsupportedOperationException("not yet");
  }

  /** The commit hash prefix it names. */
  public static String rev(String v) throws GoModuleException.Invalid {
    throw new UnsupportedOperationException("not yet");
  }

  /** Whether it is of the first form, with no earlier version ({@code module.IsZeroPseudoVersion}). */
  public static boolean isZero(String v) {
    throw new UnsupportedOperationException("not yet");
  }
}
