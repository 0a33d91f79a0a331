package io.gitedge.gateway.ssh;

import io.gitedge.gateway.git.GatewayException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place SSH answers a {@link GatewayException}: a line on the channel's stderr, which git
 * prints to the user before its own "fatal: Could not read from remote repository", and an exit
 * status: 128 for a repository that is not found (unknown, forbidden and malformed requests
 * alike) and for failures git itself would end with 128, 255 when the caller could not be
 * authenticated, 1 for every other refusal. Every type has an entry ({@code SshErrorMapperTest}
 * fails otherwise).
 */
final class SshErrorMapper {
  private static final Logger log = LoggerFactory.getLogger(SshErrorMapper.class);

  /** The exit status of an upload-pack that did not finish (git's own for a fatal error). */
  static final int UPLOAD_FAILED = 128;

  /** How each type ends a command: its exit status, and whether its message is sent. */
  record Answer(int exitCode, boolean told) {}

  static final Map<Class<? extends GatewayException>, Answer> ANSWERS = Map.ofEntries(
      Map.entry(GatewayException.Unauthenticated.class, new Answer(255, true)),
      Map.entry(GatewayException.IdentityUnavailable.class, new Answer(255, true)),
      Map.entry(GatewayException.MirrorNotFound.class, new Answer(128, true)),
      Map.entry(GatewayException.ModuleNotFound.class, new Answer(128, true)),
      Map.entry(GatewayException.BadRequest.class, new Answer(128, true)),
      Map.entry(GatewayException.ReadOnly.class, new Answer(1, true)),
      Map.entry(GatewayException.Forbidden.class, new Answer(1, true)),
      Map.entry(GatewayException.MirrorUnavailable.class, new Answer(1, true)),
      Map.entry(GatewayException.Busy.class, new Answer(1, true)),
      Map.entry(GatewayException.NotServed.class, new Answer(1, true)),
      Map.entry(GatewayException.MethodNotAllowed.class, new Answer(1, true)),
      Map.entry(GatewayException.TooLarge.class, new Answer(1, true)),
      Map.entry(GatewayException.BadSignature.class, new Answer(1, true)),
      Map.entry(GatewayException.ClientGone.class, new Answer(UPLOAD_FAILED, false)),
      Map.entry(GatewayException.Internal.class, new Answer(UPLOAD_FAILED, true)));

  private SshErrorMapper() {}

  static Answer answer(GatewayException e) {
    Answer a = ANSWERS.get(e.getClass());
    return a != null ? a : ANSWERS.get(GatewayException.Internal.class);
  }

  static int exitCode(GatewayException e) {
    return answer(e).exitCode();
  }

  /** The stderr line; messages that do not already say who speaks get a prefix. */
  static String message(GatewayException e) {
    String m = e.getMessage();
    return (m.startsWith("gitedge: ") ? m : "gitedge: " + m) + "\n";
  }

  /** Writes the stderr line of {@code e}, unless the client is gone. */
  static void tell(OutputStream err, GatewayException e) {
    if (!answer(e).told()) {
      return;
    }
    try {
      err.write(message(e).getBytes(StandardCharsets.UTF_8));
      err.flush();
    } catch (IOException x) {
      log.debug("could not tell the client: {}", x.toString());
    }
  }
}
