package io.gitedge.gateway.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitedge.auth.AccessToken;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line as a user types it: the program's own commands, parsed by {@link Cli}. */
class CliTest {
  @TempDir Path dir;

  private record Run(int code, String out, String err) {}

  private static Run run(Cli.Command program, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Cli.run(program, "gitedge test", args, new PrintStream(out, true,
        StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(code, out.toString(StandardCharsets.UTF_8),
        err.toString(StandardCharsets.UTF_8));
  }

  private static Run gitedge(String... args) {
    return run(Main.program(), args);
  }

  @Test
  void help_listsTheCommands_andEachCommandItsOptions() {
    Run top = gitedge("--help");
    assertEquals(0, top.code());
    for (String c : List.of("serve", "demo", "token", "keys", "verify", "train", "doctor")) {
      assertTrue(top.out().contains("\n  " + c + " "), top.out());
    }
    Run serve = gitedge("serve", "-h");
    assertEquals(0, serve.code());
    assertTrue(serve.out().startsWith("Usage: gitedge serve [-hV] --config FILE\n"), serve.out());
    assertEquals("gitedge test\n", gitedge("token", "create", "--version").out());
    assertEquals(gitedge("--help").out(), gitedge().out(), "no command: the usage");
    Run verify = gitedge("verify", "--help");
    assertTrue(verify.out().startsWith("Usage: gitedge verify [-hV] --config FILE [--url URL]"
        + " [--peer URL] [--upstream]\n"), verify.out());
    assertTrue(verify.out().contains("\n  --upstream "), "a flag shows no value: " + verify.out());
  }

  @Test
  void flags_takeNoValue() {
    List<String> seen = new ArrayList<>();
    Cli.Command program = Cli.Command.group("p", "test", List.of(Cli.Command.of("c",
        List.of("c"), List.of(Cli.Option.of("--file", "F", "f"), Cli.Option.flag("--all", "a")),
        a -> {
          seen.add(a.has("--all") + " " + a.get("--file").orElse("-"));
          return 0;
        })));
    assertEquals(0, run(program, "c", "--all", "--file", "x").code());
    assertEquals(0, run(program, "c", "--file", "y").code());
    assertEquals(List.of("true x", "false y"), seen);
    Run valued = run(program, "c", "--all=yes");
    assertEquals(2, valued.code());
    assertTrue(valued.err().startsWith("gitedge: option '--all' takes no value\n"),
        valued.err());
  }

  @Test
  void usageErrors_sayWhat_showTheUsage_andExit2() {
    Run unknown = gitedge("serv", "--config", "x.yaml");
    assertEquals(2, unknown.code());
    assertTrue(unknown.err().startsWith("gitedge: unknown command 'serv'\nUsage: gitedge "),
        unknown.err());
    Run missing = gitedge("serve");
    assertEquals(2, missing.code());
    assertTrue(missing.err().startsWith("gitedge: missing required option '--config FILE'\n"
        + "Usage: gitedge serve "), missing.err());
    Run noValue = gitedge("serve", "--config");
    assertEquals(2, noValue.code());
    assertTrue(noValue.err().startsWith("gitedge: option '--config' needs a value (FILE)\n"),
        noValue.err());
    Run badOption = gitedge("keys", "-c", "x.yaml", "--hots", "a");
    assertEquals(2, badOption.code());
    assertTrue(badOption.err().startsWith("gitedge: unknown option '--hots'\n"),
        badOption.err());
    Run stray = gitedge("serve", "--config", "x.yaml", "extra");
    assertEquals(2, stray.code());
    assertTrue(stray.err().startsWith("gitedge: unexpected argument 'extra'\n"), stray.err());
    assertEquals("", missing.out() + noValue.out() + badOption.out() + stray.out());
  }

  @Test
  void optionForms_longShortEqualsAndRepeated_reachTheCommand() {
    List<String> seen = new ArrayList<>();
    Cli.Command program = Cli.Command.group("p", "test", List.of(Cli.Command.of("c",
        List.of("c"), List.of(Cli.Option.of("--file,-f", "F", "f").mandatory(),
            Cli.Option.of("--tag", "T", "t")),
        a -> {
          seen.add(a.get("--file").orElseThrow());
          seen.addAll(a.all("--tag"));
          return 7;
        })));
    assertEquals(7, run(program, "c", "-f", "a", "--tag=x", "--tag", "y").code());
    assertEquals(List.of("a", "x", "y"), seen);
    seen.clear();
    assertEquals(7, run(program, "c", "--file=b", "--file", "c").code());
    assertEquals(List.of("c"), seen, "the last value of a single option wins");
  }

  @Test
  void tokenCreate_storesTheHash_andPrintsTheTokenOnce() throws Exception {
    Path identity = dir.resolve("identity.yaml");
    Run r = gitedge("token", "create", "--identity", identity.toString(), "--user", "alice",
        "--group", "eng", "--group", "ops");
    assertEquals(0, r.code(), r.err());
    String token = r.out().trim();
    assertTrue(token.startsWith("gte_"), r.out());
    String file = Files.readString(identity);
    assertTrue(file.contains("alice"), file);
    assertTrue(file.contains("eng") && file.contains("ops"), file);
    assertTrue(!file.contains(token) && file.contains(AccessToken.of(token).hash().value()),
        file);
    assertTrue(r.err().startsWith("gitedge: token for alice stored in " + identity), r.err());
  }
}
