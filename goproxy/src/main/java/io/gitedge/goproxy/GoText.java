package io.gitedge.goproxy;

/**
 * The few pieces of Go's {@code strconv}, {@code unicode} and {@code strings} packages that the
 * module zip rules lean on, so that Java gives the same answers and the same error text.
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

  /**
   * {@code unicode.IsSpace}: Unicode's White_Space, that is the space separators, the line and
   * paragraph separators, {@code \t \n \v \f \r} and U+0085 ({@link Character#isWhitespace}
   * differs: it leaves out the no-break spaces and takes in U+001C..U+001F).
   */
  static boolean isSpace(int r) {
    return (r >= '\t' && r <= '\r') || r == 0x85 || Character.isSpaceChar(r);
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

  /** {@code strings.EqualFold}. */
  static boolean equalFold(String s, String t) {
    return fold(s).equals(fold(t));
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
}
