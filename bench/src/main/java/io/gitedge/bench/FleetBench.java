package io.gitedge.bench;

import io.gitedge.gateway.fleet.Fleet;
import io.gitedge.testing.ClientProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The fleet on one machine (issue 13): gateway's test fixture {@link Fleet} (an origin served by
 * C git {@code http-backend}, gateways in eu, us and ap at 10, 80 and 150 ms behind
 * {@code ShapedLink}s) under four set-ups of events and tiers, measured for push → servable in
 * every region, what each push costs the origin, clones and {@code go mod download} from the far
 * region, and how soon a region cut off is level again after the heal. Writes the {@code fleet}
 * section of {@code BENCHMARKS.md}; never run by the build's tests.
 *
 * <p>Usage: {@code FleetBench [pushes] [BENCHMARKS.md]}: {@code pushes} (50) per set-up without
 * tiers; {@code -DtieredPushes=15}, {@code -Dwarmups=2}, {@code -Dreps=5} (clones and go runs per
 * side), {@code -Dpartitions=3} change the other repetitions.
 */
public final class FleetBench {
  private static final String BEGIN = "<!-- fleet:begin -->";
  private static final String END = "<!-- fleet:end -->";
  /** How long ap may take to be level after a heal before the run counts as a timeout. */
  private static final Duration LEVEL_WITHIN = Duration.ofSeconds(90);
  /** The schedule of the peers fleet of the partition row: peers recover by schedule. */
  static final String PARTITION_SYNC_INTERVAL = "5s";
  private static final long STARTED = System.nanoTime();

  private FleetBench() {}

  /** A set-up of the fleet, its name in the table and its folder. */
  private record SetUp(String name, String dir, Fleet.Options options) {}

  public static void main(String[] args) throws Exception {
    int pushes = args.length > 0 ? Integer.parseInt(args[0]) : 50;
    Path out = args.length > 1 ? Path.of(args[1]) : null;
    FleetReport report = new FleetReport(pushes,
        Integer.getInteger("tieredPushes", Math.min(pushes, 15)),
        Integer.getInteger("warmups", 2), Integer.getInteger("reps", 5),
        Integer.getInteger("partitions", 3));
    Path work = Files.createTempDirectory("gitedge-bench-fleet-");
    long t0 = System.nanoTime();
    try {
      run(work, report);
    } finally {
      ClientProcess.run(work.getParent(), ClientProcess.baseEnvironment(),
          List.of("rm", "-rf", work.toString()), null);
    }
    report.took(Duration.ofNanos(System.nanoTime() - t0));
    String section = report.markdown();
    System.out.println(section);
    if (out != null) {
      Markdown.replaceSection(out, BEGIN, END, section);
    }
  }

  private static void run(Path work, FleetReport report) throws Exception {
    Fleet.Options peers = Fleet.Options.defaults();
    Fleet.Options kafka = peers.withKafkaInsteadOfPeers();
    log("HTTP peers: pushes, then clones and go from ap");
    try (Fleet fleet = Fleet.start(work.resolve("peers"), Fleet.THREE, peers);
        RefWatch watch = new RefWatch(fleet)) {
      DeveloperClone dev = DeveloperClone.of(fleet, work.resolve("peers-developer"));
      report.add(pushes(fleet, dev, watch, work.resolve("peers-counts"))
          .pushToServable("HTTP peers", report.warmups(), report.pushes()));
      FarClients far = new FarClients(fleet, Files.createDirectories(work.resolve("far")));
      far.releaseVersions(dev, watch);
      report.far(far.measure(report.reps()));
    }
    log("Kafka: pushes, then partitions of ap");
    try (Fleet fleet = Fleet.start(work.resolve("kafka"), Fleet.THREE, kafka);
        RefWatch watch = new RefWatch(fleet)) {
      FleetPushes p = pushes(fleet, DeveloperClone.of(fleet, work.resolve("kafka-developer")),
          watch, work.resolve("kafka-counts"));
      report.add(p.pushToServable("Kafka", report.warmups(), report.pushes()));
      report.partition("Kafka", p.levelAfterHeal(report.partitions(), LEVEL_WITHIN));
    }
    for (SetUp tiered : List.of(new SetUp("HTTP peers + tiers", "peers-tiers", peers),
        new SetUp("Kafka + tiers", "kafka-tiers", kafka))) {
      log(tiered.name() + ": pushes");
      Fleet.Options o = tiered.options().withTier("us", "eu").withTier("ap", "eu");
      try (Fleet fleet = Fleet.start(work.resolve(tiered.dir()), Fleet.THREE, o);
          RefWatch watch = new RefWatch(fleet)) {
        DeveloperClone dev = DeveloperClone.of(fleet, work.resolve(tiered.dir() + "-developer"));
        report.add(pushes(fleet, dev, watch, work.resolve(tiered.dir() + "-counts"))
            .pushToServable(tiered.name(), report.warmups(), report.tieredPushes()));
      }
    }
    log("HTTP peers, " + PARTITION_SYNC_INTERVAL + " schedule: partitions of ap");
    try (Fleet fleet = Fleet.start(work.resolve("peers-schedule"), Fleet.THREE,
        peers.withSyncInterval(PARTITION_SYNC_INTERVAL));
        RefWatch watch = new RefWatch(fleet)) {
      FleetPushes p = pushes(fleet, DeveloperClone.of(fleet,
          work.resolve("peers-schedule-developer")), watch, work.resolve("peers-schedule-counts"));
      report.partition("HTTP peers", p.levelAfterHeal(report.partitions(), LEVEL_WITHIN));
    }
  }

  private static FleetPushes pushes(Fleet fleet, DeveloperClone dev, RefWatch watch, Path dir)
      throws Exception {
    String refs = watch.advertisement("ap");
    if (!refs.contains(" refs/tags/v1.0.0")) {
      throw new IllegalStateException("ap's ref advertisement lacks v1.0.0: " + refs);
    }
    return new FleetPushes(fleet, dev, watch, dir);
  }

  static void log(String line) {
    System.err.printf("bench: [%4d s] %s%n", (System.nanoTime() - STARTED) / 1_000_000_000,
        line);
  }
}
