package io.gitedge.goproxy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The few pieces of Go's {@code strconv}, {@code unicode}, {@code unicode/utf8} and
 * {@code strings} packages that the module zip rules and go.mod reading lean on, so that Java
 * gives the same answers and the same error text.
 *
 * <p>Java strings stand for Go strings of valid UTF-8. A lone surrogate stands for bytes that are
 * not UTF-8 (Go would hold them as such; a Java string cannot): {@link #isValidUtf8} says no,
 * and {@link #quote} shows it as a {@code \}{@code uXXXX} escape where Go would show the bytes.
 *
 * <p>The predicates follow the JDK's Unicode tables (Unicode 13 in Java 17, as in Go 1.19);
 * a code point assigned in a later Unicode version may be judged differently than a newer go
 * command judges it.
 */
final class GoText {
  private static final char[] LOWER_HEX = "0123456789abcdef".toCharArray();

  private GoText() {}

  /** {@code utf8.ValidString}: false when {@code s} holds a lone surrogate. */
  static boolean isValidUtf8(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
          i++;
          continue;
        }
        return false;
      }
      if (Character.isLowSurrogate(c)) {
        return false;
      }
    }
    return true;
  }

  /** {@code strconv.Quote}, as {@code %q} prints a string in Go's error messages. */
  static String quote(String s) {
    StringBuilder out = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); ) {
      int r = s.codePointAt(i);
      i += Character.charCount(r);
      appendEscaped(out, r, '"');
    }
    return out.append('"').toString();
  }

  /** {@code strconv.QuoteRune}, as {@code %q} prints a rune ({@code 'x'}). */
  static String quoteRune(int r) {
    StringBuilder out = new StringBuilder("'");
    appendEscaped(out, r, '\'');
    return out.append('\'').toString();
  }

  private static void appendEscaped(StringBuilder out, int r, char quote) {
    if (r == quote || r == '\\') {
      out.append('\\').appendCodePoint(r);
      return;
    }
    if (isPrint(r)) {
      out.appendCodePoint(r);
      return;
    }
    switch (r) {
      case 0x07 -> out.append("\\a");
      case '\b' -> out.append("\\b");
      case '\f' -> out.append("\\f");
      case '\n' -> out.append("\\n");
      case '\r' -> out.append("\\r");
      case '\t' -> out.append("\\t");
      case 0x0b -> out.append("\\v");
      default -> {
        if (r < ' ' || r == 0x7f) {
          out.append("\\x").append(LOWER_HEX[r >> 4]).append(LOWER_HEX[r & 0xf]);
        } else if (r < 0x10000) {
          appendHex(out.append("\\u"), r, 4);
        } else {
          appendHex(out.append("\\U"), r, 8);
        }
      }
    }
  }

  private static void appendHex(StringBuilder out, int r, int digits) {
    for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) {
      out.append(LOWER_HEX[(r >> shift) & 0xf]);
    }
  }

  /**
   * {@code unicode.IsPrint}: letters, marks, numbers, punctuation, symbols and the ASCII space;
   * no other space, no control or format character.
   */
  static boolean isPrint(int r) {
    if (r == ' ') {
      return true;
    }
    return switch (Character.getType(r)) {
      case Character.UPPERCASE_LETTER, Character.LOWERCASE_LETTER, Character.TITLECASE_LETTER,
          Character.MODIFIER_LETTER, Character.OTHER_LETTER,
          Character.NON_SPACING_MARK, Character.ENCLOSING_MARK, Character.COMBINING_SPACING_MARK,
          Character.DECIMAL_DIGIT_NUMBER, Character.LETTER_NUMBER, Character.OTHER_NUMBER,
          Character.CONNECTOR_PUNCTUATION, Character.DASH_PUNCTUATION,
          Character.START_PUNCTUATION, Character.END_PUNCTUATION,
          Character.INITIAL_QUOTE_PUNCTUATION, Character.FINAL_QUOTE_PUNCTUATION,
          Character.OTHER_PUNCTUATION,
          Character.MATH_SYMBOL, Character.CURRENCY_SYMBOL, Character.MODIFIER_SYMBOL,
          Character.OTHER_SYMBOL -> true;
      default -> false;
    };
  }

  /** {@code unicode.IsSpace}. */
  static boolean isSpace(int r) {
    if (r <= 0xff) {
      return r == '\t' || r == '\n' || r == 0x0b || r == '\f' || r == '\r' || r == ' '
          || r == 0x85 || r == 0xa0;
    }
    return r == 0x1680 || (r >= 0x2000 && r <= 0x200a) || r == 0x2028 || r == 0x2029
        || r == 0x202f || r == 0x205f || r == 0x3000;
  }

  /** {@code unicode.IsLetter}. */
  static boolean isLetter(int r) {
    return Character.isLetter(r);
  }

  /**
   * A string equal for {@code s} and {@code t} exactly when Go's {@code strings.EqualFold(s, t)}
   * holds: x/mod/zip's {@code strToFold}, by another representative of each case-folding orbit.
   */
  static String fold(String s) {
    StringBuilder out = null;
    for (int i = 0; i < s.length(); ) {
      int r = s.codePointAt(i);
      int f = foldRune(r);
      if (out == null && f != r) {
        out = new StringBuilder(s.length()).append(s, 0, i);
      }
      if (out != null) {
        out.appendCodePoint(f);
      }
      i += Character.charCount(r);
    }
    return out == null ? s : out.toString();
  }

  /**
   * Go's {@code <} on strings, byte by byte: code point order, which UTF-8 preserves; Java's
   * {@link String#compareTo} compares UTF-16 units and would put U+FFFD after U+1F600.
   */
  static int compare(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int ca = a.codePointAt(i);
      int cb = b.codePointAt(j);
      if (ca != cb) {
        return Integer.compare(ca, cb);
      }
      i += Character.charCount(ca);
      j += Character.charCount(cb);
    }
    return Boolean.compare(i < a.length(), j < b.length());
  }

  /** {@code strings.EqualFold}. */
  static boolean equalFold(String s, String t) {
    if (isAscii(s) && isAscii(t)) {
      // the common case (every module path, most file names), without building two strings
      return s.length() == t.length() && s.regionMatches(true, 0, t, 0, s.length());
    }
    return fold(s).equals(fold(t));
  }

  private static boolean isAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) >= 0x80) {
        return false;
      }
    }
    return true;
  }

  /**
   * One code point of each orbit of {@code unicode.SimpleFold}: the lower case of the upper
   * case. That joins what Go joins ({@code K}, {@code k} and the Kelvin sign; {@code µ},
   * {@code Μ} and {@code μ}; {@code ß} and {@code ẞ}), except that the JDK maps dotted capital
   * I and dotless small i to ASCII, which Go's simple folding does not: those two stay alone.
   * (Checked against Go 1.19 over every code point; see {@code GoTextTest}.)
   */
  static int foldRune(int r) {
    if (r < 0x80) {
      return r >= 'A' && r <= 'Z' ? r + ('a' - 'A') : r;
    }
    if (r == 0x130 || r == 0x131) {
      return r;
    }
    return Character.toLowerCase(Character.toUpperCase(r));
  }

  /** {@code utf8.DecodeRune}: the rune at {@code pos} and its length; U+FFFD, 1 when invalid. */
  static int[] decodeRune(byte[] b, int pos) {
    int b0 = b[pos] & 0xff;
    if (b0 < 0x80) {
      return new int[] {b0, 1};
    }
    int size;
    int lo = 0x80;
    int hi = 0xbf;
    if (b0 >= 0xc2 && b0 <= 0xdf) {
      size = 2;
    } else if (b0 >= 0xe0 && b0 <= 0xef) {
      size = 3;
      lo = b0 == 0xe0 ? 0xa0 : 0x80;
      hi = b0 == 0xed ? 0x9f : 0xbf;
    } else if (b0 >= 0xf0 && b0 <= 0xf4) {
      size = 4;
      lo = b0 == 0xf0 ? 0x90 : 0x80;
      hi = b0 == 0xf4 ? 0x8f : 0xbf;
    } else {
      return new int[] {0xfffd, 1};
    }
    if (pos + size > b.length) {
      return new int[] {0xfffd, 1};
    }
    int b1 = b[pos + 1] & 0xff;
    if (b1 < lo || b1 > hi) {
      return new int[] {0xfffd, 1};
    }
    int r = size == 2 ? b0 & 0x1f : size == 3 ? b0 & 0x0f : b0 & 0x07;
    r = r << 6 | (b1 & 0x3f);
    for (int i = 2; i < size; i++) {
      int bi = b[pos + i] & 0xff;
      if (bi < 0x80 || bi > 0xbf) {
        return new int[] {0xfffd, 1};
      }
      r = r << 6 | (bi & 0x3f);
    }
    return new int[] {r, size};
  }

  /** {@code strings.TrimSpace}. */
  static String trimSpace(String s) {
    int start = 0;
    int end = s.length();
    while (start < end && isSpace(s.codePointAt(start))) {
      start += Character.charCount(s.codePointAt(start));
    }
    while (end > start && isSpace(s.codePointBefore(end))) {
      end -= Character.charCount(s.codePointBefore(end));
    }
    return s.substring(start, end);
  }

  /**
   * {@code strconv.Unquote} for a double-quoted or raw (back-quoted) string literal; empty when
   * it is not one.
   */
  static Optional<String> unquote(String s) {
    if (s.length() < 2 || s.charAt(s.length() - 1) != s.charAt(0)) {
      return Optional.empty();
    }
    char quote = s.charAt(0);
    String body = s.substring(1, s.length() - 1);
    if (quote == '`') {
      return body.indexOf('`') >= 0 ? Optional.empty() : Optional.of(body.replace("\r", ""));
    }
    if (quote != '"') {
      return Optional.empty();
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int i = 0;
    while (i < body.length()) {
      int c = body.codePointAt(i);
      if (c == '\n' || c == '"') {
        return Optional.empty();
      }
      if (c != '\\') {
        out.writeBytes(new String(Character.toChars(c)).getBytes(StandardCharsets.UTF_8));
        i += Character.charCount(c);
        continue;
      }
      if (i + 1 >= body.length()) {
        return Optional.empty();
      }
      char e = body.charAt(i + 1);
      i += 2;
      switch (e) {
        case 'a' -> out.write(0x07);
        case 'b' -> out.write('\b');
        case 'f' -> out.write('\f');
        case 'n' -> out.write('\n');
        case 'r' -> out.write('\r');
        case 't' -> out.write('\t');
        case 'v' -> out.write(0x0b);
        case '\\' -> out.write('\\');
        case '"' -> out.write('"');
        case 'x', 'u', 'U' -> {
          int n = e == 'x' ? 2 : e == 'u' ? 4 : 8;
          if (i + n > body.length()) {
            return Optional.empty();
          }
          long v = 0;
          for (int j = 0; j < n; j++) {
            int d = Character.digit(body.charAt(i + j), 16);
            if (d < 0 || body.charAt(i + j) > 0x7f) {
              return Optional.empty();
            }
            v = v << 4 | d;
          }
          i += n;
          if (e == 'x') {
            out.write((int) v);
          } else if (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) {
            return Optional.empty();
          } else {
            out.writeBytes(new String(Character.toChars((int) v))
                .getBytes(StandardCharsets.UTF_8));
          }
        }
        case '0', '1', '2', '3', '4', '5', '6', '7' -> {
          if (i + 2 > body.length()) {
            return Optional.empty();
          }
          int v = e - '0';
          for (int j = 0; j < 2; j++) {
            int d = body.charAt(i + j) - '0';
            if (d < 0 || d > 7) {
              return Optional.empty();
            }
            v = v << 3 | d;
          }
          i += 2;
          if (v > 255) {
            return Optional.empty();
          }
          out.write(v);
        }
        default -> {
          return Optional.empty();
        }
      }
    }
    return Optional.of(out.toString(StandardCharsets.UTF_8));
  }
}
