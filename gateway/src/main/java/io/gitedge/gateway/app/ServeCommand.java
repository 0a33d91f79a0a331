package io.gitedge.gateway.app;

import io.gitedge.config.ConfigException;
import io.gitedge.gateway.config.ConfigLoader;
import io.gitedge.gateway.config.GatewayConfig;
import java.io.PrintStream;
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
    GracefulStop.serve(app, () -> { });
  }
}
