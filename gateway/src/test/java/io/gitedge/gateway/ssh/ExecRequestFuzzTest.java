package io.gitedge.gateway.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.gitedge.gateway.git.GatewayException;
import io.gitedge.store.InvalidMirrorNameException;
import io.gitedge.store.MirrorName;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;

/**
 * Catalogue row F02, the SSH door's half: any exec command a client can send (MINA hands it over
 * as UTF-8 text), through {@link ExecRequest#parseOrRefuse} and then, as {@link GitCommand} does,
 * the repository it names through {@link MirrorName#parse}.
 *
 * <p>Property: the command is refused with {@link GatewayException.MirrorNotFound} (a malformed
 * git command) or {@link GatewayException.NotServed} (anything else) and nothing else; or it
 * parses to one of the three git services with a path that is not empty, not an option, free of
 * control characters, and that the same service quoted the way git quotes it ({@code sq_quote})
 * parses back to; and the repository it names is either not a mirror name or one whose folder
 * lies inside the mirror root.
 *
 * <p>Stored inputs: {@code src/test/resources/io/gitedge/gateway/ssh/ExecRequestFuzzTestInputs/}:
 * catalogue row S05's payloads ({@code '../../x'}, {@code 'repo;id'}, {@code --upload-pack=...},
 * quotes and backslashes, NUL, newline, a long argument, ...) and the forms git really sends.
 */
class ExecRequestFuzzTest {
  private static final Set<String> PROGRAMS = Set.of(ExecRequest.UPLOAD_PACK,
      ExecRequest.RECEIVE_PACK, ExecRequest.UPLOAD_ARCHIVE);
  private static final Path ROOT = Path.of("/srv/gitedge/mirrors");

  @FuzzTest(maxDuration = "10m")
  void f02_execCommand_namesAMirrorUnderTheRootOrIsRefused(byte[] input) {
    String command = new String(input, StandardCharsets.UTF_8);
    String shown = "F02: exec " + printable(command) + ": ";
    ExecRequest req;
    try {
      req = ExecRequest.parseOrRefuse(command, "fuzz");
    } catch (GatewayException.MirrorNotFound | GatewayException.NotServed e) {
      return;
    } catch (GatewayException | RuntimeException e) {
      fail(shown + "refused with " + e + ", not \"not found\" or \"not served\"", e);
      return;
    }
    assertTrue(PROGRAMS.contains(req.program()), shown + "program " + req.program());
    assertFalse(req.path().isEmpty() || req.path().startsWith("-"), shown + "path " + req.path());
    assertTrue(req.path().chars().noneMatch(c -> c < 0x20 || c == 0x7f),
        shown + "control character in the path");
    assertTrue(ExecRequest.namesGitService(command), shown + "parsed, yet names no service");
    assertEquals(Optional.of(req), ExecRequest.parse(req.program() + " " + sqQuote(req.path())),
        shown + "git's quoting of the same path parses to something else");

    MirrorName name;
    try {
      name = MirrorName.parse(req.repository());
    } catch (InvalidMirrorNameException e) {
      return; // answered "not found" by the resolver
    }
    Path dir = ROOT.resolve(name.relativeDirectory());
    assertTrue(dir.normalize().equals(dir) && dir.startsWith(ROOT) && !dir.equals(ROOT),
        shown + "repository " + name + " resolves to " + dir + ", not inside " + ROOT);
  }

  /** git's {@code sq_quote_buf}: {@code '...'}, with {@code '} and {@code !} as {@code '\''}. */
  private static String sqQuote(String s) {
    StringBuilder b = new StringBuilder("'");
    for (char c : s.toCharArray()) {
      if (c == '\'' || c == '!') {
        b.append("'\\").append(c).append('\'');
      } else {
        b.append(c);
      }
    }
    return b.append('\'').toString();
  }

  private static String printable(String s) {
    StringBuilder b = new StringBuilder("\"");
    s.codePoints().limit(120).forEach(c -> b.append(c < 0x20 || c > 0x7e
        ? String.format("\\u%04x", c) : Character.toString(c)));
    return b.append(s.length() > 120 ? "...\"" : "\"").toString();
  }
}
