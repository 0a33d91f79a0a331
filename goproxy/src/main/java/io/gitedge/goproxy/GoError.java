package io.gitedge.goproxy;

/**
 * An error of the go command's module fetching, with its message as the go command prints it,
 * and whether it is one of those it treats as "does not exist" ({@code errors.Is(err,
 * fs.ErrNotExist)}), which some queries step over. Turned into a {@link GoModuleException} at
 * {@link ModuleRepo}'s surface.
 */
final class GoError extends Exception {
  private static final long serialVersionUID = 1L;

  private final boolean notExist;

  private GoError(String message, boolean notExist) {
    super(message, null, false, false);
    this.notExist = notExist;
  }

  /** An error the go command takes for "does not exist". */
  static GoError notExist(String message) {
    return new GoError(message, true);
  }

  /** Any other error. */
  static GoError other(String message) {
    return new GoError(message, false);
  }

  boolean isNotExist() {
    return notExist;
  }

  /** The same error with its message rewritten (the go command's error wrapping). */
  GoError withMessage(String message) {
    return new GoError(message, notExist);
  }

  /** As a proxy answers it: there is no such module version. */
  GoModuleException.NotFound toNotFound() {
    return new GoModuleException.NotFound(getMessage());
  }
}
