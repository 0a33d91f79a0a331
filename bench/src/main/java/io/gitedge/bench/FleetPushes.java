package io.gitedge.bench;

import io.gitedge.gateway.fleet.Fleet;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.Future;

/**
 * Pushes through a running fleet, one at a time: a release pushed into the origin, the webhook
 * to eu, and the clock until each region serves it (push → servable, with what the origin was
 * asked meanwhile); and a partition of ap during three pushes, with the clock from the heal
 * until ap serves the last of them.
 */
final class FleetPushes {
  /** A push not servable everywhere by then counts as a timeout (shown as such). */
  static final Duration SERVABLE_WITHIN = Duration.ofSeconds(30);
  /** Timeouts after which a set-up's pushes stop (each costs {@link #SERVABLE_WITHIN}). */
  private static final int GIVE_UP_AFTER = 3;

  /**
   * One set-up's pushes.
   *
   * @param millis region → webhook → servable there, per push (infinite: not within 30 s)
   * @param all per push, the slowest region
   * @param packs the packs the origin served over these pushes ({@link OriginPacks})
   * @param uploadPacks the origin's {@code POST …/git-upload-pack} answers over these pushes
   * @param refListings the origin's {@code GET …/info/refs} answers over these pushes
   * @param refListingsOk those of {@code refListings} answered 200
   */
  record Result(String setUp, Map<String, List<Double>> millis, List<Double> all, long packs,
      long uploadPacks, long refListings, long refListingsOk) {
    int pushes() {
      return all.size();
    }
  }

  private final Fleet fleet;
  private final DeveloperClone dev;
  private final RefWatch watch;
  private final Path dir;
  private int serial;

  FleetPushes(Fleet fleet, DeveloperClone dev, RefWatch watch, Path dir) {
    this.fleet = fleet;
    this.dev = dev;
    this.watch = watch;
    this.dir = dir;
  }

  /** {@code warmups} unmeasured pushes, then {@code pushes} measured ones. */
  Result pushToServable(String setUp, int warmups, int pushes) throws Exception {
    try (OriginPacks packs = OriginPacks.install(fleet, dir.resolve("origin-packs"))) {
      return pushToServable(setUp, warmups, pushes, packs);
    }
  }

  private Result pushToServable(String setUp, int warmups, int pushes, OriginPacks packs)
      throws Exception {
    List<String> regions = fleet.regions().stream().map(Fleet.Region::name).toList();
    for (int i = 0; i < warmups; i++) {
      push(regions);
    }
    if (warmups > 0 && packs.served() == 0) {
      throw new IllegalStateException("the origin's pack counter counted none");
    }
    Thread.sleep(1_000); // what the warm-ups set going ends before the origin's log is read
    int logBefore = fleet.originHttp().requests().size();
    long packsBefore = packs.served();
    Map<String, List<Double>> millis = new LinkedHashMap<>();
    regions.forEach(r -> millis.put(r, new ArrayList<>()));
    List<Double> all = new ArrayList<>();
    int timeouts = 0;
    for (int i = 0; i < pushes && timeouts < GIVE_UP_AFTER; i++) {
      Map<String, Double> one = push(regions);
      one.forEach((r, ms) -> millis.get(r).add(ms));
      double slowest = one.values().stream().mapToDouble(Double::doubleValue).max().orElseThrow();
      all.add(slowest);
      if (Double.isInfinite(slowest)) {
        timeouts++;
        FleetBench.log(setUp + ": push " + i + " not servable everywhere within "
            + SERVABLE_WITHIN.toSeconds() + " s: " + one);
      }
    }
    Thread.sleep(2_000); // fetches the last push set going are answered and logged
    List<String> log = fleet.originHttp().requests();
    List<String> window = log.subList(logBefore, log.size());
    long uploadPacks = window.stream()
        .filter(l -> l.startsWith("POST ") && l.contains("/git-upload-pack ")).count();
    List<String> listings = window.stream()
        .filter(l -> l.startsWith("GET ") && l.contains("/info/refs")).toList();
    return new Result(setUp, millis, all, packs.served() - packsBefore, uploadPacks,
        listings.size(), listings.stream().filter(l -> l.contains(" -> 200")).count());
  }

  /** One release pushed, the webhook to eu; region → milliseconds until it serves the tag. */
  private Map<String, Double> push(List<String> regions) throws Exception {
    String tag = "push-" + (++serial);
    String id = dev.release(tag, serial);
    Map<String, Future<OptionalLong>> seen = watch.watch(regions, "refs/tags/" + tag, id,
        SERVABLE_WITHIN);
    long t0 = System.nanoTime();
    webhookToEu();
    Map<String, Double> ms = new LinkedHashMap<>();
    for (Map.Entry<String, Future<OptionalLong>> s : seen.entrySet()) {
      OptionalLong at = s.getValue().get();
      ms.put(s.getKey(), at.isPresent() ? (at.getAsLong() - t0) / 1e6
          : Double.POSITIVE_INFINITY);
    }
    return ms;
  }

  /**
   * Partitions of ap and how long after each heal it was level.
   *
   * @param millis from the heal until ap served the last push (infinite: not within the limit)
   * @param cutMillis how long each cut lasted
   * @param events the events ap received from the heal until it was level, over either bus, as
   *     "received (of which made it sync)"
   */
  record Levels(List<Double> millis, List<Double> cutMillis, List<String> events) {}

  /**
   * {@code reps} times: ap cut off, three pushes with their webhooks to eu, us serving the last
   * (the events went round without ap), heal; the time from the heal until ap serves it.
   */
  Levels levelAfterHeal(int reps, Duration within) throws Exception {
    List<Double> out = new ArrayList<>();
    List<Double> cuts = new ArrayList<>();
    List<String> events = new ArrayList<>();
    Fleet.Region ap = fleet.region("ap");
    for (int rep = 0; rep < reps; rep++) {
      long cut = System.nanoTime();
      fleet.partition("ap");
      String last = null;
      for (int k = 0; k < 3; k++) {
        last = dev.commit(Map.of("partition.go", "package lib\n\nconst Cut = " + (rep * 3 + k)
            + "\n"), "push " + k + " while ap is cut off");
        dev.push();
        webhookToEu();
      }
      if (watch.watch(List.of("us"), "refs/heads/main", last, SERVABLE_WITHIN).get("us").get()
          .isEmpty()) {
        throw new IllegalStateException("us did not get the pushes made while ap was cut off");
      }
      if (watch.advertisement("ap").contains(last)) {
        throw new IllegalStateException("ap got a push while it was cut off");
      }
      long[] heard = eventsReceived(ap);
      long t0 = System.nanoTime();
      fleet.heal("ap");
      OptionalLong at = watch.watch(List.of("ap"), "refs/heads/main", last, within).get("ap")
          .get();
      double ms = at.isPresent() ? (at.getAsLong() - t0) / 1e6 : Double.POSITIVE_INFINITY;
      long[] after = eventsReceived(ap);
      events.add((after[0] - heard[0]) + " (" + (after[1] - heard[1]) + ")");
      cuts.add((t0 - cut) / 1e6);
      FleetBench.log("  cut for " + FleetReport.ms(cuts.get(rep)) + ", level "
          + FleetReport.ms(ms) + " after the heal; events received meanwhile (synced on): "
          + events.get(rep));
      out.add(ms);
      Thread.sleep(1_000);
    }
    return new Levels(out, cuts, events);
  }

  /**
   * The sync events {@code r} has received so far over HTTP from peers or from Kafka, and how
   * many of them made it sync (outcome {@code synced}), from its {@code /metrics}.
   */
  private static long[] eventsReceived(Fleet.Region r) throws Exception {
    long[] n = new long[2];
    for (String line : r.metrics().lines().toList()) {
      boolean received = line.startsWith("gitedge_peer_events_total{")
          && line.contains("direction=\"received\"")
          || line.startsWith("gitedge_events_received_total{");
      if (received) {
        long v = (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        n[0] += v;
        n[1] += line.contains("outcome=\"synced\"") ? v : 0;
      }
    }
    return n;
  }

  private void webhookToEu() throws Exception {
    int status = fleet.webhook("eu", "acme/lib");
    if (status != 202) {
      throw new IllegalStateException("eu answered the webhook with " + status);
    }
  }
}
