package io.gitedge.gateway.app;

import io.gitedge.auth.AccessToken;
import io.gitedge.auth.IdentityFile;
import io.gitedge.config.ConfigException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code gitedge token ...}: manages access tokens in an identity file. */
@Command(name = "token", mixinStandardHelpOptions = true,
    description = "Manage access tokens.", subcommands = TokenCommand.Create.class)
final class TokenCommand implements Runnable {
  @picocli.CommandLine.Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** {@code gitedge token create --identity FILE --user NAME}. */
  @Command(name = "create", mixinStandardHelpOptions = true,
      description = {"Create a token for a user and print it once.",
          "Only its hash (sha256:<hex>) is stored in the identity file; the user and the file"
              + " are created if missing. A running gateway picks it up within 2 s."})
  static final class Create implements Callable<Integer> {
    @Option(names = "--identity", required = true, paramLabel = "FILE",
        description = "The identity file (identity.file in the gateway config).")
    Path identity;

    @Option(names = "--user", required = true, paramLabel = "NAME",
        description = "The user the token belongs to.")
    String user;

    @Option(names = "--group", paramLabel = "GROUP",
        description = "Groups for a user that does not exist yet (repeatable).")
    List<String> groups = List.of();

    @Override
    public Integer call() {
      AccessToken token = AccessToken.generate();
      try {
        IdentityFile.addToken(identity, user, new LinkedHashSet<>(groups), token.hash());
      } catch (ConfigException e) {
        System.err.println("gitedge: " + e.getMessage() + " (the file was not changed)");
        return 2;
      } catch (IOException | IllegalArgumentException e) {
        System.err.println("gitedge: cannot update " + identity + ": " + e.getMessage());
        return 2;
      }
      System.out.println(token.reveal());
      System.err.println("gitedge: token for " + user + " stored in " + identity + " as "
          + token.hash() + "; it is shown only this once");
      return 0;
    }
  }
}
