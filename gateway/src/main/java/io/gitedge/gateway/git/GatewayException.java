package io.gitedge.gateway.git;

/**
 * Everything a read can fail with, as the client experiences it. Each front door maps these in
 * exactly one place (HTTP: {@code HttpErrorMapper}). Messages are safe to show to the client;
 * details for operators go to the log.
 */
public abstract sealed class GatewayException extends Exception {
  private static final long serialVersionUID = 1L;

  GatewayException(String message) {
    super(message);
  }

  /** No credentials, or credentials nobody recognises: the client should (re)authenticate. */
  public static final class Unauthenticated extends GatewayException {
    private static final long serialVersionUID = 1L;

    public Unauthenticated() {
      super("authentication required");
    }
  }

  /**
   * The repository does not exist here, or the caller may not read it: the two are deliberately
   * indistinguishable.
   */
  public static final class MirrorNotFound extends GatewayException {
    private static final long serialVersionUID = 1L;

    public MirrorNotFound() {
      super("repository not found");
    }
  }

  /** A write was attempted on a read-only mirror; the message names the upstream to push to. */
  public static final class ReadOnly extends GatewayException {
    private static final long serialVersionUID = 1L;

    public ReadOnly(String mirror, String upstreamUrl) {
      super("gitedge: " + mirror + " is a read-only mirror of " + upstreamUrl + "; push there");
    }
  }

  /** The caller is known but may not use an operator's endpoint (metrics, admin API). */
  public static final class Forbidden extends GatewayException {
    private static final long serialVersionUID = 1L;

    public Forbidden(String message) {
      super(message);
    }
  }

  /** The identity source could not say who the caller is (down, slow); try again later. */
  public static final class IdentityUnavailable extends GatewayException {
    private static final long serialVersionUID = 1L;

    public IdentityUnavailable() {
      super("gitedge: identity source unavailable; try again shortly");
    }
  }

  /** The mirror exists in the configuration but cannot be served yet (first sync pending). */
  public static final class MirrorUnavailable extends GatewayException {
    private static final long serialVersionUID = 1L;

    public MirrorUnavailable(String message) {
      super(message);
    }
  }

  /** The request itself is malformed. */
  public static final class BadRequest extends GatewayException {
    private static final long serialVersionUID = 1L;

    public BadRequest(String message) {
      super(message);
    }
  }
}
