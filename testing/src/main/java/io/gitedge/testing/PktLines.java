package io.gitedge.testing;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Git pkt-lines written by hand, for requests that tests send without a git client. */
public final class PktLines {
  private PktLines() {}

  /**
   * The pkt-line encoding of {@code lines}: {@code "0000"} is a flush packet, {@code "0001"} a
   * delimiter, anything else a data line that gets its LF.
   */
  public static byte[] of(String... lines) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (String l : lines) {
      String p = l.equals("0000") || l.equals("0001") ? l
          : String.format("%04x", l.length() + 5) + l + "\n";
      out.writeBytes(p.getBytes(StandardCharsets.ISO_8859_1));
    }
    return out.toByteArray();
  }
}
