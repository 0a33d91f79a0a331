package io.gitedge.gateway.http;

import io.gitedge.gateway.git.GatewayException;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;

/**
 * The body of a signed request (a webhook, a peer's event), read whole before its signature can be
 * checked, and so bounded: a body over the limit is refused, decided from a declared length or as
 * soon as it passes the limit; before the refusal, up to {@value #DRAIN_MAX} bytes of the rest
 * are read and dropped (never kept), so a sender still sending sees the 413 instead of a reset
 * connection.
 */
final class SignedBody {
  /** How much of an oversized body is read (and dropped) so that its sender gets the 413. */
  static final long DRAIN_MAX = 16L << 20;

  private SignedBody() {}

  /**
   * The body of {@code req}.
   *
   * @throws GatewayException.TooLarge when it is larger than {@code max} bytes
   */
  static byte[] read(HttpServletRequest req, int max) throws IOException, GatewayException {
    long declared = req.getContentLengthLong();
    if (declared <= max) {
      try (InputStream in = req.getInputStream()) {
        byte[] b = in.readNBytes(max + 1);
        if (b.length <= max) {
          return b;
        }
      }
    }
    drain(req);
    throw new GatewayException.TooLarge("gitedge: webhook bodies are limited to "
        + (max >> 20) + " MiB");
  }

  /** Reads and drops what is left of a refused body, up to {@link #DRAIN_MAX} bytes. */
  private static void drain(HttpServletRequest req) {
    byte[] buf = new byte[8192];
    long left = DRAIN_MAX;
    try {
      InputStream in = req.getInputStream();
      for (int n; left > 0 && (n = in.read(buf, 0, (int) Math.min(buf.length, left))) >= 0; ) {
        left -= n;
      }
    } catch (IOException e) {
      // the sender went away: nobody is left to read the answer
    }
  }
}
