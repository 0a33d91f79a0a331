package io.gitedge.gateway.app;

import io.gitedge.gateway.observe.LogFormat;
import java.io.PrintStream;
import java.util.List;
import org.slf4j.LoggerFactory;

/** {@code gitedge}: the command line of the gateway. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    StartupTimeline.mainStarted();
    // logging first, on this thread: a logger asked for on another thread while SLF4J starts up
    // gets its calls queued and replayed, with three warning lines on stderr
    LoggerFactory.getILoggerFactory();
    if (args.length > 0 && (args[0].equals("serve") || args[0].equals("demo")
        || args[0].equals("train"))) {
      Preinit.start();
    }
    IsolatedGitConfig.install();
    System.exit(run(args));
  }

  /** Runs the command line and returns the exit code, without exiting. */
  public static int run(String... args) {
    return run(System.out, System.err, args);
  }

  /**
   * The same, writing to {@code out} and {@code err} (for running a command in-process). An
   * unknown {@code GITEDGE_LOG_FORMAT} stops any command at once, exit 2: a log pipeline
   * expecting JSON must not get text lines it cannot parse, nor the other way round.
   */
  public static int run(PrintStream out, PrintStream err, String... args) {
    try {
      LogFormat.configured();
    } catch (IllegalArgumentException e) {
      err.println("gitedge: " + e.getMessage());
      return 2;
    }
    return Cli.run(program(), version(), args, out, err);
  }

  static Cli.Command program() {
    return Cli.Command.group("gitedge", "A regional edge gateway serving read-only Git mirrors.",
        List.of(ServeCommand.command(), DemoCommand.command(), TokenCommand.command(),
            KeysCommand.command(), VerifyCommand.command(), TrainCommand.command(),
            DoctorCommand.command()));
  }

  static String version() {
    String v = Main.class.getPackage().getImplementationVersion();
    return "gitedge " + (v == null ? "development build" : v);
  }
}
