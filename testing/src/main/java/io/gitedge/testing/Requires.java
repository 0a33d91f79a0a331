package io.gitedge.testing;

import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Assumptions;

/**
 * What a test needs from the machine (a tool, root, a mount), asked in one way: outside CI a
 * missing need skips the test with the reason; in CI ({@code CI=true}), which installs every tool
 * the tests drive and runs as root, it fails the test, since a test that silently did not run
 * there would pass for nothing. {@code .ci/run} also fails on any skip left in the reports.
 */
public final class Requires {
  private Requires() {}

  /** True when the environment says this is CI ({@code CI=true}). */
  public static boolean ci() {
    return "true".equals(System.getenv("CI"));
  }

  /**
   * Skips (outside CI) or fails (in CI) unless {@code met}.
   *
   * @param reason what is missing and how to get it, e.g. "curl is not installed"
   */
  public static void that(boolean met, String reason) {
    if (met) {
      return;
    }
    if (ci()) {
      throw new AssertionError(reason + " (CI=true: CI provides this, so the test fails rather"
          + " than skipping; see .ci/run)");
    }
    Assumptions.abort(reason + "; skipped (outside CI)");
  }

  /** {@link #that(boolean, String)} for a check that is costly or throws. */
  public static void that(BooleanSupplier met, String reason) {
    that(met.getAsBoolean(), reason);
  }

  /** Each tool on the {@code PATH}, e.g. {@code tools("go", "curl")}. */
  public static void tools(String... names) {
    for (String name : names) {
      that(ClientHome.installed(name), name + " is not installed (apt-get install it, as"
          + " .ci/run does)");
    }
  }

  /** The process runs as root (the SSH upstream's sshd, mounts). */
  public static void root() {
    that("root".equals(System.getProperty("user.name")), "needs root (runs as "
        + System.getProperty("user.name") + ")");
  }
}
