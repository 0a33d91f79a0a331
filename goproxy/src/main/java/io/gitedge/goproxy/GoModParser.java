package io.gitedge.goproxy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The lexer and parser of {@code modfile/read.go} ({@code readToken}, {@code parseFile},
 * {@code parseStmt}, {@code parseLineBlock}, {@code parseLine}), keeping only what the lax
 * checks of {@link GoModFile} need: each statement's tokens, comments left out. A file that
 * {@code modfile.parse} refuses is refused here too, so the go command and this proxy agree on
 * which go.mod files say nothing.
 *
 * <p>Runes are decoded from the file's bytes as Go decodes them (a byte that is not UTF-8 is
 * U+FFFD, a printable identifier character); tokens are their bytes read as UTF-8.
 */
final class GoModParser {
  private static final int EOF = -1;
  private static final int EOL_COMMENT = -2;
  private static final int IDENT = -3;
  private static final int STRING = -4;
  private static final int COMMENT = -5;

  /** One statement of the file. */
  sealed interface Statement permits Line, Block {}

  /** A line: its tokens, quoted strings with their quotes. */
  record Line(List<String> tokens) implements Statement {}

  /** {@code verb (} ... {@code )}: the tokens before the parenthesis, and each line inside. */
  record Block(List<String> tokens, List<Line> lines) implements Statement {}

  /** Why the go command cannot read the file: a syntax error, or a lax check that failed. */
  static final class Unreadable extends Exception {
    private static final long serialVersionUID = 1L;

    Unreadable() {
      super(null, null, false, false);
    }
  }

  private final byte[] in;
  private int pos;
  /** The token {@link #lex} returns next: its kind (punctuation is its character) and text. */
  private int kind;
  private String text;

  private GoModParser(byte[] in) {
    this.in = in;
  }

  /** The statements of {@code goMod}, in order. */
  static List<Statement> parse(byte[] goMod) throws Unreadable {
    return new GoModParser(goMod).parseFile();
  }

  // The parser.

  private List<Statement> parseFile() throws Unreadable {
    readToken();
    List<Statement> statements = new ArrayList<>();
    while (true) {
      switch (kind) {
        case '\n', COMMENT -> lex(null);
        case EOF -> {
          return statements;
        }
        default -> statements.add(parseStatement());
      }
    }
  }

  private Statement parseStatement() throws Unreadable {
    List<String> tokens = new ArrayList<>();
    lex(tokens);
    while (true) {
      String tokenText = text;
      int k = lex(null);
      if (isEol(k)) {
        return new Line(tokens);
      }
      if (k == '(') {
        if (isEol(kind)) {
          return parseBlock(tokens);
        }
        if (kind == ')') {
          lex(null);
          if (isEol(kind)) {
            lex(null);
            return new Block(tokens, List.of());
          }
          // "( )" in the middle of a line, not a block.
          tokens.add("(");
          tokens.add(")");
        } else {
          tokens.add("(");
        }
        continue;
      }
      tokens.add(tokenText);
    }
  }

  private Block parseBlock(List<String> tokens) throws Unreadable {
    List<Line> lines = new ArrayList<>();
    while (true) {
      switch (kind) {
        case EOL_COMMENT, '\n', COMMENT -> lex(null);
        case EOF -> throw new Unreadable(); // unterminated block
        case ')' -> {
          lex(null);
          if (!isEol(kind)) {
            throw new Unreadable(); // expected newline after closing paren
          }
          lex(null);
          return new Block(tokens, lines);
        }
        default -> lines.add(parseLine());
      }
    }
  }

  private Line parseLine() throws Unreadable {
    List<String> tokens = new ArrayList<>();
    lex(tokens);
    while (!isEol(kind)) {
      lex(tokens);
    }
    lex(null);
    return new Line(tokens);
  }

  /** Adds the current token's text to {@code into} (if any), reads the next; returns its kind. */
  private int lex(List<String> into) throws Unreadable {
    int k = kind;
    if (into != null) {
      into.add(text);
    }
    readToken();
    return k;
  }

  private static boolean isEol(int kind) {
    return kind == EOF || kind == EOL_COMMENT || kind == '\n';
  }

  // The lexer.

  private void readToken() throws Unreadable {
    while (pos < in.length) {
      int c = peekRune();
      if (c == ' ' || c == '\t' || c == '\r') {
        pos++;
        continue;
      }
      if (startsWith("//")) {
        boolean suffix = !onlySpaceBeforeOnLine(pos);
        pos += 2;
        while (pos < in.length && readRune() != '\n') {
          // The comment runs to the end of its line, newline included.
        }
        token(suffix ? EOL_COMMENT : COMMENT, "");
        return;
      }
      if (startsWith("/*")) {
        throw new Unreadable();
      }
      break;
    }
    if (pos >= in.length) {
      token(EOF, "");
      return;
    }
    int start = pos;
    int c = peekRune();
    switch (c) {
      case '\n', '(', ')', '[', ']', '{', '}', ',' -> {
        pos++;
        token(c, String.valueOf((char) c));
        return;
      }
      case '"', '`' -> {
        pos++;
        readQuoted(c);
        token(STRING, text(start));
        return;
      }
      default -> {
        // An identifier, below.
      }
    }
    if (!isIdent(c)) {
      throw new Unreadable();
    }
    while (pos < in.length && isIdent(peekRune())) {
      if (startsWith("//")) {
        break;
      }
      if (startsWith("/*")) {
        throw new Unreadable();
      }
      readRune();
    }
    token(IDENT, text(start));
  }

  /** Reads the rest of a string opened by {@code quote}, which must close on the same line. */
  private void readQuoted(int quote) throws Unreadable {
    while (true) {
      if (pos >= in.length || peekRune() == '\n') {
        throw new Unreadable();
      }
      int r = readRune();
      if (r == quote) {
        return;
      }
      if (r == '\\' && quote != '`') {
        if (pos >= in.length) {
          throw new Unreadable();
        }
        readRune();
      }
    }
  }

  private void token(int kind, String text) {
    this.kind = kind;
    this.text = text;
  }

  private String text(int start) {
    return new String(in, start, pos - start, StandardCharsets.UTF_8);
  }

  /** Whether only white space precedes {@code at} on its line: a comment on a line of its own. */
  private boolean onlySpaceBeforeOnLine(int at) {
    int lineStart = at;
    while (lineStart > 0 && in[lineStart - 1] != '\n') {
      lineStart--;
    }
    for (int i = lineStart; i < at; ) {
      int[] rune = GoText.decodeRune(in, i);
      if (!GoText.isSpace(rune[0])) {
        return false;
      }
      i += rune[1];
    }
    return true;
  }

  /** {@code modfile.isIdent}: printable, not space, not one of {@code ()[]{},}. */
  private static boolean isIdent(int c) {
    return switch (c) {
      case ' ', '(', ')', '[', ']', '{', '}', ',' -> false;
      default -> !GoText.isSpace(c) && GoText.isPrint(c);
    };
  }

  private boolean startsWith(String prefix) {
    if (pos + prefix.length() > in.length) {
      return false;
    }
    for (int i = 0; i < prefix.length(); i++) {
      if (in[pos + i] != prefix.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private int peekRune() {
    return pos < in.length ? GoText.decodeRune(in, pos)[0] : 0;
  }

  private int readRune() {
    int[] rune = GoText.decodeRune(in, pos);
    pos += rune[1];
    return rune[0];
  }
}
