package io.gitedge.gateway.app;

import io.gitedge.config.ConfigException;
import io.gitedge.gateway.config.ConfigLoader;
import io.gitedge.gateway.config.GatewayConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code gitedge serve --config FILE}: runs the gateway until it is stopped. */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = "Run the gateway with a config file until stopped (SIGTERM, Ctrl-C).")
final class ServeCommand implements Callable<Integer> {
  @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE",
      description = "The gateway config (YAML); see the README for every key.")
  Path config;

  @Override
  public Integer call() {
    try {
      GatewayConfig c = ConfigLoader.load(config);
      runUntilStopped(GatewayApp.start(c));
      return 0;
    } catch (ConfigException e) {
      System.err.println("gitedge: " + e.getMessage());
      return 2;
    } catch (StartupException e) {
      System.err.println("gitedge: " + e.getMessage());
      return 2;
    }
  }

  /** Serves until the JVM is asked to stop (SIGTERM, Ctrl-C), then closes {@code app}. */
  static void runUntilStopped(GatewayApp app) {
    Runtime.getRuntime().addShutdownHook(new Thread(app::close, "gitedge-shutdown"));
    try {
      new CountDownLatch(1).await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      app.close();
    }
  }
}
