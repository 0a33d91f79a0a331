package io.gitedge.gateway.ssh;

import io.gitedge.gateway.git.GatewayException;

/**
 * The one place SSH answers a {@link GatewayException}: a line on the channel's stderr, which git
 * prints to the user before its own "fatal: Could not read from remote repository", and an exit
 * status. Unknown and forbidden repositories get the same line and status.
 */
final class SshErrorMapper {
  private SshErrorMapper() {}

  static int exitCode(GatewayException e) {
    if (e instanceof GatewayException.MirrorNotFound || e instanceof GatewayException.BadRequest) {
      return 128;
    }
    if (e instanceof GatewayException.Unauthenticated
        || e instanceof GatewayException.IdentityUnavailable) {
      return 255;
    }
    return 1;
  }

  /** The stderr line; messages that do not already say who speaks get a prefix. */
  static String message(GatewayException e) {
    String m = e.getMessage();
    return (m.startsWith("gitedge: ") ? m : "gitedge: " + m) + "\n";
  }
}
