package io.gitedge.gateway.app;

import io.gitedge.config.ConfigException;
import io.gitedge.gateway.config.ConfigLoader;
import io.gitedge.gateway.config.GatewayConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** {@code gitedge serve --config FILE}: runs the gateway until it is stopped. */
final class ServeCommand {
  private ServeCommand() {}

  static Cli.Command command() {
    return Cli.Command.of("serve",
        List.of("Run the gateway with a config file until stopped (SIGTERM, Ctrl-C)."),
        List.of(Cli.Option.of("--config,-c", "FILE",
            "The gateway config (YAML); see the README for every key.").mandatory()),
        args -> run(Path.of(args.get("--config").orElseThrow()), args.err()));
  }

  private static int run(Path config, PrintStream err) {
    try {
      GatewayConfig c = ConfigLoader.load(config);
      runUntilStopped(GatewayApp.start(c));
      return 0;
    } catch (ConfigException e) {
      err.println("gitedge: " + e.getMessage());
      return 2;
    } catch (StartupException e) {
      err.println("gitedge: " + e.getMessage());
      return 2;
    }
  }

  /**
   * Serves until SIGTERM or Ctrl-C, then drains and closes {@code app} ({@link GracefulStop});
   * returns once it is closed.
   */
  static void runUntilStopped(GatewayApp app) {
    GracefulStop.serve(app, ServeCommand::markServing);
  }

  /**
   * Creates the file {@code GITEDGE_SERVING_MARK} names, if set: the launcher keeps the
   * class-data-sharing archive of a JVM only when it got this far, so an archive holds the
   * classes of serving, not of a start that failed.
   */
  private static void markServing() {
    String mark = System.getenv("GITEDGE_SERVING_MARK");
    if (mark == null || mark.isEmpty()) {
      return;
    }
    try {
      Files.writeString(Path.of(mark), "serving\n");
    } catch (IOException | RuntimeException e) {
      // the launcher then starts without an archive next time, and makes one again
    }
  }
}
