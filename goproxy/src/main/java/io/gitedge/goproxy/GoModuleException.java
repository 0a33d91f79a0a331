package io.gitedge.goproxy;

/**
 * Why a module proxy request has no answer. The message is meant for the go command's user (it
 * prints a proxy's 404 body as {@code server response: <message>}) and says nothing a caller
 * could not learn from the request itself and the versions it may read.
 */
public abstract sealed class GoModuleException extends Exception {
  private static final long serialVersionUID = 1L;

  GoModuleException(String message) {
    super(message);
  }

  /**
   * The request is malformed: a path that is not a module path, a version that is not one, a
   * bad case encoding, an unknown endpoint.
   */
  public static final class Invalid extends GoModuleException {
    private static final long serialVersionUID = 1L;

    public Invalid(String message) {
      super(message);
    }
  }

  /** No such module in the repository, or no such version, branch or commit of it. */
  public static final class NotFound extends GoModuleException {
    private static final long serialVersionUID = 1L;

    public NotFound(String message) {
      super(message);
    }
  }

  /**
   * The module's files break the zip rules ({@code x/mod/zip}): too large, a file path the go
   * command refuses, two paths differing only in case. The go command would refuse the version
   * too.
   */
  public static final class BadModule extends GoModuleException {
    private static final long serialVersionUID = 1L;

    public BadModule(String message) {
      super(message);
    }
  }
}
