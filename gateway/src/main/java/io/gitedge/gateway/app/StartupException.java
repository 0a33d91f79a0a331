package io.gitedge.gateway.app;

/**
 * The gateway cannot start. The message is complete and meant for the operator's terminal:
 * config problems read {@code file:line: key: problem}.
 */
public final class StartupException extends Exception {
  private static final long serialVersionUID = 1L;

  public StartupException(String message, Throwable cause) {
    super(message, cause);
  }
}
