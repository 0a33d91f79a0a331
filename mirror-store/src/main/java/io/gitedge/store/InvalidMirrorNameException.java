package io.gitedge.store;

/**
 * A repository name that cannot name a mirror: empty, too long, with characters outside
 * {@code [A-Za-z0-9._-]}, with {@code .} or {@code ..} or empty segments, or otherwise able to
 * leave the mirror root. Thrown before any file is touched. Front doors answer it exactly like a
 * repository that does not exist.
 */
public final class InvalidMirrorNameException extends Exception {
  private static final long serialVersionUID = 1L;

  public InvalidMirrorNameException(String message) {
    super(message);
  }
}
