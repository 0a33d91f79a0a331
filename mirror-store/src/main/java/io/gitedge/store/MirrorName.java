package io.gitedge.store;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The validated name of a mirror: the upstream's host followed by its path, such as
 * {@code github.com/acme/lib}. {@code github.com/acme/lib.git} and {@code github.com/acme/lib/}
 * name the same mirror. The mirror lives in {@code <root>/github.com/acme/lib.git}.
 *
 * <p>Only names made of a host ({@code [a-z0-9.-]}, not starting with a dot or hyphen) and one
 * or more segments of {@code [A-Za-z0-9._-]} are accepted; {@code .}, {@code ..}, empty segments,
 * segments starting with {@code -}, a {@code .git} suffix anywhere but at the end (the host
 * included, so {@code .git} folders are only ever the mirrors themselves), backslashes, NUL,
 * percent signs (a second round of URL encoding) and absolute paths are all rejected. A valid
 * name therefore can never resolve outside the mirror root. Immutable; compares by value.
 */
public final class MirrorName implements Comparable<MirrorName> {
  static final int MAX_LENGTH = 512;
  private static final Pattern HOST = Pattern.compile("[a-z0-9][a-z0-9.-]{0,252}");
  private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_.][A-Za-z0-9._-]{0,127}");

  private final String value;

  private MirrorName(String value) {
    this.value = value;
  }

  /**
   * Parses a repository name as a client or a config file gave it.
   *
   * @throws InvalidMirrorNameException with a reason meant for logs, never for clients
   */
  public static MirrorName parse(String raw) throws InvalidMirrorNameException {
    if (raw == null || raw.isEmpty()) {
      throw new InvalidMirrorNameException("empty repository name");
    }
    if (raw.length() > MAX_LENGTH) {
      throw new InvalidMirrorNameException("repository name longer than " + MAX_LENGTH);
    }
    String s = raw;
    if (s.endsWith("/")) {
      s = s.substring(0, s.length() - 1);
    }
    if (s.endsWith(".git")) {
      s = s.substring(0, s.length() - 4);
    }
    List<String> segments = Arrays.asList(s.split("/", -1));
    if (segments.size() < 2) {
      throw new InvalidMirrorNameException("a repository name is <host>/<path>: " + describe(raw));
    }
    if (!HOST.matcher(segments.get(0)).matches() || segments.get(0).endsWith(".git")) {
      throw new InvalidMirrorNameException("not a host name: " + describe(segments.get(0)));
    }
    for (String seg : segments.subList(1, segments.size())) {
      if (!SEGMENT.matcher(seg).matches() || seg.equals(".") || seg.equals("..")
          || seg.endsWith(".git")) {
        throw new InvalidMirrorNameException("not a usable path segment: " + describe(seg));
      }
    }
    return new MirrorName(s);
  }

  /** The canonical name, without {@code .git}: {@code github.com/acme/lib}. */
  public String value() {
    return value;
  }

  /** The host part: {@code github.com}. */
  public String host() {
    return value.substring(0, value.indexOf('/'));
  }

  /** The path after the host: {@code acme/lib}. */
  public String path() {
    return value.substring(value.indexOf('/') + 1);
  }

  /** Whether this name is {@code prefix} itself or lies below it, segment-wise. */
  public boolean isUnder(String prefix) {
    String p = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
    return value.equals(p) || value.startsWith(p + "/");
  }

  /** The mirror's folder relative to the mirror root: {@code github.com/acme/lib.git}. */
  public Path relativeDirectory() {
    return Path.of(value + ".git");
  }

  private static String describe(String s) {
    StringBuilder b = new StringBuilder("\"");
    s.codePoints().limit(80).forEach(c -> {
      if (c < 0x20 || c == 0x7f || c > 0x7e) {
        b.append(String.format("\\u%04x", c));
      } else {
        b.appendCodePoint(c);
      }
    });
    return b.append(s.length() > 80 ? "...\"" : "\"").toString();
  }

  @Override
  public int compareTo(MirrorName o) {
    return value.compareTo(o.value);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MirrorName n && n.value.equals(value);
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }

  @Override
  public String toString() {
    return value;
  }
}
