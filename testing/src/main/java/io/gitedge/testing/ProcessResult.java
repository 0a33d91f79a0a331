package io.gitedge.testing;

import java.util.List;

/**
 * What a client process did: its command, exit code and both output streams. Immutable.
 */
public record ProcessResult(List<String> command, int exitCode, String stdout, String stderr) {
  public boolean ok() {
    return exitCode == 0;
  }

  /** Returns this result when the process exited 0; otherwise fails with all it printed. */
  public ProcessResult assertOk() {
    if (exitCode != 0) {
      throw new AssertionError(describe());
    }
    return this;
  }

  /** Returns this result when the process failed; otherwise fails with all it printed. */
  public ProcessResult assertFailed() {
    if (exitCode == 0) {
      throw new AssertionError("expected a failure, but it succeeded:\n" + describe());
    }
    return this;
  }

  public String describe() {
    return "$ " + String.join(" ", command) + "\nexit " + exitCode + "\n--- stdout\n" + stdout
        + "--- stderr\n" + stderr;
  }
}
