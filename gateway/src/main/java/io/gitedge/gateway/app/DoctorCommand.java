package io.gitedge.gateway.app;

import io.gitedge.gateway.doctor.Doctor;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code gitedge doctor --config FILE}: checks a gateway's config and everything it depends on
 * ({@link Doctor}), one line per check. Exit status: 0 all passed (warnings allowed), 1 a check
 * failed or the config does not load, 2 a usage error.
 */
final class DoctorCommand {
  private DoctorCommand() {}

  static Cli.Command command() {
    return Cli.Command.of("doctor",
        List.of("Check a config and what it depends on: data folder, keys, upstreams, identity"
                + " sources, peers, Kafka, clock.",
            "One line per check (ok, warn, FAIL) with what to fix. Exit status: 0 no failure"
                + " (warnings allowed), 1 a check failed."),
        List.of(Cli.Option.of("--config,-c", "FILE", "The gateway config (YAML) to check, as"
            + " serve reads it. Run as the user the gateway runs as.").mandatory()),
        args -> Doctor.run(Path.of(args.get("--config").orElseThrow()), args.out()));
  }
}
