package io.gitedge.gateway.app;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code gitedge}: the command line of the gateway. */
@Command(name = "gitedge", mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "A regional edge gateway serving read-only Git mirrors.",
    subcommands = {ServeCommand.class, DemoCommand.class, TokenCommand.class,
        KeysCommand.class})
public final class Main implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    if (args.length > 0 && (args[0].equals("serve") || args[0].equals("demo"))) {
      Preinit.start();
    }
    IsolatedGitConfig.install();
    System.exit(run(args));
  }

  /** Runs the command line and returns the exit code, without exiting. */
  public static int run(String... args) {
    return new CommandLine(new Main()).execute(args);
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"gitedge " + (v == null ? "development build" : v)};
    }
  }
}
