package io.gitedge.gateway.git;

/**
 * Everything a request can be refused with or fail with, as the client experiences it. Each front
 * door maps every one of these types in exactly one place ({@code HttpErrorMapper},
 * {@code SshErrorMapper}), and a test fails when a type has no mapping on a door. Messages are
 * safe to show to the client; details for operators go to the log.
 */
public abstract sealed class GatewayException extends Exception {
  private static final long serialVersionUID = 1L;

  GatewayException(String message) {
    super(message);
  }

  GatewayException(String message, Throwable cause) {
    super(message, cause);
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

  /**
   * A Go module version, branch or commit that a mirror the caller may read does not have (or
   * whose files the go command would refuse): the message says which, as the go command words
   * it. (A module in no mirror the caller may read is {@link MirrorNotFound}.)
   */
  public static final class ModuleNotFound extends GatewayException {
    private static final long serialVersionUID = 1L;

    public ModuleNotFound(String reason) {
      super("not found: " + reason);
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

  /** Every worker of the door is taken; try again shortly. */
  public static final class Busy extends GatewayException {
    private static final long serialVersionUID = 1L;

    public Busy() {
      super("gitedge: the gateway is busy; try again shortly");
    }
  }

  /**
   * Something this gateway never does for anyone: a shell, {@code git archive --remote}, a
   * command other than a git fetch.
   */
  public static final class NotServed extends GatewayException {
    private static final long serialVersionUID = 1L;

    public NotServed(String message) {
      super(message);
    }

    /** A shell or a terminal, asked for by an authenticated {@code user}. */
    public static NotServed shell(String user) {
      return new NotServed("gitedge: hi " + user + "! You are authenticated, but this gateway"
          + " serves git fetches only; there is no shell.");
    }

    /** A command that is not a git service. */
    public static NotServed command() {
      return new NotServed("gitedge: only git-upload-pack is served here");
    }

    /** {@code git archive --remote}. */
    public static NotServed archive() {
      return new NotServed("gitedge: git archive --remote is not served; clone or fetch"
          + " instead");
    }
  }

  /** The request itself is malformed. */
  public static final class BadRequest extends GatewayException {
    private static final long serialVersionUID = 1L;

    public BadRequest(String message) {
      super(message);
    }
  }

  /** An endpoint was asked with a method it does not take; {@link #allowed} it does take. */
  public static final class MethodNotAllowed extends GatewayException {
    private static final long serialVersionUID = 1L;
    private final String allowed;

    public MethodNotAllowed(String allowed, String message) {
      super(message);
      this.allowed = allowed;
    }

    /** The method the endpoint takes, e.g. {@code POST}. */
    public String allowed() {
      return allowed;
    }
  }

  /** The request body is larger than the endpoint takes. */
  public static final class TooLarge extends GatewayException {
    private static final long serialVersionUID = 1L;

    public TooLarge(String message) {
      super(message);
    }
  }

  /** A signed request (a webhook, a peer's event) whose signature does not match. */
  public static final class BadSignature extends GatewayException {
    private static final long serialVersionUID = 1L;

    public BadSignature(String message) {
      super(message);
    }
  }

  /** The client went away mid-request: nothing more can reach it. */
  public static final class ClientGone extends GatewayException {
    private static final long serialVersionUID = 1L;

    public ClientGone(Throwable cause) {
      super("the client went away", cause);
    }
  }

  /** A fault of ours: the client gets one plain line, the details are in the log. */
  public static final class Internal extends GatewayException {
    private static final long serialVersionUID = 1L;

    public Internal(Throwable cause) {
      super("gitedge: internal error; the gateway's log has the details", cause);
    }
  }
}
