package io.gitedge.goproxy;

import java.util.List;

/**
 * Semantic versions as Go writes them ({@code golang.org/x/mod/semver}): a leading {@code v},
 * {@code vMAJOR[.MINOR[.PATCH[-PRERELEASE][+BUILD]]]}, with {@code v1} and {@code v1.2} as
 * shorthands. Every method takes any string; invalid ones are treated as documented.
 */
public final class Semver {
  private Semver() {}

  /** Whether {@code v} is a valid semantic version. */
  public static boolean isValid(String v) {
    throw new UnsupportedOperationException("not yet");
  }

  /**
   * The canonical form: {@code v1} becomes {@code v1.0.0}, build metadata is dropped except
   * {@code +incompatible}; {@code ""} for an invalid version.
   */
  public static String canonical(String v) {
    throw new UnsupportedOperationException("not yet");
  }

  /** Negative, zero or positive as {@code v} is less than, equal to or greater than {@code w}; an invalid version is less than every valid one and equal to another invalid one. */
  public static int compare(String v, String w) {
    throw new UnsupportedOperationException("not yet");
  }

  /** {@code v2} for {@code v2.1.0}; {@code ""} for an invalid version. */
  public static String major(String v) {
    throw new UnsupportedOperationException("not yet");
  }

  /** {@code v2.1} for {@code v2.1.0}; {@code ""} for an invalid version. */
  public static String majorMinor(String v) {
    throw new UnsupportedOperationException("not yet");
  }

  /** {@code -pre} for {@code v1.0.0-pre+meta}; {@code ""} when none or invalid. */
  public static String prerelease(String v) {
    throw new UnsupportedOperationException("not yet");
  }

  /** {@code +meta} for {@code v1.0.0-pre+meta}; {@code ""} when none or invalid. */
  public static String build(String v) {
    throw new UnsupportedOperationException("not yet");
  }

  /** The greater of the two ({@link #compare}); {@code v} when equal. */
  public static String max(String v, String w) {
    throw new UnsupportedOperationException("not yet");
  }

  /** Sorts in place by {@link #compare}, ties by string order (x/mod's {@code semver.Sort}). */
  public static void sort(List<String> versions) {
    throw new UnsupportedOperationException("not yet");
  }
}
