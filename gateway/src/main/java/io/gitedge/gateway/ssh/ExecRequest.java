package io.gitedge.gateway.ssh;

import io.gitedge.gateway.git.GatewayException;
import io.gitedge.gateway.observe.LogText;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client's exec command, parsed strictly: {@code git-upload-pack '<repo>'} as git sends it
 * ({@code sq_quote}d: {@code '} and {@code !} escaped as {@code '\''} and {@code '\!'}), the
 * {@code git upload-pack} spelling, or an unquoted path. Anything else (more arguments, options,
 * control characters, unbalanced quotes) does not parse. No shell ever sees the command.
 *
 * @param program the git service: {@code git-upload-pack}, {@code git-receive-pack} or
 *     {@code git-upload-archive}
 * @param path the repository path as sent, quotes removed
 */
record ExecRequest(String program, String path) {
  static final String UPLOAD_PACK = "git-upload-pack";
  static final String RECEIVE_PACK = "git-receive-pack";
  static final String UPLOAD_ARCHIVE = "git-upload-archive";
  private static final Set<String> PROGRAMS = Set.of(UPLOAD_PACK, RECEIVE_PACK, UPLOAD_ARCHIVE);
  private static final int MAX_LENGTH = 4096;
  private static final Logger log = LoggerFactory.getLogger(ExecRequest.class);

  /** The request, or empty when {@code command} is not one git sends. */
  static Optional<ExecRequest> parse(String command) {
    if (command == null || command.length() > MAX_LENGTH
        || command.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      return Optional.empty();
    }
    List<String> words = words(command);
    if (words == null) {
      return Optional.empty();
    }
    if (words.size() == 3 && words.get(0).equals("git")) {
      words = List.of("git-" + words.get(1), words.get(2));
    }
    if (words.size() != 2 || !PROGRAMS.contains(words.get(0)) || words.get(1).isEmpty()
        || words.get(1).startsWith("-")) {
      return Optional.empty();
    }
    return Optional.of(new ExecRequest(words.get(0), words.get(1)));
  }

  /**
   * The request, or the refusal of a command that does not parse: a malformed request for a git
   * service is answered like an unknown repository (and logged), anything else as a command
   * that is not served.
   *
   * @param user who sent it, for the log
   */
  static ExecRequest parseOrRefuse(String command, String user) throws GatewayException {
    Optional<ExecRequest> request = parse(command);
    if (request.isPresent()) {
      return request.get();
    }
    if (namesGitService(command)) {
      log.info("malformed git command from {}: {}", user, LogText.printable(command));
      throw new GatewayException.MirrorNotFound();
    }
    throw GatewayException.NotServed.command();
  }

  /** Whether {@code command} names a git service, well-formed or not. */
  static boolean namesGitService(String command) {
    String c = command == null ? "" : command.stripLeading();
    return PROGRAMS.stream().anyMatch(p -> c.startsWith(p) || c.startsWith("git " + p.substring(4)));
  }

  /** The repository name: the path without a leading {@code /}, {@code ~/} or {@code ~}. */
  String repository() {
    String p = path;
    if (p.startsWith("~/")) {
      p = p.substring(2);
    } else if (p.startsWith("~") || p.startsWith("/")) {
      p = p.substring(1);
    }
    return p;
  }

  /** Splits on spaces, honouring single quotes and git's {@code \'} and {@code \!} escapes. */
  private static List<String> words(String s) {
    List<String> out = new ArrayList<>();
    StringBuilder w = null;
    boolean quoted = false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (quoted) {
        if (c == '\'') {
          quoted = false;
        } else {
          w.append(c);
        }
      } else if (c == ' ') {
        if (w != null) {
          out.add(w.toString());
          w = null;
        }
      } else if (c == '\'') {
        w = w == null ? new StringBuilder() : w;
        quoted = true;
      } else if (c == '\\') {
        if (i + 1 >= s.length() || (s.charAt(i + 1) != '\'' && s.charAt(i + 1) != '!')) {
          return null;
        }
        w = w == null ? new StringBuilder() : w;
        w.append(s.charAt(++i));
      } else if ("\"`$;&|<>*?()[]{}".indexOf(c) >= 0) {
        return null;
      } else {
        w = w == null ? new StringBuilder() : w;
        w.append(c);
      }
    }
    if (quoted) {
      return null;
    }
    if (w != null) {
      out.add(w.toString());
    }
    return out;
  }
}
