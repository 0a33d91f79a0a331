package io.gitedge.gateway.app;

import io.gitedge.auth.AccessToken;
import io.gitedge.config.ConfigException;
import io.gitedge.gateway.config.ConfigLoader;
import io.gitedge.store.InvalidMirrorNameException;
import io.gitedge.store.MirrorName;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * {@code gitedge train}: the workload the launcher records its start-up cache from. A gateway
 * on a temporary folder (the demo's sample upstream, TLS, SSH, the Go module proxy, a user with a
 * token and a key) is started in this JVM, driven by real clients ({@link TrainingWorkload}),
 * and closed cleanly, so that the JVM, exiting, writes what serving loaded, linked and profiled.
 *
 * <p>Run under {@code -XX:AOTMode=record} (JDK 24 and later) the cache holds classes loaded and
 * linked and, on JDK 25, method profiles: the first requests after a restart then run on code
 * the JIT can compile at once. Under {@code -XX:ArchiveClassesAtExit} (JDK 17) the archive holds
 * the classes of serving, client paths included, where an archive taken from a production
 * {@code serve} holds only what that run happened to touch. Nothing here is needed to serve;
 * {@code ./gitedge train} (the launcher) is what users run.
 */
final class TrainCommand {
  static final String USER = "train";
  private static final int DEFAULT_ROUNDS = 2;

  private TrainCommand() {}

  static Cli.Command command() {
    return Cli.Command.of("train",
        List.of("Run a gateway through a built-in workload once and exit; ./gitedge train makes"
            + " the start-up cache from it."),
        List.of(Cli.Option.of("--rounds", "N", "Rounds of the workload (default: "
            + DEFAULT_ROUNDS + ").")),
        args -> {
          int rounds;
          try {
            rounds = Integer.parseInt(args.get("--rounds").orElse("" + DEFAULT_ROUNDS));
          } catch (NumberFormatException e) {
            rounds = -1;
          }
          if (rounds < 1) {
            args.err().println("gitedge: --rounds must be a positive number");
            return 2;
          }
          return run(rounds, args.out(), args.err());
        });
  }

  private static int run(int rounds, PrintStream out, PrintStream err) {
    Path dir = null;
    try {
      dir = Files.createTempDirectory("gitedge-train-");
      DemoUpstream.create(dir.resolve("upstream"));
      AccessToken token = AccessToken.generate();
      Optional<Path> clientKey = TrainingWorkload.sshClientKey(dir);
      Files.writeString(dir.resolve("identity.yaml"), """
          users:
            %s:
              groups: [eng]
              tokens: ["%s"]
              sshKeys: [%s]
          """.formatted(USER, token.hash().value(), clientKey.map(k -> {
            try {
              return "\"" + Files.readString(k.resolveSibling(k.getFileName() + ".pub")).strip()
                  + "\"";
            } catch (IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
          }).orElse("")));
      Path config = dir.resolve("gitedge.yaml");
      Files.writeString(config, """
          region: train
          dataDir: ./data
          http:
            listen: 127.0.0.1:0
          %s
          identity:
            file: identity.yaml
          access:
            anonymousRead: false
            rules:
              - repos: "github.com/acme/**"
                groups: [eng]
          upstreams:
            - prefix: github.com/acme
              url: %s
              repos: [lib, app]
              syncInterval: 1h
          """.formatted(clientKey.isPresent() ? "ssh:\n  listen: 127.0.0.1:0" : "",
          dir.resolve("upstream/acme").toUri().toString().replaceAll("/$", "")));
      long t0 = System.nanoTime();
      try (GatewayApp app = GatewayApp.start(ConfigLoader.load(config))) {
        for (String repo : List.of("lib", "app")) {
          app.syncNow(MirrorName.parse("github.com/acme/" + repo)).join();
        }
        TrainingWorkload w = new TrainingWorkload(dir, app.publicUrl(),
            app.tlsCertificate().orElseThrow(), token, app.sshPort(), clientKey);
        int requests = w.run(rounds);
        out.printf("gitedge: trained on %d client runs (%s) in %.1f s%n", requests,
            w.clients(), (System.nanoTime() - t0) / 1e9);
      }
      return 0;
    } catch (TrainingWorkload.TrainingFailed e) {
      err.println("gitedge: training failed: " + e.getMessage());
      return 1;
    } catch (IOException | ConfigException | StartupException | InvalidMirrorNameException
        | RuntimeException e) {
      err.println("gitedge: training failed: " + e);
      return 1;
    } finally {
      delete(dir);
    }
  }

  private static void delete(Path dir) {
    if (dir == null) {
      return;
    }
    try (Stream<Path> all = Files.walk(dir)) {
      all.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          p.toFile().setWritable(true); // go makes its module cache read-only
          Files.deleteIfExists(p);
        } catch (IOException e) {
          // a temporary folder: what cannot go stays
        }
      });
    } catch (IOException e) {
      // the same
    }
  }
}
