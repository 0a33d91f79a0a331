package io.gitedge.gateway.git;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.eclipse.jgit.errors.PackProtocolException;

/**
 * A client's upload-pack request on its way to JGit, passed through byte for byte, except that a
 * line JGit would fail on with an unchecked exception is refused first as the client's mistake
 * ({@link PackProtocolException}: git prints {@code fatal: remote error: <message>}) rather than
 * reaching JGit, which would answer "internal server error" and make it look like a fault of
 * ours (found by the upload-pack fuzz test, catalogue row F01; JGit 7.8):
 *
 * <ul>
 *   <li>{@code want}, {@code have}, {@code shallow} and {@code object-info}'s {@code oid} lines
 *       whose object id is not 40 hex digits
 *       ({@code ObjectId.fromString} throws {@code InvalidObjectIdException});
 *   <li>{@code deepen} and {@code deepen-since} with a number that is no {@code int}
 *       ({@code NumberFormatException});
 *   <li>{@code deepen-relative}, as a v2 argument or a v0 capability, which JGit does not
 *       implement ({@code UnsupportedOperationException});
 *   <li>a length header that is not one ({@code 0p00}, {@code 0003}) among a v2 command's
 *       arguments, or the end of the request before the command's flush packet (JGit's own
 *       refusal comes wrapped in an {@code UncheckedIOException}).
 *   <li>more than {@value #MAX_PER_HASH} distinct {@code want} or {@code shallow} ids that share
 *       a hash code, which would make JGit's set of them quadratic ({@link #collides}).
 * </ul>
 *
 * Framing is left to JGit: past a length that is not four hex digits of a data line, the rest is
 * passed through unchecked, and so is what follows the first {@link #MAX_LOOKAHEAD} bytes of one
 * v2 command. Used by one thread.
 */
final class RequestLines extends InputStream {
  private static final int MAX_PKT = 65520;
  /** How much of one v2 command is read ahead to be checked before JGit sees any of it. */
  static final int MAX_LOOKAHEAD = 16 << 20;
  private static final int EOF = 0;
  private static final int DATA = 1;
  private static final int FLUSH = 2;
  private static final int OTHER = 3;
  private static final int BAD = 4;
  private static final int CUT = 5;

  /** How many distinct want or shallow ids may share a hash code ({@link #collides}). */
  static final int MAX_PER_HASH = 256;

  private final InputStream in;
  private final Map<Integer, String> firstPerHash = new HashMap<>();
  private final Map<Integer, Integer> sharing = new HashMap<>();
  private final byte[] pkt = new byte[MAX_PKT];
  private final ByteArrayOutputStream ahead = new ByteArrayOutputStream();
  private byte[] buf = new byte[0];
  private int pos;
  private int limit;
  private boolean unchecked;
  private boolean v2;
  private String line;

  private RequestLines(InputStream in) {
    this.in = in;
  }

  /** {@code in}, its lines checked as they are read. */
  static InputStream checked(InputStream in) {
    return new RequestLines(in);
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    if (pos == limit) {
      if (unchecked) {
        return in.read(b, off, len);
      }
      if (!fill()) {
        return -1;
      }
    }
    int n = Math.min(len, limit - pos);
    System.arraycopy(buf, pos, b, off, n);
    pos += n;
    return n;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }

  /**
   * Reads and checks the next pkt-line; for the first line of a v2 command, the whole command up
   * to its flush, so that a bad argument, or a bad length header among them, is refused while
   * JGit reads the command line (JGit reads a v2 command's arguments through an iterator that
   * turns any IOException into an {@code UncheckedIOException}, an "internal server error"
   * again). False at the end of input.
   */
  private boolean fill() throws IOException {
    ahead.reset();
    int kind = next();
    if (kind == EOF) {
      return false;
    }
    PackProtocolException refusal = kind == DATA ? problem(line) : null;
    if (kind == DATA && line.startsWith("command=")) {
      v2 = true;
      while (!unchecked && ahead.size() < MAX_LOOKAHEAD) {
        kind = next();
        if (kind == FLUSH) {
          break;
        }
        if (kind == EOF || kind == CUT) {
          if (refusal == null) {
            refusal = new PackProtocolException("the request ended before its flush packet");
          }
          break;
        }
        if (kind == DATA && refusal == null) {
          refusal = problem(line);
        } else if (kind == BAD && refusal == null) {
          refusal = refused("invalid packet line header",
              new String(pkt, 0, 4, StandardCharsets.ISO_8859_1));
        }
      }
    }
    buf = ahead.toByteArray();
    pos = 0;
    limit = buf.length;
    if (refusal != null) {
      throw refusal;
    }
    return true;
  }

  /** Reads one pkt-line into {@link #ahead}; its payload, for a data line, into {@link #line}. */
  private int next() throws IOException {
    int n = readUpTo(pkt, 0, 4);
    ahead.write(pkt, 0, n);
    if (n == 0) {
      return EOF;
    }
    int length = n == 4 ? hexLength() : -1;
    if (length < 0 || length > MAX_PKT) {
      unchecked = true; // JGit refuses the framing itself, except inside a v2 command
      return BAD;
    }
    if (length <= 4) {
      return length == 0 ? FLUSH : length == 3 ? BAD : OTHER; // delimiter, response end, empty
    }
    n = readUpTo(pkt, 4, length - 4);
    ahead.write(pkt, 4, n);
    if (n < length - 4) {
      return CUT; // JGit's to notice, except inside a v2 command
    }
    line = new String(pkt, 4, length - 4, StandardCharsets.UTF_8);
    return DATA;
  }

  private int readUpTo(byte[] b, int off, int len) throws IOException {
    int done = 0;
    while (done < len) {
      int n = in.read(b, off + done, len - done);
      if (n < 0) {
        break;
      }
      done += n;
    }
    return done;
  }

  private int hexLength() {
    int v = 0;
    for (int i = 0; i < 4; i++) {
      int d = hex(pkt[i]);
      if (d < 0) {
        return -1;
      }
      v = v * 16 + d;
    }
    return v;
  }

  /** Why JGit would fail on {@code raw} with an unchecked exception, or null. */
  private PackProtocolException problem(String raw) {
    String l = raw.endsWith("\n") ? raw.substring(0, raw.length() - 1) : raw;
    if (l.startsWith("want ")) {
      String rest = l.substring(5);
      if (!objectId(rest, !v2)) {
        return refused("invalid want line", l);
      }
      if (collides(rest)) {
        return collision();
      }
      if (!v2 && (" " + rest.substring(40).replace('\0', ' ') + " ")
          .contains(" deepen-relative ")) {
        return new PackProtocolException("deepen-relative is not supported");
      }
    } else if (l.startsWith("have ") || l.startsWith("shallow ") || l.startsWith("oid ")) {
      String id = l.substring(l.indexOf(' ') + 1);
      if (!objectId(id, false)) {
        return refused("invalid " + l.substring(0, l.indexOf(' ')) + " line", l);
      }
      if (l.startsWith("shallow ") && collides(id)) {
        return collision();
      }
    } else if (l.startsWith("deepen ") || l.startsWith("deepen-since ")) {
      try {
        Integer.parseInt(l.substring(l.indexOf(' ') + 1));
      } catch (NumberFormatException e) {
        return refused("invalid " + l.substring(0, l.indexOf(' ')) + " line", l);
      }
    } else if (l.equals("deepen-relative")) {
      return new PackProtocolException("deepen-relative is not supported");
    }
    return null;
  }

  /**
   * Whether {@code id} (40 hex digits, maybe more after them) is one more distinct id whose hash
   * code too many others share. JGit keeps wants and shallow lines in a
   * {@code HashSet<ObjectId>}; an {@code ObjectId}'s hash code is its second 32-bit word, and
   * {@code ObjectId} is not {@code Comparable}, so ids crafted to share that word make every
   * insert a walk of all the others: 100,000 such wants (a 5 MB request) held a thread at full
   * CPU for over a minute (catalogue row H06). Ids of real objects are SHA-1 outputs: among a
   * million of them no {@value #MAX_PER_HASH} share a word. The same id again does not count.
   */
  private boolean collides(String id) {
    int word = (int) Long.parseLong(id.substring(8, 16), 16);
    String first = firstPerHash.putIfAbsent(word, id.substring(0, 40));
    return first != null && !first.equals(id.substring(0, 40))
        && sharing.merge(word, 1, Integer::sum) >= MAX_PER_HASH;
  }

  private static PackProtocolException collision() {
    return new PackProtocolException("more than " + MAX_PER_HASH + " object ids in the request"
        + " share a hash code (crafted ids, not a git client's)");
  }

  /** 40 hex digits, then the end or (where capabilities may follow) a space or NUL. */
  private static boolean objectId(String s, boolean capabilitiesMayFollow) {
    if (s.length() < 40 || (s.length() > 40
        && !(capabilitiesMayFollow && (s.charAt(40) == ' ' || s.charAt(40) == '\0')))) {
      return false;
    }
    for (int i = 0; i < 40; i++) {
      if (hex(s.charAt(i)) < 0) {
        return false;
      }
    }
    return true;
  }

  /** An ASCII hex digit's value, else -1 (JGit's parsers take ASCII only). */
  private static int hex(int c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    return c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
  }

  private static PackProtocolException refused(String what, String line) {
    String shown = line.length() > 80 ? line.substring(0, 80) + "..." : line;
    return new PackProtocolException(what + ": " + shown.replaceAll("[^\\x20-\\x7e]", "?"));
  }
}
