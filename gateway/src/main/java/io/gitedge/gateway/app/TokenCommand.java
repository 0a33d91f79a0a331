package io.gitedge.gateway.app;

import io.gitedge.auth.AccessToken;
import io.gitedge.auth.IdentityFile;
import io.gitedge.config.ConfigException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;

/** {@code gitedge token ...}: manages access tokens in an identity file. */
final class TokenCommand {
  private TokenCommand() {}

  static Cli.Command command() {
    return Cli.Command.group("token", "Manage access tokens.", List.of(Cli.Command.of("create",
        List.of("Create a token for a user and print it once.",
            "Only its hash (sha256:<hex>) is stored in the identity file; the user and the file"
                + " are created if missing. A running gateway picks it up within 2 s."),
        List.of(Cli.Option.of("--identity", "FILE",
                "The identity file (identity.file in the gateway config).").mandatory(),
            Cli.Option.of("--user", "NAME", "The user the token belongs to.").mandatory(),
            Cli.Option.of("--group", "GROUP",
                "Groups for a user that does not exist yet (repeatable).")),
        TokenCommand::create)));
  }

  /** {@code gitedge token create --identity FILE --user NAME [--group GROUP]...}. */
  private static int create(Cli.Args args) {
    Path identity = Path.of(args.get("--identity").orElseThrow());
    String user = args.get("--user").orElseThrow();
    List<String> groups = args.all("--group");
    AccessToken token = AccessToken.generate();
    try {
      IdentityFile.addToken(identity, user, new LinkedHashSet<>(groups), token.hash());
    } catch (ConfigException e) {
      args.err().println("gitedge: " + e.getMessage() + " (the file was not changed)");
      return 2;
    } catch (IOException | IllegalArgumentException e) {
      args.err().println("gitedge: cannot update " + identity + ": " + e.getMessage());
      return 2;
    }
    args.out().println(token.reveal());
    args.err().println("gitedge: token for " + user + " stored in " + identity + " as "
        + token.hash() + "; it is shown only this once");
    return 0;
  }
}
