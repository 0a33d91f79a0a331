package io.gitedge.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitedge.store.MirrorName;
import io.gitedge.store.MirrorStore;
import io.gitedge.store.StoreConfig;
import io.gitedge.store.Upstream;
import io.gitedge.store.UpstreamRoute;
import io.gitedge.testing.ClientHome;
import io.gitedge.testing.TestUpstream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.eclipse.jgit.lib.Constants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * W04: a storm of 5000 deliveries over 50 repositories from 8 senders, a third of them repeats:
 * every one is answered 202, no mirror ever has two syncs at once, the storm collapses into far
 * fewer syncs than deliveries, and every mirror ends level with its upstream.
 */
class WebhookStormTest {
  private static final String SECRET = "storm-secret";
  private static final int REPOS = 50;
  private static final int DELIVERIES = 5000;
  @TempDir Path dir;

  @Test
  void w04_aStormOfDeliveries_isAnsweredQuickly_serialisedPerMirror_andConverges() throws Exception {
    TestUpstream upstream = TestUpstream.create(dir);
    ClientHome dev = ClientHome.create(Files.createDirectories(dir.resolve("dev")));
    StringBuilder script = new StringBuilder("set -e\ngit init -q -b main work\ncd work\n");
    for (int i = 0; i < REPOS; i++) {
      upstream.createRepo("acme/r" + i);
      script.append("git commit -q --allow-empty -m r").append(i)
          .append("\ngit push -q ").append(upstream.bare("acme/r" + i)).append(" HEAD:main\n");
    }
    dev.bash(dir, script.toString()).assertOk();

    try (MirrorStore real = MirrorStore.open(StoreConfig.defaults(dir.resolve("mirrors")))) {
      WatchedStore watched = new WatchedStore(real, false);
      List<SyncPlan> plans = new ArrayList<>();
      for (int i = 0; i < REPOS; i++) {
        plans.add(new SyncPlan(MirrorName.parse("github.com/acme/r" + i), new Upstream(
            upstream.fileUrl() + "/acme/r" + i + ".git", Optional.empty()), Duration.ofHours(1)));
      }
      Path secret = Files.writeString(dir.resolve("hook.secret"), SECRET);
      UpstreamRoute route = new UpstreamRoute("github.com/acme", "https://github.com/acme",
          Optional.empty(), ".git");
      try (SyncScheduler scheduler = new SyncScheduler(watched, plans, SyncConfig.DEFAULT,
          SyncListener.NONE)) {
        WebhookReceiver receiver = new WebhookReceiver(
            List.of(new WebhookReceiver.Target(route, secret)), scheduler, Clock.systemUTC());
        ExecutorService senders = Executors.newFixedThreadPool(8);
        java.util.Queue<Long> answerNanos = new java.util.concurrent.ConcurrentLinkedQueue<>();
        List<Future<List<WebhookReceiver.Outcome>>> answers = new ArrayList<>();
        for (int s = 0; s < 8; s++) {
          int sender = s;
          answers.add(senders.submit(() -> {
            Random random = new Random(sender);
            List<WebhookReceiver.Outcome> outcomes = new ArrayList<>();
            for (int d = 0; d < DELIVERIES / 8; d++) {
              String repo = "r" + random.nextInt(REPOS);
              String body = "{\"repository\":{\"clone_url\":\"https://github.com/acme/" + repo
                  + ".git\"}}";
              byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
              String sig = "sha256=" + HexFormat.of().formatHex(HookSignatures.hmac(
                  SECRET.getBytes(StandardCharsets.UTF_8), bytes));
              // a third are redeliveries of an earlier event of this sender
              String id = sender + "-" + (d % 3 == 2 ? d - 1 : d);
              long start = System.nanoTime();
              outcomes.add(receiver.receive(WebhookProvider.GITHUB, h -> switch (h) {
                case "x-hub-signature-256" -> sig;
                case "x-github-delivery" -> id;
                default -> null;
              }, bytes).outcome());
              answerNanos.add(System.nanoTime() - start);
            }
            return outcomes;
          }));
        }
        for (Future<List<WebhookReceiver.Outcome>> a : answers) {
          for (WebhookReceiver.Outcome o : a.get(5, TimeUnit.MINUTES)) {
            assertTrue(o == WebhookReceiver.Outcome.ACCEPTED
                || o == WebhookReceiver.Outcome.DUPLICATE, o.toString());
          }
        }
        senders.shutdown();
        long[] sorted = answerNanos.stream().mapToLong(Long::longValue).sorted().toArray();
        double p99Ms = sorted[(int) (sorted.length * 0.99)] / 1e6;
        System.out.printf("W04 figures: %d deliveries answered, p50 %.2f ms, p99 %.2f ms,"
            + " max %.2f ms%n", sorted.length, sorted[sorted.length / 2] / 1e6, p99Ms,
            sorted[sorted.length - 1] / 1e6);
        assertEquals(DELIVERIES, sorted.length);
        assertTrue(p99Ms < 1000, "W04: p99 answer time " + p99Ms + " ms, bound 1 s");
        for (SyncPlan p : plans) {
          scheduler.requestSync(p.name(), Trigger.ADMIN).get(2, TimeUnit.MINUTES);
        }

        assertEquals(0, watched.overlaps.get(), "two syncs of one mirror ran at once");
        assertTrue(watched.total.get() < DELIVERIES / 4, watched.total.get() + " syncs for " + DELIVERIES
            + " deliveries: the storm was not coalesced");
        for (SyncPlan p : plans) {
          String repo = p.name().value().substring("github.com/".length());
          assertEquals(upstream.refs(repo).get("refs/heads/main"), real.find(p.name())
              .orElseThrow().repository().exactRef(Constants.R_HEADS + "main").getObjectId()
              .name(), p.name().value());
        }
      }
    } finally {
      upstream.close();
    }
  }
}
