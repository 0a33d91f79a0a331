package io.gitedge.keys;

/**
 * Key material that cannot be loaded, generated or stored: a missing or unreadable file, a key
 * that does not match its certificate, an expired certificate. The message names the file and
 * says what to do; startup stops on it.
 */
public final class KeyMaterialException extends Exception {
  private static final long serialVersionUID = 1L;

  public KeyMaterialException(String message) {
    super(message);
  }

  public KeyMaterialException(String message, Throwable cause) {
    super(message, cause);
  }
}
