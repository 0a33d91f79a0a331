package io.gitedge.testing;

/**
 * How hard a reliability test pushes: the default suite runs a short variant of each row (so
 * {@code mvn -B verify} stays well inside CI's time), the {@code long} Maven profile
 * ({@code mvn -B verify -Plong}, which sets {@code gitedge.long=true}) runs the catalogue's full
 * figures: 200 kill rounds, 200 concurrent clones, soaks.
 */
public final class TestScale {
  private TestScale() {}

  /** True under {@code -Plong}. */
  public static boolean isLong() {
    return Boolean.getBoolean("gitedge.long");
  }

  /** {@code full} under {@code -Plong}, else {@code short}. */
  public static int pick(int defaultSuite, int full) {
    return isLong() ? full : defaultSuite;
  }
}
