package io.gitedge.goproxy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code go} line of a {@code go.mod} as {@code x/mod/zip} finds it
 * ({@code modfile.ParseLax(...).Go.Version}): the zip rules for {@code vendor} directories
 * changed with go 1.24 and follow the module's own {@code go} line.
 *
 * <p>{@code ParseLax} reads the whole file, and any error in it (a syntax error, a malformed
 * {@code module}, {@code require} or {@code ignore} line, a second {@code go} line) leaves the
 * module without a {@code go} version, so the old rules apply. This reader makes the same
 * checks, so a go.mod the go command cannot read gives no version here either. Unknown
 * statements and those that only matter in a main module ({@code replace}, {@code exclude},
 * {@code toolchain}, {@code godebug}, {@code tool}) are ignored, as lax parsing does.
 *
 * <p>Works on the file's bytes: tokens are kept as ISO-8859-1 strings, one char per byte, so the
 * byte-wise rules (quoting, versions, paths) see exactly what Go sees.
 */
final class LaxGoMod {
  /** Block statements whose lines lax parsing reads; the other blocks are skipped. */
  private static final Set<String> BLOCK_VERBS =
      Set.of("module", "godebug", "require", "exclude", "replace", "retract", "tool", "ignore");

  private static final int EOF = -1;
  private static final int EOL_COMMENT = -2;
  private static final int IDENT = -3;
  private static final int STRING = -4;
  private static final int COMMENT = -5;

  private final byte[] data;
  private int pos;
  private int kind;
  private String text;

  /** Why the file cannot be read: the go command would read no {@code go} line from it. */
  private static final class Unreadable extends Exception {
    private static final long serialVersionUID = 1L;

    Unreadable() {
      super(null, null, false, false);
    }
  }

  /** One statement of the file, comments left out. */
  private sealed interface Statement permits Line, Block {}

  /** A line: its tokens, quoted strings with their quotes. */
  private record Line(List<String> tokens) implements Statement {}

  /** {@code verb (} ... {@code )}: the tokens before the parenthesis, and each line inside. */
  private record Block(List<String> tokens, List<Line> lines) implements Statement {}

  private LaxGoMod(byte[] data) {
    this.data = data;
  }

  /**
   * The version on the {@code go} line ({@code 1.24}, {@code 1.21.3}, {@code 1.22rc1}; a lax
   * form such as {@code 1.21.x} as its {@code 1.21}); empty when there is none or when the file
   * cannot be read.
   */
  static Optional<String> goVersion(byte[] goMod) {
    LaxGoMod in = new LaxGoMod(goMod);
    try {
      List<Statement> statements = in.parseFile();
      return new Directives().read(statements);
    } catch (Unreadable e) {
      return Optional.empty();
    }
  }

  /**
   * The module's language version for the zip rules, as {@code x/mod/zip} computes it:
   * {@code version.Lang("go" + goVersion)}, {@code ""} when there is none.
   */
  static String language(byte[] goMod) {
    return goVersion(goMod).map(v -> GoVersion.lang("go" + v)).orElse("");
  }

  // The lexer: modfile/read.go's readToken.

  private void readToken() throws Unreadable {
    while (pos < data.length) {
      int c = peekRune();
      if (c == ' ' || c == '\t' || c == '\r') {
        pos++;
        continue;
      }
      if (startsWith("//")) {
        boolean suffix = !onlySpaceBeforeOnLine(pos);
        pos += 2;
        while (pos < data.length && readRune() != '\n') {
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
    if (pos >= data.length) {
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
        while (true) {
          if (pos >= data.length || peekRune() == '\n') {
            throw new Unreadable();
          }
          int r = readRune();
          if (r == c) {
            break;
          }
          if (r == '\\' && c != '`') {
            if (pos >= data.length) {
              throw new Unreadable();
            }
            readRune();
          }
        }
        token(STRING, bytes(start, pos));
        return;
      }
      default -> {
        // An identifier, below.
      }
    }
    if (!isIdent(c)) {
      throw new Unreadable();
    }
    while (pos < data.length && isIdent(peekRune())) {
      if (startsWith("//")) {
        break;
      }
      if (startsWith("/*")) {
        throw new Unreadable();
      }
      readRune();
    }
    token(IDENT, bytes(start, pos));
  }

  private void token(int kind, String text) {
    this.kind = kind;
    this.text = text;
  }

  /** Whether only white space precedes {@code at} on its line: a comment on a line of its own. */
  private boolean onlySpaceBeforeOnLine(int at) {
    int lineStart = at;
    while (lineStart > 0 && data[lineStart - 1] != '\n') {
      lineStart--;
    }
    for (int i = lineStart; i < at; ) {
      int r = decodeRune(data, i);
      if (!GoText.isSpace(r)) {
        return false;
      }
      i += runeSize(data, i);
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
    if (pos + prefix.length() > data.length) {
      return false;
    }
    for (int i = 0; i < prefix.length(); i++) {
      if (data[pos + i] != prefix.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private int peekRune() {
    return pos < data.length ? decodeRune(data, pos) : 0;
  }

  private int readRune() {
    int r = decodeRune(data, pos);
    pos += runeSize(data, pos);
    return r;
  }

  private String bytes(int from, int to) {
    return new String(data, from, to - from, StandardCharsets.ISO_8859_1);
  }

  // The parser: modfile/read.go's parseFile, parseStmt, parseLineBlock, parseLine.

  /** The next token's kind, the one {@link #lex} returns. */
  private int peek() {
    return kind;
  }

  /** Returns the current token's text and reads the next; {@link #kind} is the next one's. */
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

  private List<Statement> parseFile() throws Unreadable {
    readToken();
    List<Statement> statements = new ArrayList<>();
    while (true) {
      switch (peek()) {
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
        if (isEol(peek())) {
          return parseBlock(tokens);
        }
        if (peek() == ')') {
          lex(null);
          if (isEol(peek())) {
            lex(null);
            return new Block(tokens, List.of());
          }
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
      switch (peek()) {
        case EOL_COMMENT, '\n', COMMENT -> lex(null);
        case EOF -> throw new Unreadable(); // unterminated block
        case ')' -> {
          lex(null);
          if (!isEol(peek())) {
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
    while (!isEol(peek())) {
      lex(tokens);
    }
    lex(null);
    return new Line(tokens);
  }

  /** modfile/rule.go's parseToFile and add, in lax mode, as far as they can fail. */
  private static final class Directives {
    private String goVersion;
    private boolean haveModule;

    Optional<String> read(List<Statement> statements) throws Unreadable {
      for (Statement statement : statements) {
        if (statement instanceof Line line) {
          List<String> t = line.tokens();
          add(t.get(0), t.subList(1, t.size()));
        } else if (statement instanceof Block block) {
          if (block.tokens().size() == 1 && BLOCK_VERBS.contains(block.tokens().get(0))) {
            for (Line line : block.lines()) {
              add(block.tokens().get(0), line.tokens());
            }
          }
        }
      }
      return Optional.ofNullable(goVersion);
    }

    private void add(String verb, List<String> args) throws Unreadable {
      switch (verb) {
        case "go" -> {
          if (goVersion != null || args.size() != 1) {
            throw new Unreadable();
          }
          String v = args.get(0);
          if (!isGoVersion(v)) {
            v = laxGoVersion(v).orElseThrow(Unreadable::new);
          }
          goVersion = v;
        }
        case "module" -> {
          if (haveModule || args.size() != 1) {
            throw new Unreadable();
          }
          haveModule = true;
          parseString(args.get(0));
        }
        case "require" -> {
          if (args.size() != 2) {
            throw new Unreadable();
          }
          String path = parseString(args.get(0));
          String version = ZipSemver.canonicalModuleVersion(parseString(args.get(1)));
          if (version.isEmpty()) {
            throw new Unreadable();
          }
          String pathMajor = ZipModuleCheck.splitPathMajor(path).orElseThrow(Unreadable::new);
          if (ZipModuleCheck.pathMajorMismatch(version, pathMajor).isPresent()) {
            throw new Unreadable();
          }
        }
        case "ignore" -> {
          if (args.size() != 1) {
            throw new Unreadable();
          }
          parseString(args.get(0));
        }
        default -> {
          // retract: lax parsing drops a malformed interval silently; the rest is ignored.
        }
      }
    }
  }

  /** {@code modfile.GoVersionRE}: {@code 1.21}, {@code 1.21.3}, {@code 1.21rc1}. */
  static boolean isGoVersion(String v) {
    int i = decimal(v, 0, false);
    if (i < 0 || i >= v.length() || v.charAt(i) != '.') {
      return false;
    }
    i = decimal(v, i + 1, true);
    if (i < 0) {
      return false;
    }
    if (i < v.length() && v.charAt(i) == '.') {
      i = decimal(v, i + 1, true);
      if (i < 0) {
        return false;
      }
    }
    if (i == v.length()) {
      return true;
    }
    int letters = i;
    while (i < v.length() && v.charAt(i) >= 'a' && v.charAt(i) <= 'z') {
      i++;
    }
    int digits = i;
    while (i < v.length() && v.charAt(i) >= '0' && v.charAt(i) <= '9') {
      i++;
    }
    return letters < digits && digits < i && i == v.length();
  }

  /**
   * {@code modfile.laxGoVersionRE}, which lax parsing falls back on: {@code [v]1.21} followed by
   * anything that does not start with a digit ({@code 1.21.x}, {@code v1.21-beta}) reads as
   * {@code 1.21}.
   */
  static Optional<String> laxGoVersion(String v) {
    int start = v.startsWith("v") ? 1 : 0;
    int i = decimal(v, start, false);
    if (i < 0 || i >= v.length() || v.charAt(i) != '.') {
      return Optional.empty();
    }
    i = decimal(v, i + 1, true);
    if (i < 0 || i >= v.length() || (v.charAt(i) >= '0' && v.charAt(i) <= '9')) {
      return Optional.empty();
    }
    return Optional.of(v.substring(start, i));
  }

  /**
   * The end of the number at {@code start}: {@code [1-9][0-9]*}, or also a lone {@code 0} when
   * {@code zeroOk}; -1 when there is none. A number with a leading zero is none: the regular
   * expressions cannot match it however they backtrack.
   */
  private static int decimal(String v, int start, boolean zeroOk) {
    int i = start;
    while (i < v.length() && v.charAt(i) >= '0' && v.charAt(i) <= '9') {
      i++;
    }
    if (i == start) {
      return -1;
    }
    if (v.charAt(start) == '0') {
      return zeroOk && i == start + 1 ? i : -1;
    }
    return i;
  }

  /**
   * {@code modfile.parseString}: a quoted token unquoted as Go unquotes it, an unquoted one as
   * it is unless it holds a quote character.
   */
  private static String parseString(String token) throws Unreadable {
    if (token.startsWith("\"")) {
      return unquote(token);
    }
    if (token.indexOf('"') >= 0 || token.indexOf('\'') >= 0 || token.indexOf('`') >= 0) {
      throw new Unreadable();
    }
    return token;
  }

  /**
   * {@code strconv.Unquote} of a double-quoted token, bytes in and out (ISO-8859-1 strings);
   * bytes that are not UTF-8 come out as U+FFFD, as in Go.
   */
  static String unquote(String token) throws Unreadable {
    byte[] in = token.getBytes(StandardCharsets.ISO_8859_1);
    ByteArrayOutputStream out = new ByteArrayOutputStream(in.length);
    int i = 1;
    while (i < in.length && in[i] != '"') {
      int c = in[i] & 0xff;
      if (c == '\n') {
        throw new Unreadable();
      }
      if (c >= 0x80) {
        appendUtf8(out, decodeRune(in, i));
        i += runeSize(in, i);
        continue;
      }
      if (c != '\\') {
        out.write(c);
        i++;
        continue;
      }
      if (i + 1 >= in.length) {
        throw new Unreadable();
      }
      char e = (char) (in[i + 1] & 0xff);
      i += 2;
      switch (e) {
        case 'a' -> out.write(0x07);
        case 'b' -> out.write('\b');
        case 'f' -> out.write('\f');
        case 'n' -> out.write('\n');
        case 'r' -> out.write('\r');
        case 't' -> out.write('\t');
        case 'v' -> out.write(0x0b);
        case '\\', '"' -> out.write(e);
        case 'x', 'u', 'U' -> {
          int n = e == 'x' ? 2 : e == 'u' ? 4 : 8;
          if (i + n > in.length) {
            throw new Unreadable();
          }
          int v = 0;
          for (int j = 0; j < n; j++) {
            int digit = hexDigit(in[i + j] & 0xff);
            if (digit < 0) {
              throw new Unreadable();
            }
            v = v << 4 | digit;
          }
          i += n;
          if (e == 'x') {
            out.write(v);
          } else if (v < 0 || v > Character.MAX_CODE_POINT || (v >= 0xd800 && v <= 0xdfff)) {
            throw new Unreadable();
          } else {
            appendUtf8(out, v);
          }
        }
        case '0', '1', '2', '3', '4', '5', '6', '7' -> {
          if (i + 2 > in.length) {
            throw new Unreadable();
          }
          int v = e - '0';
          for (int j = 0; j < 2; j++) {
            int digit = (in[i + j] & 0xff) - '0';
            if (digit < 0 || digit > 7) {
              throw new Unreadable();
            }
            v = v << 3 | digit;
          }
          i += 2;
          if (v > 255) {
            throw new Unreadable();
          }
          out.write(v);
        }
        default -> throw new Unreadable();
      }
    }
    if (i != in.length - 1) {
      throw new Unreadable();
    }
    return out.toString(StandardCharsets.ISO_8859_1);
  }

  private static int hexDigit(int c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }

  private static void appendUtf8(ByteArrayOutputStream out, int r) {
    out.writeBytes(new String(Character.toChars(r)).getBytes(StandardCharsets.UTF_8));
  }

  /**
   * {@code utf8.DecodeRune} at {@code i}: U+FFFD for a byte that does not start a valid
   * sequence (overlong, surrogate, past U+10FFFF, cut short), which then counts as one byte.
   */
  static int decodeRune(byte[] b, int i) {
    int len = sequenceLength(b, i);
    int b0 = b[i] & 0xff;
    return switch (len) {
      case 1 -> b0 < 0x80 ? b0 : 0xfffd;
      case 2 -> (b0 & 0x1f) << 6 | (b[i + 1] & 0x3f);
      case 3 -> (b0 & 0x0f) << 12 | (b[i + 1] & 0x3f) << 6 | (b[i + 2] & 0x3f);
      default -> (b0 & 0x07) << 18 | (b[i + 1] & 0x3f) << 12 | (b[i + 2] & 0x3f) << 6
          | (b[i + 3] & 0x3f);
    };
  }

  /** The bytes {@link #decodeRune} consumes at {@code i}. */
  static int runeSize(byte[] b, int i) {
    return sequenceLength(b, i);
  }

  /** The length of the valid UTF-8 sequence at {@code i}; 1 for ASCII or an invalid byte. */
  private static int sequenceLength(byte[] b, int i) {
    int b0 = b[i] & 0xff;
    int need;
    int lo = 0x80;
    int hi = 0xbf;
    if (b0 < 0xc2 || b0 > 0xf4) {
      return 1;
    } else if (b0 < 0xe0) {
      need = 2;
    } else if (b0 < 0xf0) {
      need = 3;
      lo = b0 == 0xe0 ? 0xa0 : 0x80;
      hi = b0 == 0xed ? 0x9f : 0xbf;
    } else {
      need = 4;
      lo = b0 == 0xf0 ? 0x90 : 0x80;
      hi = b0 == 0xf4 ? 0x8f : 0xbf;
    }
    if (i + need > b.length) {
      return 1;
    }
    int b1 = b[i + 1] & 0xff;
    if (b1 < lo || b1 > hi) {
      return 1;
    }
    for (int j = 2; j < need; j++) {
      int bj = b[i + j] & 0xff;
      if (bj < 0x80 || bj > 0xbf) {
        return 1;
      }
    }
    return need;
  }
}
