package io.gitedge.gateway;

import static io.gitedge.gateway.GatewayHarness.LIB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import io.gitedge.sync.HookSignatures;
import io.gitedge.testing.ClientHome;
import io.gitedge.testing.KafkaBroker;
import io.gitedge.testing.TrustingHttp;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fleet's events over a real Kafka broker (KRaft, a child process shared by the class): real
 * pushes into a C git upstream, its post-receive hook posting the signed webhook, gateways of two
 * regions (and two replicas of one), and what a user sees: refs listed through each gateway with
 * {@code git ls-remote}, the gateways' log lines, and their {@code /metrics}. Every upstream has
 * a one-hour schedule and no freshness, so only an event can explain a gateway's new ref.
 */
class KafkaEventsTest {
  private static final String WEBHOOK_SECRET = "webhook-secret-of-the-upstream";
  private static final String FLEET_SECRET = "secret-the-fleet-shares";
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final AtomicInteger TOPICS = new AtomicInteger();

  @TempDir static Path brokerDir;
  static KafkaBroker broker;

  @TempDir Path dir;
  private String topic;
  private LogCapture logs;
  private final List<GatewayHarness> gateways = new ArrayList<>();

  @BeforeAll
  static void startBroker() {
    broker = KafkaBroker.start(brokerDir.resolve("kafka"));
  }

  @AfterAll
  static void stopBroker() {
    if (broker != null) {
      broker.close();
    }
  }

  @BeforeEach
  void setUp() {
    topic = "gitedge-events-" + TOPICS.incrementAndGet(); // each test its own topic
    logs = new LogCapture("io.gitedge", Level.INFO);
  }

  @AfterEach
  void tearDown() {
    for (int i = gateways.size() - 1; i >= 0; i--) {
      gateways.get(i).close();
    }
    logs.close();
  }

  // --------------------------------------------------------------------------------- helpers

  /** A gateway of {@code region} publishing to and reading from this test's topic. */
  private GatewayHarness gateway(String name, String region, GatewayHarness beside,
      String servers) throws Exception {
    Path d = Files.createDirectories(dir.resolve(name));
    Files.writeString(d.resolve("fleet.secret"), FLEET_SECRET + "\n");
    Files.writeString(d.resolve("webhook.secret"), WEBHOOK_SECRET + "\n");
    GatewayHarness.Options o = GatewayHarness.Options.defaults().withRegion(region)
        .withUpstream("webhookSecretFile", "webhook.secret")
        .withTopLevel("events:\n  kafka:\n    bootstrapServers: \"" + servers + "\"\n"
            + "    topic: " + topic + "\n    secretFile: fleet.secret\n");
    GatewayHarness gw = beside == null ? GatewayHarness.start(d, o)
        : GatewayHarness.startBeside(d, beside, o);
    gateways.add(gw);
    return gw;
  }

  private GatewayHarness gateway(String name, String region, GatewayHarness beside)
      throws Exception {
    return gateway(name, region, beside, broker.bootstrapServers());
  }

  /**
   * Waits until {@code gw}'s consumer has had its partitions (and committed where it reads
   * from) {@code times} times since the test began, and returns the latest such line.
   */
  private String awaitReading(GatewayHarness gw, int times) {
    String group = "-" + instanceId(gw);
    await(() -> readingLines(group).size() >= times, "gateway " + gw.dataDir()
        + " never read topic " + topic);
    List<String> lines = readingLines(group);
    return lines.get(lines.size() - 1);
  }

  private List<String> readingLines(String group) {
    return logs.lines().stream().filter(l -> l.startsWith("reading Kafka topic " + topic)
        && l.contains(group)).toList();
  }

  private static String instanceId(GatewayHarness gw) {
    try {
      return Files.readString(gw.dataDir().resolve("instance-id")).trim();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Makes every push into acme/lib post a signed GitHub webhook to {@code gw}. */
  private static void webhooksTo(GatewayHarness gw) {
    String url = gw.upstreamHttp().url() + "/acme/lib";
    gw.upstream().postWebhooksOnPush("acme/lib", """
        {"ref":"refs/tags/v","repository":{"full_name":"acme/lib","clone_url":"%s.git",\
        "html_url":"%s"}}""".formatted(url, url), WEBHOOK_SECRET, gw.certificate(),
        gw.url() + "/hooks/github");
  }

  /** A commit on main, pushed, and a tag on it, pushed (each push runs the upstream's hooks). */
  private static String release(GatewayHarness gw, String tag) {
    String commit = gw.upstream().commit("acme/lib", "main",
        Map.of(tag + ".go", "package lib\n\nconst Release = \"" + tag + "\"\n"), tag);
    gw.upstream().pushTag("acme/lib", tag, commit);
    return commit;
  }

  /** The id {@code ref} has when listed through {@code gw} with git, or "" when it is not. */
  private String served(GatewayHarness gw, String ref) {
    ClientHome alice = gw.clientWithNetrc("alice");
    String out = alice.git(dir, "ls-remote", gw.repoUrl(LIB), ref).assertOk().stdout();
    return out.isBlank() ? "" : out.split("\t")[0];
  }

  /** The value of the series {@code name} whose labels include all of {@code labels}. */
  private static double metric(GatewayHarness gw, String name, String... labels) {
    return series(gw, name, labels).orElseThrow(() -> new AssertionError("no " + name
        + List.of(labels)));
  }

  private static java.util.OptionalDouble series(GatewayHarness gw, String name,
      String... labels) {
    String text;
    try {
      text = TrustingHttp.client(gw.certificate()).send(HttpRequest.newBuilder(
              URI.create(gw.url() + "/metrics"))
          .header("Authorization", "Bearer " + gw.token("ops")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    Matcher m = Pattern.compile("(?m)^" + name + "\\{([^}]*)} (\\S+)$").matcher(text);
    while (m.find()) {
      String found = m.group(1);
      if (List.of(labels).stream().allMatch(l -> found.contains(l))) {
        return java.util.OptionalDouble.of(Double.parseDouble(m.group(2)));
      }
    }
    return java.util.OptionalDouble.empty();
  }

  private static double received(GatewayHarness gw, String outcome) {
    return metric(gw, "gitedge_events_received_total", "outcome=\"" + outcome + "\"",
        "transport=\"kafka\"");
  }

  private static double sent(GatewayHarness gw) {
    return metric(gw, "gitedge_events_published_total", "outcome=\"sent\"",
        "transport=\"kafka\"");
  }

  private static double buffered(GatewayHarness gw) {
    return metric(gw, "gitedge_events_buffered", "transport=\"kafka\"");
  }

  private static void await(BooleanSupplier condition, String failure) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(failure + " within " + WAIT);
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  private boolean logged(String fragment) {
    return logs.any(fragment);
  }

  /** Whether a line logged after the first {@code mark} lines contains {@code fragment}. */
  private boolean loggedSince(int mark, String fragment) {
    List<String> lines = logs.lines();
    return lines.subList(Math.min(mark, lines.size()), lines.size()).stream()
        .anyMatch(l -> l.contains(fragment));
  }

  // ------------------------------------------------------------------------ across regions

  @Test
  void aPushAnnouncedToEu_isServedByUs_throughKafka_andNothingLoops() throws Exception {
    GatewayHarness eu = gateway("eu", "eu", null);
    GatewayHarness us = gateway("us", "us", eu);
    awaitReading(eu, 1);
    awaitReading(us, 1);
    webhooksTo(eu);

    String commit = release(eu, "v1.2.0");

    await(() -> commit.equals(served(eu, "refs/tags/v1.2.0")), "eu did not take the webhook");
    await(() -> commit.equals(served(us, "refs/tags/v1.2.0")),
        "us did not sync on eu's event (its schedule is 1h and it has no freshness)");
    assertTrue(received(us, "synced") >= 1);
    // no loops: us's own sync was asked for by eu's event and is not published again; give
    // an echo time to go round (Kafka acknowledges in milliseconds here)
    Thread.sleep(2_000);
    assertEquals(0, sent(us), "us published its peer-triggered sync");
    assertEquals(0, received(eu, "synced") + received(eu, "level") + received(eu, "duplicate"),
        "eu heard back about its own push");
    assertTrue(sent(eu) >= 1 && sent(eu) <= 2, "eu: one event per changing sync (the commit's"
        + " push and the tag's push may make one or two), got " + sent(eu));
    assertEquals(sent(eu), received(eu, "own"), "eu reads back and skips its own events");
  }

  @Test
  void anAdminSyncThatChangedAMirror_reachesTheOtherRegion_andTheOtherReplicaOfItsOwn()
      throws Exception {
    GatewayHarness euA = gateway("eu-a", "eu", null);
    GatewayHarness euB = gateway("eu-b", "eu", euA);
    GatewayHarness us = gateway("us", "us", euA);
    for (GatewayHarness gw : List.of(euA, euB, us)) {
      awaitReading(gw, 1);
    }
    // no webhook: the upstream moves, and an operator syncs one replica
    String commit = euA.upstream().commit("acme/lib", "main",
        Map.of("admin.go", "package lib\n"), "found by an operator's sync");
    HttpResponse<String> r = TrustingHttp.client(euA.certificate()).send(HttpRequest.newBuilder(
            URI.create(euA.url() + "/api/v1/mirrors/" + LIB + "/sync?wait=true"))
        .header("Authorization", "Bearer " + euA.token("ops"))
        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals("updated", new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body())
        .path("outcome").asText(), r.body());

    await(() -> commit.equals(served(us, "refs/heads/main")), "us did not hear of eu-a's sync");
    await(() -> commit.equals(served(euB, "refs/heads/main")),
        "eu-b ignored its own region's event: only the instance that published skips it");
    assertEquals(1, received(us, "synced"));
    assertEquals(1, received(euB, "synced"));
    await(() -> received(euA, "own") == 1, "eu-a did not skip its own event");
    assertEquals(0, received(euA, "synced"));
    assertEquals(0, sent(us) + sent(euB), "syncs an event asked for are not published");
  }

  // ---------------------------------------------------------------------- restart, outage

  @Test
  void aGatewayDownWhileEventsWerePublished_readsThemFromItsCommittedOffsetsOnRestart()
      throws Exception {
    GatewayHarness eu = gateway("eu", "eu", null);
    GatewayHarness us = gateway("us", "us", eu);
    awaitReading(eu, 1);
    awaitReading(us, 1);
    webhooksTo(eu);
    String[] tags = new String[2];

    us.restart(data -> {
      tags[0] = release(eu, "v2.0.0");
      tags[1] = release(eu, "v2.1.0");
      await(() -> tags[1].equals(served(eu, "refs/tags/v2.1.0")), "eu did not sync");
      await(() -> sent(eu) >= 2, "eu did not publish both pushes");
    });

    String resumed = awaitReading(us, 2);
    assertTrue(!resumed.contains("(new: from the end)"), "us resumes its own group: " + resumed);
    await(() -> tags[1].equals(served(us, "refs/tags/v2.1.0")), "us did not catch up");
    assertEquals(tags[0], served(us, "refs/tags/v2.0.0"));
    // these metrics are the restarted process's: it synced because it read the events; its
    // mirrors synced less than their hour ago, so the restart itself synced none of them
    assertTrue(received(us, "synced") >= 1, "us caught up by some other way");
    // (the failed and held counts exist from the start, at 0)
    for (String outcome : List.of("created", "updated", "unchanged", "failed", "held")) {
      assertEquals(0.0, series(us, "gitedge_syncs_total", "mirror=\"github.com/acme/app\"",
          "outcome=\"" + outcome + "\"").orElse(0), "the restart synced mirrors at start ("
          + outcome + "), which would hide whether the events did");
    }
  }

  @Test
  void whileKafkaIsDown_eventsAreBufferedAndServingGoesOn_thenTheBufferIsSent()
      throws Exception {
    GatewayHarness eu = gateway("eu", "eu", null);
    GatewayHarness us = gateway("us", "us", eu);
    awaitReading(eu, 1);
    awaitReading(us, 1);
    webhooksTo(eu);

    broker.stop();
    String commit;
    try {
      commit = release(eu, "v3.0.0");
      await(() -> commit.equals(served(eu, "refs/tags/v3.0.0")), "eu stopped serving");
      await(() -> logged("Kafka unreachable at " + broker.bootstrapServers()),
          "eu did not report the outage");
      assertTrue(buffered(eu) >= 1, "the event waits in eu's buffer");
      assertEquals(1, logs.lines().stream().filter(l -> l.startsWith("Kafka unreachable at"))
          .count(), "one line per outage: " + logs.lines());
    } finally {
      broker.start();
    }

    await(() -> commit.equals(served(us, "refs/tags/v3.0.0")),
        "us did not get the event buffered during the outage");
    await(() -> logged("Kafka reachable again at " + broker.bootstrapServers() + "; sent "),
        "eu did not say it sent its buffer");
    assertTrue(logs.lines().stream().noneMatch(l -> l.contains("dropped)") && !l.contains(
        "(0 dropped)")), "nothing was dropped: " + logs.lines());
    assertEquals(0, buffered(eu));
    assertTrue(received(us, "synced") >= 1);
  }

  // ------------------------------------------------------------------------ failure modes

  @Test
  void anUnreachableBootstrapServer_doesNotStopTheStart_andEventsWaitInTheBuffer()
      throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort(); // free again once closed: nothing listens there
    }
    GatewayHarness gw = gateway("eu", "eu", null, "127.0.0.1:" + closed);
    String before = served(gw, "refs/heads/main");
    assertTrue(!before.isEmpty(), "the gateway serves");
    await(() -> logged("Kafka unreachable at 127.0.0.1:" + closed), "no outage line");

    String commit = gw.upstream().commit("acme/lib", "main", Map.of("b.go", "package lib\n"),
        "a change while Kafka cannot be reached");
    assertEquals("UPDATED", gw.sync(LIB).outcome().name());
    assertEquals(commit, served(gw, "refs/heads/main"));
    await(() -> buffered(gw) == 1, "the change's event is not buffered");

    long start = System.nanoTime();
    gateways.remove(gw);
    gw.close();
    assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10), "shutdown hung");
    assertTrue(logged("shutting down with 1 sync event not sent to Kafka at 127.0.0.1:" + closed),
        logs.lines().toString());
  }

  @Test
  void malformedUnsignedAndForeignRecords_areIgnored_loggedAndCounted() throws Exception {
    GatewayHarness us = gateway("us", "us", null);
    awaitReading(us, 1);
    String main = us.upstream().commit("acme/lib", "main", Map.of("c.go", "package lib\n"),
        "the one valid event's news");
    byte[] valid = ("{\"id\":\"e-valid\",\"origin\":\"eu\",\"mirror\":\"" + LIB + "\","
        + "\"refs\":{\"refs/heads/main\":\"" + main + "\"}}").getBytes(StandardCharsets.UTF_8);
    byte[] fleet = FLEET_SECRET.getBytes(StandardCharsets.UTF_8);

    try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
        ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
        ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
      // one key, one partition: read in this order, so the last one read means all were
      byte[] notJson = "not json".getBytes(StandardCharsets.UTF_8);
      byte[] badName = "{\"id\":\"e-bad\",\"mirror\":\"../etc\"}".getBytes(StandardCharsets.UTF_8);
      for (var r : List.of(record(notJson, signature(notJson, fleet)),
          record(badName, signature(badName, fleet)),
          record(valid, signature(valid, "another fleet".getBytes(StandardCharsets.UTF_8))),
          record(valid, null),
          record(valid, signature(valid, fleet)))) {
        p.send(r).get(30, TimeUnit.SECONDS);
      }
    }

    await(() -> main.equals(served(us, "refs/heads/main")), "the valid event was not taken");
    assertEquals(2, received(us, "malformed"));
    assertEquals(2, received(us, "bad_signature"));
    assertEquals(1, received(us, "synced"));
    assertTrue(logged("not a sync event"), logs.lines().toString());
    assertTrue(logged("its signature does not verify with the fleet's secret"),
        logs.lines().toString());
    assertTrue(logged("it is not signed"), logs.lines().toString());
  }

  private ProducerRecord<byte[], byte[]> record(byte[] value, Header signature) {
    List<Header> headers = signature == null ? List.of() : List.of(signature);
    return new ProducerRecord<>(topic, null, LIB.getBytes(StandardCharsets.UTF_8), value,
        headers);
  }

  private static Header signature(byte[] value, byte[] secret) {
    return new RecordHeader("gitedge-signature", HookSignatures.sign(value, secret,
        Instant.now().minus(Duration.ofDays(1))).getBytes(StandardCharsets.US_ASCII));
  }

  @Test
  void aDeletedTopic_isLoggedAndCreatedAgain_whileServingGoesOn() throws Exception {
    GatewayHarness eu = gateway("eu", "eu", null);
    GatewayHarness us = gateway("us", "us", eu);
    awaitReading(eu, 1);
    awaitReading(us, 1);

    int mark = logs.lines().size();
    broker.deleteTopic(topic);

    await(() -> loggedSince(mark, "Kafka topic " + topic + " is gone from"),
        "no gateway noticed its topic is gone");
    String commit = eu.upstream().commit("acme/lib", "main", Map.of("d.go", "package lib\n"),
        "a change after the topic was deleted");
    assertEquals("UPDATED", eu.sync(LIB).outcome().name());
    assertEquals(commit, served(eu, "refs/heads/main"), "eu serves on");
    await(() -> loggedSince(mark, "created Kafka topic " + topic),
        "eu did not create the topic again");
    assertTrue(broker.topics().contains(topic));
    await(() -> commit.equals(served(us, "refs/heads/main")),
        "us did not read the new topic from its start");
  }

  /**
   * {@code gitedge doctor} asks the real broker: the broker and the topic each get an ok line;
   * with the topic deleted (the gateway stopped first, so nothing creates it again) the topic
   * line warns, since a gateway creates its topic at start where it may.
   */
  @Test
  void doctor_asksTheRealBrokerForTheTopic_andWarnsWhenItIsGone() throws Exception {
    GatewayHarness eu = gateway("eu", "eu", null);
    awaitReading(eu, 1);
    Path config = eu.configFile();
    String topicLine = "Kafka topic " + topic + " at ";

    List<String> up = doctor(config);
    assertTrue(up.stream().anyMatch(l -> l.startsWith("ok    Kafka broker ")), up::toString);
    assertTrue(up.stream().anyMatch(l -> l.startsWith("ok    " + topicLine)
        && l.contains(": exists, ")), up::toString);

    eu.close();
    gateways.remove(eu);
    broker.deleteTopic(topic);
    List<String> gone = doctor(config);
    assertTrue(gone.stream().anyMatch(l -> l.startsWith("warn  " + topicLine)
        && l.contains(": does not exist")), gone::toString);
  }

  /** What {@code gitedge doctor --config config} printed, line by line. */
  private static List<String> doctor(Path config) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    io.gitedge.gateway.app.Main.run(new java.io.PrintStream(out, true, StandardCharsets.UTF_8),
        new java.io.PrintStream(new java.io.ByteArrayOutputStream(), true,
            StandardCharsets.UTF_8), "doctor", "--config", config.toString());
    return out.toString(StandardCharsets.UTF_8).lines().toList();
  }
}
