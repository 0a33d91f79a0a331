package io.gitedge.goproxy;

/**
 * Go's {@code %q}, so that our messages quote paths and characters exactly as the go command's
 * do ({@code strconv.Quote} and {@code strconv.QuoteRune}): printable characters as they are,
 * {@code \n}-style escapes, then {@code \xNN}, {@code \}{@code uNNNN} or {@code \UNNNNNNNN}.
 *
 * <p>A Java string cannot hold the invalid UTF-8 Go would quote byte by byte; an unpaired
 * surrogate, the nearest thing, is quoted as {@code \}{@code uDNNN}.
 */
final class GoQuote {
  private GoQuote() {}

  /** {@code strconv.Quote(s)}. */
  static String string(String s) {
    StringBuilder b = new StringBuilder(s.length() + 2).append('"');
    s.codePoints().forEach(c -> append(b, c, '"'));
    return b.append('"').toString();
  }

  /** {@code strconv.QuoteRune(c)}. */
  static String rune(int c) {
    StringBuilder b = new StringBuilder("'");
    append(b, c, '\'');
    return b.append('\'').toString();
  }

  private static void append(StringBuilder b, int c, char quote) {
    if (c == quote || c == '\\') {
      b.append('\\').appendCodePoint(c);
    } else if (isPrint(c)) {
      b.appendCodePoint(c);
    } else {
      switch (c) {
        case 0x07 -> b.append("\\a");
        case '\b' -> b.append("\\b");
        case '\f' -> b.append("\\f");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        case 0x0b -> b.append("\\v");
        default -> {
          if (c < ' ' || c == 0x7f) {
            b.append(String.format("\\x%02x", c));
          } else if (c < 0x10000) {
            b.append(String.format("\\u%04x", c));
          } else {
            b.append(String.format("\\U%08x", c));
          }
        }
      }
    }
  }

  /** {@code unicode.IsPrint}: letters, marks, numbers, punctuation, symbols and ASCII space. */
  private static boolean isPrint(int c) {
    if (c < 0x80) {
      return ' ' <= c && c < 0x7f;
    }
    switch (Character.getType(c)) {
      case Character.UPPERCASE_LETTER, Character.LOWERCASE_LETTER, Character.TITLECASE_LETTER,
          Character.MODIFIER_LETTER, Character.OTHER_LETTER, Character.NON_SPACING_MARK,
          Character.ENCLOSING_MARK, Character.COMBINING_SPACING_MARK,
          Character.DECIMAL_DIGIT_NUMBER, Character.LETTER_NUMBER, Character.OTHER_NUMBER,
          Character.CONNECTOR_PUNCTUATION, Character.DASH_PUNCTUATION,
          Character.START_PUNCTUATION, Character.END_PUNCTUATION,
          Character.INITIAL_QUOTE_PUNCTUATION, Character.FINAL_QUOTE_PUNCTUATION,
          Character.OTHER_PUNCTUATION, Character.MATH_SYMBOL, Character.CURRENCY_SYMBOL,
          Character.MODIFIER_SYMBOL, Character.OTHER_SYMBOL:
        return true;
      default:
        return false;
    }
  }
}
