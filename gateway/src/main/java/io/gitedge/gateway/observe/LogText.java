package io.gitedge.gateway.observe;

/** Makes client-supplied text safe for a log line: cut short, control characters escaped. */
public final class LogText {
  private LogText() {}

  /** {@code raw} with control characters as {@code \xNN}, cut after 300 characters. */
  public static String printable(String raw) {
    if (raw == null) {
      return "-";
    }
    String s = raw.length() > 300 ? raw.substring(0, 300) + "..." : raw;
    StringBuilder b = new StringBuilder(s.length());
    s.chars().forEach(c -> b.append(c < 0x20 || c == 0x7f ? String.format("\\x%02x", c)
        : String.valueOf((char) c)));
    return b.toString();
  }
}
