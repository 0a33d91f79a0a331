package io.gitedge.gateway.http;

/**
 * Writes HTML in which every value is escaped: text and attribute values go through
 * {@link #escape}, and only the page's own constant markup goes in as it is ({@link #raw}).
 * Mirror names, upstream URLs, error texts and peers' answers are not ours, so a value is never
 * concatenated into markup by hand. Not thread-safe; one per page.
 */
final class Html {
  private final StringBuilder out = new StringBuilder(32 * 1024);

  /** {@code s} with {@code & < > " '} as character references: safe as text and in quotes. */
  static String escape(String s) {
    StringBuilder b = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> b.append("&amp;");
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }

  /** The page's own markup, a compile-time constant: never a value from elsewhere. */
  Html raw(String markup) {
    out.append(markup);
    return this;
  }

  /** {@code s} as text. */
  Html text(String s) {
    out.append(escape(s));
    return this;
  }

  /**
   * {@code s} as text that may break after each {@code /} ({@code <wbr>}): URLs and paths wrap
   * at their segments rather than anywhere.
   */
  Html path(String s) {
    int from = 0;
    for (int slash = s.indexOf('/'); slash >= 0; slash = s.indexOf('/', slash + 1)) {
      out.append(escape(s.substring(from, slash + 1)));
      if (slash + 1 < s.length() && s.charAt(slash + 1) != '/') {
        out.append("<wbr>");
      }
      from = slash + 1;
    }
    out.append(escape(s.substring(from)));
    return this;
  }

  /** {@code <tag name="value" ...>}, the values escaped; {@code attrs} are name, value pairs. */
  Html open(String tag, String... attrs) {
    if (attrs.length % 2 != 0) {
      throw new IllegalArgumentException("attributes come in name, value pairs");
    }
    out.append('<').append(tag);
    for (int i = 0; i < attrs.length; i += 2) {
      out.append(' ').append(attrs[i]).append("=\"").append(escape(attrs[i + 1])).append('"');
    }
    out.append('>');
    return this;
  }

  /** {@code </tag>}. */
  Html close(String tag) {
    out.append("</").append(tag).append('>');
    return this;
  }

  /** {@code <tag attrs>text</tag>}. */
  Html el(String tag, String text, String... attrs) {
    return open(tag, attrs).text(text).close(tag);
  }

  @Override
  public String toString() {
    return out.toString();
  }
}
