package io.gitedge.goproxy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What the go command reads out of a dependency's {@code go.mod} when it resolves versions: the
 * module path ({@code modfile.ModulePath}) and the retracted version intervals
 * ({@code modfile.ParseLax}, whose lexer, parser and lax checks are reproduced here so that a
 * file the go command cannot parse retracts nothing here either).
 */
final class GoModFile {
  /** {@code modfile.GoVersionRE}. */
  private static final Pattern GO_VERSION =
      Pattern.compile("([1-9][0-9]*)\\.(0|[1-9][0-9]*)(\\.(0|[1-9][0-9]*))?([a-z]+[0-9]+)?");
  /** {@code modfile.laxGoVersionRE}: what lax parsing accepts as a go version anyway. */
  private static final Pattern LAX_GO_VERSION =
      Pattern.compile("v?(([1-9][0-9]*)\\.(0|[1-9][0-9]*))([^0-9].*)");

  /** A retracted interval, both ends included, as written (lax parsing does not fix them). */
  record Interval(String low, String high) {
    boolean contains(String version) {
      return Semver.compare(low, version) <= 0 && Semver.compare(version, high) <= 0;
    }
  }

  private GoModFile() {}

  /** The {@code go.mod} the go command makes up for a version without one. */
  static byte[] legacy(String modulePath) {
    // modfile.AutoQuote: a valid module path never needs quoting (no spaces, quotes, brackets,
    // commas, comment markers or unprintable characters), so it is written as it is.
    return ("module " + modulePath + "\n").getBytes(StandardCharsets.UTF_8);
  }

  /**
   * The module path a {@code go.mod} declares, {@code ""} when none ({@code modfile.ModulePath}):
   * the first line (comments cut) starting {@code module} and a space, unquoted if quoted.
   */
  static String modulePath(byte[] goMod) {
    int start = 0;
    while (start < goMod.length) {
      int end = indexOf(goMod, (byte) '\n', start);
      int next = end < 0 ? goMod.length : end + 1;
      end = end < 0 ? goMod.length : end;
      int comment = indexOf(goMod, "//", start, end);
      if (comment >= 0) {
        end = comment;
      }
      String line = GoText.trimSpace(new String(goMod, start, end - start,
          StandardCharsets.UTF_8));
      start = next;
      if (!line.startsWith("module")) {
        continue;
      }
      String rest = line.substring("module".length());
      String trimmed = GoText.trimSpace(rest);
      if (trimmed.length() == rest.length() || trimmed.isEmpty()) {
        continue;
      }
      char first = trimmed.charAt(0);
      if (first == '"' || first == '`') {
        return GoText.unquote(trimmed).orElse("");
      }
      return trimmed;
    }
    return "";
  }

  /**
   * The intervals the file retracts, or empty when {@code modfile.ParseLax} would fail on it (the
   * go command then ignores its retractions).
   */
  static Optional<List<Interval>> retractions(byte[] goMod) {
    List<Statement> statements;
    try {
      statements = new Parser(goMod).parseFile();
    } catch (SyntaxError e) {
      return Optional.empty();
    }
    LaxChecker checker = new LaxChecker();
    for (Statement s : statements) {
      if (s.block) {
        if (s.tokens.size() > 1) {
          continue;
        }
        for (List<String> line : s.lines) {
          checker.add(s.tokens.get(0), line);
        }
      } else {
        checker.add(s.tokens.get(0), s.tokens.subList(1, s.tokens.size()));
      }
    }
    return checker.failed ? Optional.empty() : Optional.of(List.copyOf(checker.retract));
  }

  private static int indexOf(byte[] b, byte c, int from) {
    for (int i = from; i < b.length; i++) {
      if (b[i] == c) {
        return i;
      }
    }
    return -1;
  }

  private static int indexOf(byte[] b, String s, int from, int to) {
    outer:
    for (int i = from; i + s.length() <= to; i++) {
      for (int j = 0; j < s.length(); j++) {
        if (b[i + j] != s.charAt(j)) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  /** The directives a dependency's go.mod is checked for ({@code File.add} with strict off). */
  private static final class LaxChecker {
    final List<Interval> retract = new ArrayList<>();
    boolean failed;
    boolean haveGo;
    boolean haveModule;

    void add(String verb, List<String> args) {
      switch (verb) {
        case "go" -> {
          if (haveGo || args.size() != 1) {
            failed = true;
            return;
          }
          if (!GO_VERSION.matcher(args.get(0)).matches()
              && !LAX_GO_VERSION.matcher(args.get(0)).matches()) {
            failed = true;
            return;
          }
          haveGo = true;
        }
        case "module" -> {
          if (haveModule) {
            failed = true;
            return;
          }
          haveModule = true;
          if (args.size() != 1 || parseString(args.get(0)).isEmpty()) {
            failed = true;
          }
        }
        case "require" -> {
          if (args.size() != 2) {
            failed = true;
            return;
          }
          Optional<String> path = parseString(args.get(0));
          Optional<String> version = parseString(args.get(1)).map(GoModFile::canonicalVersion);
          if (path.isEmpty() || version.isEmpty() || version.get().isEmpty()) {
            failed = true;
            return;
          }
          Optional<ModulePath.Split> split = ModulePath.splitPathVersion(path.get());
          if (split.isEmpty()
              || !ModulePath.matchPathMajor(version.get(), split.get().pathMajor())) {
            failed = true;
          }
        }
        case "ignore" -> {
          if (args.size() != 1 || parseString(args.get(0)).isEmpty()) {
            failed = true;
          }
        }
        case "retract" -> interval(args).ifPresent(retract::add);
        default -> {
          // Lax parsing ignores every other directive, known or not.
        }
      }
    }

    /** {@code parseVersionInterval} with versions kept as written; a bad one is skipped. */
    private static Optional<Interval> interval(List<String> toks) {
      if (toks.isEmpty() || toks.get(0).equals("(")) {
        return Optional.empty();
      }
      if (!toks.get(0).equals("[")) {
        return parseString(toks.get(0)).map(v -> new Interval(v, v));
      }
      if (toks.size() < 5 || !toks.get(2).equals(",") || !toks.get(4).equals("]")) {
        return Optional.empty();
      }
      Optional<String> low = parseString(toks.get(1));
      Optional<String> high = parseString(toks.get(3));
      if (low.isEmpty() || high.isEmpty()) {
        return Optional.empty();
      }
      return Optional.of(new Interval(low.get(), high.get()));
    }
  }

  /** {@code module.CanonicalVersion}. */
  private static String canonicalVersion(String v) {
    return VersionRules.moduleCanonical(v);
  }

  /** {@code modfile.parseString}: a double-quoted Go string, or a word without quotes. */
  private static Optional<String> parseString(String t) {
    if (t.startsWith("\"")) {
      return GoText.unquote(t);
    }
    if (t.indexOf('"') >= 0 || t.indexOf('\'') >= 0 || t.indexOf('`') >= 0) {
      return Optional.empty();
    }
    return Optional.of(t);
  }

  /** One top-level statement: a line, or a block {@code verb ( lines )}. */
  private record Statement(List<String> tokens, boolean block, List<List<String>> lines) {}

  /** Any error of {@code modfile.parse}: the file is not a go.mod file. */
  private static final class SyntaxError extends Exception {
    private static final long serialVersionUID = 1L;

    SyntaxError() {
      super(null, null, false, false);
    }
  }

  /** Token kinds; punctuation tokens are their character. */
  private static final int EOF = -1;
  private static final int EOL_COMMENT = -2;
  private static final int IDENT = -3;
  private static final int STRING = -4;
  private static final int COMMENT = -5;

  private record Token(int kind, String text) {
    boolean isEol() {
      return kind == EOF || kind == EOL_COMMENT || kind == '\n';
    }
  }

  /** The lexer and parser of {@code modfile/read.go}, keeping only the statements' tokens. */
  private static final class Parser {
    private final byte[] in;
    private int pos;
    private Token next;

    Parser(byte[] in) {
      this.in = in;
    }

    List<Statement> parseFile() throws SyntaxError {
      next = readToken();
      List<Statement> out = new ArrayList<>();
      while (true) {
        switch (next.kind) {
          case '\n', COMMENT -> lex();
          case EOF -> {
            return out;
          }
          default -> out.add(parseStatement());
        }
      }
    }

    private Token lex() throws SyntaxError {
      Token t = next;
      next = readToken();
      return t;
    }

    private Statement parseStatement() throws SyntaxError {
      List<String> tokens = new ArrayList<>();
      tokens.add(lex().text);
      while (true) {
        Token t = lex();
        if (t.isEol()) {
          return new Statement(tokens, false, List.of());
        }
        if (t.kind == '(') {
          if (next.isEol()) {
            return new Statement(tokens, true, parseBlock());
          }
          if (next.kind == ')') {
            Token rparen = lex();
            if (next.isEol()) {
              lex();
              return new Statement(tokens, true, List.of());
            }
            tokens.add(t.text);
            tokens.add(rparen.text);
          } else {
            tokens.add(t.text);
          }
        } else {
          tokens.add(t.text);
        }
      }
    }

    private List<List<String>> parseBlock() throws SyntaxError {
      List<List<String>> lines = new ArrayList<>();
      while (true) {
        switch (next.kind) {
          case EOL_COMMENT, '\n', COMMENT -> lex();
          case EOF -> throw new SyntaxError();
          case ')' -> {
            lex();
            if (!next.isEol()) {
              throw new SyntaxError();
            }
            lex();
            return lines;
          }
          default -> {
            List<String> line = new ArrayList<>();
            line.add(lex().text);
            for (Token t = lex(); !t.isEol(); t = lex()) {
              line.add(t.text);
            }
            lines.add(line);
          }
        }
      }
    }

    private boolean peekPrefix(String prefix) {
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
      int[] r = GoText.decodeRune(in, pos);
      pos += r[1];
      return r[0];
    }

    private Token readToken() throws SyntaxError {
      while (pos < in.length) {
        int c = peekRune();
        if (c == ' ' || c == '\t' || c == '\r') {
          readRune();
          continue;
        }
        if (peekPrefix("//")) {
          int lineStart = pos;
          while (lineStart > 0 && in[lineStart - 1] != '\n') {
            lineStart--;
          }
          boolean suffix = !GoText.trimSpace(
              new String(in, lineStart, pos - lineStart, StandardCharsets.UTF_8)).isEmpty();
          int start = pos;
          readRune();
          readRune();
          while (pos < in.length && readRune() != '\n') {
            // The comment runs to the end of its line, newline included.
          }
          String text = new String(in, start, pos - start, StandardCharsets.UTF_8);
          return new Token(suffix ? EOL_COMMENT : COMMENT, text);
        }
        if (peekPrefix("/*")) {
          throw new SyntaxError();
        }
        break;
      }
      int start = pos;
      if (pos >= in.length) {
        return new Token(EOF, "");
      }
      int c = peekRune();
      switch (c) {
        case '\n', '(', ')', '[', ']', '{', '}', ',' -> {
          readRune();
          return new Token(c, String.valueOf((char) c));
        }
        case '"', '`' -> {
          readRune();
          while (true) {
            if (pos >= in.length || peekRune() == '\n') {
              throw new SyntaxError();
            }
            int r = readRune();
            if (r == c) {
              break;
            }
            if (r == '\\' && c != '`') {
              if (pos >= in.length) {
                throw new SyntaxError();
              }
              readRune();
            }
          }
          return new Token(STRING, new String(in, start, pos - start, StandardCharsets.UTF_8));
        }
        default -> {
          // An identifier, below.
        }
      }
      if (!isIdent(c)) {
        throw new SyntaxError();
      }
      while (pos < in.length && isIdent(peekRune())) {
        if (peekPrefix("//")) {
          break;
        }
        if (peekPrefix("/*")) {
          throw new SyntaxError();
        }
        readRune();
      }
      return new Token(IDENT, new String(in, start, pos - start, StandardCharsets.UTF_8));
    }

    private static boolean isIdent(int c) {
      return switch (c) {
        case ' ', '(', ')', '[', ']', '{', '}', ',' -> false;
        default -> !GoText.isSpace(c) && GoText.isPrint(c);
      };
    }
  }
}
