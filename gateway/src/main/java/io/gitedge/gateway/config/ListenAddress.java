package io.gitedge.gateway.config;

import io.gitedge.config.ConfigException;
import io.gitedge.config.ConfigNode;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A host and port to bind, as a front door's {@code listen:} key gives them.
 *
 * @param host a name or address ({@code 127.0.0.1}, {@code ::1}, {@code 0.0.0.0})
 * @param port 0 to 65535; 0 picks a free one
 */
record ListenAddress(String host, int port) {
  private static final Pattern HOST_PORT =
      Pattern.compile("(\\[[0-9a-fA-F:.]+]|[^:\\s]+):(\\d{1,5})");
  private static final int MAX_PORT = 65535;

  /**
   * Reads {@code host:port} ({@code [::1]:8443} for IPv6); the host must resolve.
   *
   * @param example listen addresses to suggest when the value is malformed
   */
  static ListenAddress read(ConfigNode node, String example) throws ConfigException {
    String text = node.asString();
    Matcher matcher = HOST_PORT.matcher(text);
    if (!matcher.matches()) {
      throw node.error("expected host:port, e.g. " + example + ", got \"" + text + "\"");
    }
    String host = matcher.group(1).replaceAll("^\\[|]$", "");
    int port = Integer.parseInt(matcher.group(2));
    if (port > MAX_PORT) {
      throw node.error("port must be between 0 and " + MAX_PORT + ", got " + port);
    }
    try {
      InetAddress.getByName(host);
    } catch (UnknownHostException e) {
      throw node.error("cannot resolve host \"" + host + "\"");
    }
    return new ListenAddress(host, port);
  }
}
