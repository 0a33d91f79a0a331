package io.gitedge.auth;

import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Who may read which repository. A repository is readable when {@code anonymousRead} is on, or
 * when some rule's glob matches its name and the rule names the caller or one of its groups.
 * Names are gateway names without {@code .git}, such as {@code github.com/acme/lib}.
 *
 * <p>Globs: {@code *} matches within one path segment, {@code **} across segments, {@code ?} one
 * character; so {@code github.com/acme/**} covers every repository under {@code github.com/acme}.
 * A rule may name {@code "*"} among its users to admit every authenticated caller.
 * Immutable and thread-safe.
 */
public final class AccessPolicy {
  /** Grants read access to {@code repos} for the named users and groups. */
  public record Rule(String repos, Set<String> users, Set<String> groups) {
    public Rule {
      Objects.requireNonNull(repos, "repos");
      users = Set.copyOf(users);
      groups = Set.copyOf(groups);
      if (users.isEmpty() && groups.isEmpty()) {
        throw new IllegalArgumentException("a rule must name users or groups");
      }
      compile(repos);
    }

    boolean admits(Principal p) {
      if (p.anonymous()) {
        return false;
      }
      if (users.contains("*") || users.contains(p.name())) {
        return true;
      }
      for (String g : p.groups()) {
        if (groups.contains(g)) {
          return true;
        }
      }
      return false;
    }
  }

  private record CompiledRule(Rule rule, Pattern pattern) {}

  private final boolean anonymousRead;
  private final List<CompiledRule> rules;

  public AccessPolicy(boolean anonymousRead, List<Rule> rules) {
    this.anonymousRead = anonymousRead;
    this.rules = rules.stream().map(r -> new CompiledRule(r, compile(r.repos()))).toList();
  }

  /** Whether anonymous callers may read every repository. */
  public boolean anonymousRead() {
    return anonymousRead;
  }

  /** Whether {@code principal} may read {@code repository}. */
  public boolean canRead(Principal principal, String repository) {
    if (anonymousRead) {
      return true;
    }
    for (CompiledRule r : rules) {
      if (r.rule().admits(principal) && r.pattern().matcher(repository).matches()) {
        return true;
      }
    }
    return false;
  }

  /**
   * Compiles a repository glob.
   *
   * @throws IllegalArgumentException for an empty glob or one with a backslash
   */
  static Pattern compile(String glob) {
    if (glob.isBlank() || glob.indexOf('\\') >= 0) {
      throw new IllegalArgumentException("not a repository glob: \"" + glob + "\"");
    }
    StringBuilder re = new StringBuilder();
    for (int i = 0; i < glob.length(); i++) {
      char c = glob.charAt(i);
      if (c == '*' && i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
        re.append(".*");
        i++;
      } else if (c == '*') {
        re.append("[^/]*");
      } else if (c == '?') {
        re.append("[^/]");
      } else {
        re.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return Pattern.compile(re.toString());
  }
}
