package io.gitedge.store;

/**
 * A sync that could not complete: the upstream refused or was unreachable, a ref update was
 * rejected, or the disk failed. Nothing was changed. The message is safe to log and to show to
 * operators; it never contains credentials.
 */
final class SyncFailedException extends Exception {
  private static final long serialVersionUID = 1L;

  SyncFailedException(String message) {
    super(message);
  }

  SyncFailedException(String message, Throwable cause) {
    super(message, cause);
  }

  /** The message of {@code e}, with its causes' where they add something. */
  static String describe(Throwable e) {
    StringBuilder b = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      String m = t.getMessage();
      if (m == null) {
        m = t.getClass().getSimpleName();
      }
      if (!b.toString().contains(m)) {
        b.append(b.length() == 0 ? "" : ": ").append(m);
      }
    }
    return b.toString();
  }
}
