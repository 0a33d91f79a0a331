package io.gitedge.goproxy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the go command reads out of a dependency's {@code go.mod}: the module path
 * ({@code modfile.ModulePath}), and what {@code modfile.ParseLax} finds, the {@code go} line
 * (which picks a module zip's {@code vendor} rules) and the retracted version intervals (which
 * hide versions from {@code @latest}).
 *
 * <p>{@code ParseLax} reads the whole file, and any error in it (a syntax error, a malformed
 * {@code module}, {@code go}, {@code require} or {@code ignore} line, a second {@code module}
 * or {@code go} line) makes it read nothing: no go version, so the old vendor rules apply, and
 * no retractions. This reader makes the same checks ({@link GoModParser} for the syntax), so a
 * go.mod the go command cannot read gives nothing here either. Unknown statements and those that
 * only matter in a main module ({@code replace}, {@code exclude}, {@code toolchain},
 * {@code godebug}, {@code tool}) are ignored, as lax parsing does.
 */
final class GoModFile {
  /** {@code modfile.GoVersionRE}: {@code 1.21}, {@code 1.21.3}, {@code 1.21rc1}. */
  private static final Pattern GO_VERSION =
      Pattern.compile("([1-9][0-9]*)\\.(0|[1-9][0-9]*)(\\.(0|[1-9][0-9]*))?([a-z]+[0-9]+)?");
  /**
   * {@code modfile.laxGoVersionRE}, which lax parsing falls back on: {@code [v]1.21} followed by
   * anything that does not start with a digit ({@code 1.21.x}, {@code v1.21-beta}) reads as
   * {@code 1.21}.
   */
  private static final Pattern LAX_GO_VERSION =
      Pattern.compile("v?(([1-9][0-9]*)\\.(0|[1-9][0-9]*))([^0-9].*)", Pattern.DOTALL);

  /** Block statements whose lines lax parsing reads; the other blocks are skipped. */
  private static final Set<String> BLOCK_VERBS =
      Set.of("module", "godebug", "require", "exclude", "replace", "retract", "tool", "ignore");

  /** A retracted interval, both ends included, as written (lax parsing does not fix them). */
  record Interval(String low, String high) {
    boolean contains(String version) {
      return Semver.compare(low, version) <= 0 && Semver.compare(version, high) <= 0;
    }
  }

  /**
   * What {@code ParseLax} read: the {@code go} line's version ({@code ""} when there is none;
   * a lax form such as {@code 1.21.x} as its {@code 1.21}) and the retractions, in file order.
   */
  record Lax(String goVersion, List<Interval> retractions) {}

  private GoModFile() {}

  /** What {@code modfile.ParseLax} reads from {@code goMod}; empty when it fails. */
  static Optional<Lax> parseLax(byte[] goMod) {
    try {
      return Optional.of(new LaxChecks().read(GoModParser.parse(goMod)));
    } catch (GoModParser.Unreadable e) {
      return Optional.empty();
    }
  }

  /** The version on the {@code go} line; empty when there is none or the file is unreadable. */
  static Optional<String> goVersion(byte[] goMod) {
    return parseLax(goMod).map(Lax::goVersion).filter(v -> !v.isEmpty());
  }

  /**
   * The module's language version for the zip rules, as {@code x/mod/zip} computes it:
   * {@code version.Lang("go" + goVersion)}, {@code ""} when there is none.
   */
  static String language(byte[] goMod) {
    return goVersion(goMod).map(v -> GoVersion.lang("go" + v)).orElse("");
  }

  /**
   * The intervals the file retracts, or empty when {@code modfile.ParseLax} would fail on it (the
   * go command then ignores its retractions).
   */
  static Optional<List<Interval>> retractions(byte[] goMod) {
    return parseLax(goMod).map(Lax::retractions);
  }

  /** The {@code go.mod} the go command makes up for a version without one. */
  static byte[] legacy(String modulePath) {
    // modfile.AutoQuote: a valid module path never needs quoting (no spaces, quotes, brackets,
    // commas, comment markers or unprintable characters), so it is written as it is.
    return ("module " + modulePath + "\n").getBytes(StandardCharsets.UTF_8);
  }

  /**
   * The module path a {@code go.mod} declares, {@code ""} when none ({@code modfile.ModulePath}):
   * the first line (comments cut) starting {@code module} and a space, unquoted if quoted. Line
   * by line, without the parser, as Go does it: a file lax parsing refuses may still name one.
   */
  static String modulePath(byte[] goMod) {
    int start = 0;
    while (start < goMod.length) {
      int end = indexOf(goMod, "\n", start, goMod.length);
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

  /** {@code modfile/rule.go}'s {@code parseToFile} and {@code add}, with strict off. */
  private static final class LaxChecks {
    private final List<Interval> retractions = new ArrayList<>();
    private String goVersion;
    private boolean haveModule;

    Lax read(List<GoModParser.Statement> statements) throws GoModParser.Unreadable {
      for (GoModParser.Statement statement : statements) {
        if (statement instanceof GoModParser.Line line) {
          List<String> t = line.tokens();
          add(t.get(0), t.subList(1, t.size()));
        } else if (statement instanceof GoModParser.Block block) {
          List<String> t = block.tokens();
          if (t.size() == 1 && BLOCK_VERBS.contains(t.get(0))) {
            for (GoModParser.Line line : block.lines()) {
              add(t.get(0), line.tokens());
            }
          }
        }
      }
      return new Lax(goVersion == null ? "" : goVersion, List.copyOf(retractions));
    }

    private void add(String verb, List<String> args) throws GoModParser.Unreadable {
      switch (verb) {
        case "go" -> {
          if (goVersion != null || args.size() != 1) {
            throw new GoModParser.Unreadable();
          }
          goVersion = goVersionOf(args.get(0));
        }
        case "module" -> {
          if (haveModule || args.size() != 1) {
            throw new GoModParser.Unreadable();
          }
          haveModule = true;
          parseString(args.get(0));
        }
        case "require" -> {
          if (args.size() != 2) {
            throw new GoModParser.Unreadable();
          }
          String path = parseString(args.get(0));
          String version = Semver.canonical(parseString(args.get(1)));
          if (version.isEmpty()) {
            throw new GoModParser.Unreadable();
          }
          ModulePath.Split split =
              ModulePath.splitPathVersion(path).orElseThrow(GoModParser.Unreadable::new);
          if (!ModulePath.matchPathMajor(version, split.pathMajor())) {
            throw new GoModParser.Unreadable();
          }
        }
        case "ignore" -> {
          if (args.size() != 1) {
            throw new GoModParser.Unreadable();
          }
          parseString(args.get(0));
        }
        case "retract" -> interval(args).ifPresent(retractions::add);
        default -> {
          // Lax parsing ignores every other directive, known or not.
        }
      }
    }

    /** The go line's version, or its major.minor when only the lax form matches. */
    private static String goVersionOf(String v) throws GoModParser.Unreadable {
      if (GO_VERSION.matcher(v).matches()) {
        return v;
      }
      Matcher lax = LAX_GO_VERSION.matcher(v);
      if (lax.matches()) {
        return lax.group(1);
      }
      throw new GoModParser.Unreadable();
    }

    /**
     * {@code parseVersionInterval} with versions kept as written; a malformed one is skipped,
     * not an error (lax parsing leaves room for interval forms to come).
     */
    private static Optional<Interval> interval(List<String> toks) {
      try {
        if (toks.isEmpty() || toks.get(0).equals("(")) {
          return Optional.empty();
        }
        if (!toks.get(0).equals("[")) {
          String v = parseString(toks.get(0));
          return Optional.of(new Interval(v, v));
        }
        if (toks.size() < 5 || !toks.get(2).equals(",") || !toks.get(4).equals("]")) {
          return Optional.empty();
        }
        return Optional.of(new Interval(parseString(toks.get(1)), parseString(toks.get(3))));
      } catch (GoModParser.Unreadable e) {
        return Optional.empty();
      }
    }
  }

  /**
   * {@code modfile.parseString}: a double-quoted token unquoted as Go unquotes it, an unquoted
   * one as it is unless it holds a quote character.
   */
  private static String parseString(String token) throws GoModParser.Unreadable {
    if (token.startsWith("\"")) {
      return GoText.unquote(token).orElseThrow(GoModParser.Unreadable::new);
    }
    if (token.indexOf('"') >= 0 || token.indexOf('\'') >= 0 || token.indexOf('`') >= 0) {
      throw new GoModParser.Unreadable();
    }
    return token;
  }
}
