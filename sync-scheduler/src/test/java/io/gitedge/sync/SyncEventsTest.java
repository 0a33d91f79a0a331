package io.gitedge.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitedge.store.MirrorName;
import io.gitedge.store.MirrorStore;
import io.gitedge.store.StoreConfig;
import io.gitedge.store.SyncResult;
import io.gitedge.store.Upstream;
import io.gitedge.testing.TestUpstream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fleet's events without a transport: which syncs are published, what an event says, and
 * what a receiving gateway does with one, against a real store and scheduler.
 */
class SyncEventsTest {
  @TempDir Path dir;
  private TestUpstream upstream;
  private MirrorStore store;
  private WatchedStore counting;
  private SyncScheduler scheduler;
  private MirrorName lib;
  private final List<SyncEvent> published = new CopyOnWriteArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    upstream = TestUpstream.create(dir);
    upstream.createRepo("acme/lib");
    upstream.commit("acme/lib", "main", Map.of("README", "hi\n"), "first");
    store = MirrorStore.open(StoreConfig.defaults(dir.resolve("mirrors")));
    counting = new WatchedStore(store, false);
    lib = MirrorName.parse("github.com/acme/lib");
    SyncPlan plan = new SyncPlan(lib, new Upstream(upstream.fileUrl() + "/acme/lib.git",
        Optional.empty()), Duration.ofHours(1));
    scheduler = new SyncScheduler(counting, List.of(plan), SyncConfig.DEFAULT,
        new SyncEventPublisher("eu", store, published::add));
  }

  @AfterEach
  void tearDown() {
    scheduler.close();
    store.close();
    upstream.close();
  }

  private SyncResult sync(Trigger trigger) throws Exception {
    return scheduler.requestSync(lib, trigger).get(60, TimeUnit.SECONDS);
  }

  // ------------------------------------------------------------------------- publishing

  @Test
  void aWebhooksSuccessfulSync_isPublishedWithTheMirrorsTips() throws Exception {
    sync(Trigger.WEBHOOK);
    assertEquals(1, published.size());
    SyncEvent e = published.get(0);
    assertEquals("eu", e.origin());
    assertEquals(lib, e.mirror());
    assertEquals(Map.of("refs/heads/main", upstream.refs("acme/lib").get("refs/heads/main")),
        e.tips());
    assertEquals(36, e.id().length(), "a UUID");
  }

  @Test
  void scheduledPeerAndFailedSyncs_areNotPublished() throws Exception {
    sync(Trigger.SCHEDULE);
    sync(Trigger.PEER);
    java.nio.file.Files.move(upstream.bare("acme/lib"), dir.resolve("gone.git"));
    assertFalse(sync(Trigger.WEBHOOK).succeeded(), "the upstream is gone");
    assertEquals(List.of(), published, "no loops, no schedules, no failures");
  }

  @Test
  void theBusRule_publishesEverySyncThatChangedAMirror_butNotAPeersOrAFirstSync()
      throws Exception {
    List<SyncEvent> onBus = new CopyOnWriteArrayList<>();
    scheduler.close();
    scheduler = new SyncScheduler(counting, List.of(new SyncPlan(lib, new Upstream(
        upstream.fileUrl() + "/acme/lib.git", Optional.empty()), Duration.ofHours(1))),
        SyncConfig.DEFAULT, new SyncEventPublisher("eu", store, List.of(
            new SyncEventPublisher.Route(SyncEventPublisher.Rule.CHANGES, onBus::add),
            new SyncEventPublisher.Route(SyncEventPublisher.Rule.WEBHOOK_SYNCS,
                published::add))));

    assertEquals(SyncResult.Outcome.CREATED, sync(Trigger.START).outcome());
    assertEquals(SyncResult.Outcome.UNCHANGED, sync(Trigger.SCHEDULE).outcome());
    assertEquals(List.of(), onBus, "a first sync and an unchanged one are no news");

    upstream.commit("acme/lib", "main", Map.of("a", "1\n"), "found by the schedule");
    assertEquals(SyncResult.Outcome.UPDATED, sync(Trigger.SCHEDULE).outcome());
    String byAdmin = upstream.commit("acme/lib", "main", Map.of("a", "2\n"),
        "found by an operator");
    sync(Trigger.ADMIN);
    upstream.commit("acme/lib", "main", Map.of("a", "3\n"), "another region's news");
    assertEquals(SyncResult.Outcome.UPDATED, sync(Trigger.PEER).outcome());
    assertEquals(2, onBus.size(), "schedule and admin API, not the peer's: " + onBus);
    assertEquals(Map.of("refs/heads/main", byAdmin), onBus.get(1).tips());
    assertEquals(List.of(), published, "HTTP peers still take webhooks' syncs only");

    upstream.commit("acme/lib", "main", Map.of("a", "4\n"), "announced by a webhook");
    sync(Trigger.WEBHOOK);
    assertEquals(3, onBus.size());
    assertEquals(1, published.size());
    assertEquals(onBus.get(2), published.get(0), "one event, one id, on both routes");
  }

  @Test
  void aSignatureOnALoggedEvent_holdsHoweverOld_butOnlyForItsBodyAndSecret() {
    byte[] body = "{\"mirror\":\"github.com/acme/lib\"}".getBytes(StandardCharsets.UTF_8);
    byte[] secret = "fleet".getBytes(StandardCharsets.UTF_8);
    String dayOld = HookSignatures.sign(body, secret, java.time.Instant.now().minusSeconds(86_400));
    assertTrue(HookSignatures.signed(dayOld, body, secret));
    assertFalse(HookSignatures.timestamped(dayOld, body, secret, java.time.Instant.now()),
        "an HTTP peer's event that old is refused");
    assertFalse(HookSignatures.signed(dayOld, body, "another fleet".getBytes(
        StandardCharsets.UTF_8)));
    assertFalse(HookSignatures.signed(dayOld, "{}".getBytes(StandardCharsets.UTF_8), secret));
    assertFalse(HookSignatures.signed(null, body, secret));
    assertFalse(HookSignatures.signed("v1=00", body, secret));
  }

  @Test
  void anEventsJson_readsBackAsTheSameEvent() throws Exception {
    SyncEvent e = new SyncEvent("id-1", "us", lib, Map.of("refs/tags/v1", "a".repeat(40)));
    assertEquals(e, SyncEvent.fromJson(e.toJson()));
    assertEquals("{\"id\":\"id-1\",\"origin\":\"us\",\"mirror\":\"github.com/acme/lib\","
        + "\"refs\":{\"refs/tags/v1\":\"" + "a".repeat(40) + "\"}}",
        new String(e.toJson(), StandardCharsets.UTF_8), "the wire format peers already speak");
    for (String bad : List.of("", "[]", "{\"mirror\":\"../etc\"}", "{\"mirror\":")) {
      assertThrows(IOException.class, () -> SyncEvent.fromJson(
          bad.getBytes(StandardCharsets.UTF_8)), bad);
    }
  }

  // ------------------------------------------------------------------------- receiving

  @Test
  void anEventForAMirrorBehind_syncsIt_onceHoweverOftenItArrives() throws Exception {
    IncomingEvents incoming = new IncomingEvents(scheduler, store);
    SyncEvent e = new SyncEvent("e1", "us", lib, Map.of());
    assertEquals(IncomingEvents.Outcome.SYNCING, incoming.receive(e));
    assertEquals(IncomingEvents.Outcome.DUPLICATE, incoming.receive(e));
    scheduler.requestSync(lib, Trigger.ADMIN).get(60, TimeUnit.SECONDS);
    assertTrue(store.find(lib).isPresent(), "synced");
  }

  @Test
  void anEventWhoseTipsTheMirrorHas_isLevel_andSyncsNothing() throws Exception {
    sync(Trigger.SCHEDULE);
    int before = counting.total.get();
    IncomingEvents incoming = new IncomingEvents(scheduler, store);
    String main = upstream.refs("acme/lib").get("refs/heads/main");
    assertEquals(IncomingEvents.Outcome.LEVEL, incoming.receive(new SyncEvent("e2", "us", lib,
        Map.of("refs/heads/main", main))));
    assertEquals(IncomingEvents.Outcome.SYNCING, incoming.receive(new SyncEvent("e3", "us",
        lib, Map.of("refs/heads/main", "b".repeat(40)))), "another tip: behind");
    assertEquals(IncomingEvents.Outcome.NOT_MIRRORED, incoming.receive(new SyncEvent("e4",
        "us", MirrorName.parse("github.com/acme/other"), Map.of())));
    scheduler.requestSync(lib, Trigger.ADMIN).get(60, TimeUnit.SECONDS);
    assertTrue(counting.total.get() > before);
    assertEquals(List.of(), published, "syncs a peer asked for are not published");
  }

  @Test
  void anEventNamingTipsTheUpstreamLacks_syncsAgainUntilTheyArrive() throws Exception {
    // the mirror's upstream is a tier (a nearer region) that gets the push a moment later
    Path tier = dir.resolve("tier/lib.git");
    upstream.git("acme/lib", "clone", "--bare", "-q", upstream.bare("acme/lib").toString(),
        tier.toString()).assertOk();
    SyncPlan viaTier = new SyncPlan(lib, new Upstream("file://" + tier, Optional.empty()),
        Duration.ofHours(1));
    try (SyncScheduler s = new SyncScheduler(counting, List.of(viaTier), SyncConfig.DEFAULT,
        SyncListener.NONE)) {
      s.requestSync(lib, Trigger.SCHEDULE).get(60, TimeUnit.SECONDS);
      String pushed = upstream.commit("acme/lib", "main", Map.of("b", "b\n"), "pushed");
      IncomingEvents incoming = new IncomingEvents(s, store, new HeardTagPins(),
          java.util.Collections.nCopies(7, Duration.ofMillis(300)));
      int before = counting.total.get();

      assertEquals(IncomingEvents.Outcome.SYNCING, incoming.receive(new SyncEvent("e5", "eu",
          lib, Map.of("refs/heads/main", pushed))));
      Thread.sleep(500);
      upstream.git("acme/lib", "push", "-q", tier.toString(), "main").assertOk();

      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (!pushed.equals(mainHere()) && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertEquals(pushed, mainHere(), "the event's tip arrived without the schedule");
      assertTrue(counting.total.get() - before >= 2, "it took more than one sync");
    }
  }

  @Test
  void anEventNamingTipsThatNeverArrive_isTriedABoundedNumberOfTimes() throws Exception {
    sync(Trigger.SCHEDULE);
    IncomingEvents incoming = new IncomingEvents(scheduler, store, new HeardTagPins(),
        List.of(Duration.ofMillis(50), Duration.ofMillis(50)));
    int before = counting.total.get();

    incoming.receive(new SyncEvent("e6", "eu", lib, Map.of("refs/heads/main", "c".repeat(40))));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (counting.total.get() - before < 3 && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    Thread.sleep(1_000); // a fourth try would come 50 ms after the third sync

    assertEquals(3, counting.total.get() - before, "one sync and two more tries, then the"
        + " schedule");
  }

  private String mainHere() throws IOException {
    var r = store.find(lib).orElseThrow().repository().exactRef("refs/heads/main");
    return r == null ? null : r.getObjectId().name();
  }
}
