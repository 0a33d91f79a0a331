package io.gitedge.gateway.events;

import io.gitedge.sync.HookSignatures;
import io.gitedge.sync.IncomingEvents;
import io.gitedge.sync.SyncEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.NoOffsetForPartitionException;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the fleet's events from the Kafka topic on one thread and hands them to
 * {@link IncomingEvents} (which drops repeats, skips mirrors that are level already, and syncs
 * the rest with trigger {@code PEER}, never published again).
 *
 * <p><b>Groups and offsets.</b> Each gateway instance reads in a consumer group of its own
 * (by default {@code gitedge-<region>-<instance id>}), so every instance sees every event. An
 * event's offset is committed once {@link IncomingEvents} took it (its sync is queued), so a
 * gateway that was down reads on from where it stopped. Where a partition has no committed
 * offset:
 * <ul>
 *   <li>a group new to the topic starts at its end: a new gateway syncs every mirror at start
 *       anyway; that position is committed at once, so events published while the gateway is
 *       down after its first start are read when it is back;
 *   <li>a group that has read the topic before starts such a partition (one added, or the topic
 *       deleted and created again) at its beginning, since everything in it is news.
 * </ul>
 * A committed offset the topic no longer holds (events expired, the topic created again) reads
 * on from the oldest event kept, and says so.
 *
 * <p><b>What is ignored.</b> Events this very instance published (header
 * {@value KafkaFanOut#INSTANCE}; another replica of the same region is another instance, and its
 * events are taken), events whose {@value KafkaFanOut#SIGNATURE} header is missing or does not
 * verify with the fleet's secret (signed for another fleet, or by no gateway), however old they
 * are, and records that are not sync events: each logged (at most once a minute per reason) and
 * counted. While the secret cannot be read, nothing is taken (or committed): the records wait.
 *
 * <p>Kafka unreachable, or the topic missing, never stops the gateway: the consumer waits and
 * reads on when it can (the topic missing is logged; the publisher logs outages). Thread-safe;
 * {@link #start} once, {@link #close} within about 5 s.
 */
public final class KafkaEventConsumer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(KafkaEventConsumer.class);
  private static final Duration POLL = Duration.ofSeconds(1);
  private static final Duration BACKOFF_MIN = Duration.ofMillis(500);
  private static final Duration BACKOFF_MAX = Duration.ofSeconds(5);
  private static final Duration QUIET = Duration.ofMinutes(1);

  private final KafkaClients clients;
  private final PeerSecret secret;
  private final String instanceId;
  private final IncomingEvents incoming;
  private final Consumer<String> outcomes;
  private final Thread reader;
  private final Object sleeper = new Object();
  private volatile boolean closing;
  private volatile KafkaConsumer<byte[], byte[]> consumer;

  // the reader thread's own state
  private boolean readBefore;
  private boolean topicMissing;
  private Optional<String> failing = Optional.empty();
  private final Map<String, Long> lastWarned = new HashMap<>();
  private final Map<String, Integer> quieted = new HashMap<>();

  /**
   * @param outcomes told the outcome of every record read ({@code synced}, {@code level},
   *     {@code duplicate}, {@code ignored}, {@code own}, {@code bad_signature},
   *     {@code malformed}), for the metrics
   */
  public KafkaEventConsumer(KafkaClients clients, PeerSecret secret, String instanceId,
      IncomingEvents incoming, Consumer<String> outcomes) {
    this.clients = clients;
    this.secret = secret;
    this.instanceId = instanceId;
    this.incoming = incoming;
    this.outcomes = outcomes;
    this.reader = new Thread(this::run, "gitedge-kafka-events");
    reader.setDaemon(true);
  }

  /** Starts reading. */
  public void start() {
    reader.start();
  }

  private void run() {
    Duration backoff = BACKOFF_MIN;
    while (!closing) {
      KafkaConsumer<byte[], byte[]> c = null;
      try {
        c = clients.consumer();
        consumer = c;
        if (closing) {
          break;
        }
        KafkaConsumer<byte[], byte[]> subscribed = c;
        c.subscribe(List.of(clients.topic()), new Positions(subscribed));
        while (!closing) {
          poll(c);
          backoff = BACKOFF_MIN;
        }
      } catch (WakeupException | InterruptException e) {
        break;
      } catch (KafkaException e) {
        if (!failing.equals(Optional.of(e.getClass().getName()))) {
          failing = Optional.of(e.getClass().getName());
          log.warn("cannot read Kafka topic {} at {} ({}); trying again", clients.topic(),
              clients.servers(), e.getMessage());
        }
        pause(backoff);
        backoff = backoff.multipliedBy(2).compareTo(BACKOFF_MAX) > 0 ? BACKOFF_MAX
            : backoff.multipliedBy(2);
      } finally {
        consumer = null;
        if (c != null) {
          try {
            c.close(CloseOptions.timeout(Duration.ofSeconds(2)));
          } catch (KafkaException e) {
            log.debug("closing the Kafka consumer", e);
          }
        }
      }
    }
  }

  /** One poll: takes what came, then commits it. */
  private void poll(KafkaConsumer<byte[], byte[]> c) {
    ConsumerRecords<byte[], byte[]> records;
    try {
      records = c.poll(POLL);
    } catch (OffsetOutOfRangeException e) {
      log.warn("Kafka topic {} no longer holds the events after this gateway's committed offsets"
          + " {} (they expired, or the topic was created again); reading on from the oldest"
          + " kept", clients.topic(), e.offsetOutOfRangePartitions());
      c.seekToBeginning(e.partitions());
      return;
    } catch (NoOffsetForPartitionException e) {
      c.seekToBeginning(e.partitions()); // only a race with the rebalance listener gets here
      return;
    }
    if (failing.isPresent()) {
      failing = Optional.empty();
      log.info("reading Kafka topic {} at {} again", clients.topic(), clients.servers());
    }
    if (records.isEmpty()) {
      return;
    }
    Optional<byte[]> key = secret.read();
    if (key.isEmpty()) {
      // nothing can be checked: read these again once the secret is back, rather than drop them
      for (TopicPartition p : records.partitions()) {
        c.seek(p, records.records(p).get(0).offset());
      }
      pause(BACKOFF_MAX);
      return;
    }
    Map<TopicPartition, OffsetAndMetadata> done = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : records) {
      take(r, key.get());
      done.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
    }
    c.commitSync(done);
  }

  /** Hands one record to {@link IncomingEvents}, unless it is this instance's or not valid. */
  private void take(ConsumerRecord<byte[], byte[]> r, byte[] key) {
    if (instanceId.equals(header(r, KafkaFanOut.INSTANCE))) {
      outcomes.accept("own");
      return;
    }
    String where = r.topic() + "-" + r.partition() + "@" + r.offset();
    byte[] value = r.value() == null ? new byte[0] : r.value();
    String signature = header(r, KafkaFanOut.SIGNATURE);
    if (!HookSignatures.signed(signature, value, key)) {
      outcomes.accept("bad_signature");
      warn(signature == null ? "unsigned" : "bad_signature", "ignored the Kafka record {} from"
          + " {}: {}", where,
          Objects.requireNonNullElse(header(r, KafkaFanOut.INSTANCE), "an unknown publisher"),
          signature == null ? "it is not signed" : "its signature does not verify with the"
              + " fleet's secret (signed for another fleet?)");
      return;
    }
    SyncEvent event;
    try {
      if (value.length > SyncEvent.MAX_BYTES) {
        throw new IOException("larger than " + SyncEvent.MAX_BYTES + " bytes");
      }
      event = SyncEvent.fromJson(value);
    } catch (IOException e) {
      outcomes.accept("malformed");
      warn("malformed", "ignored the Kafka record {}: not a sync event ({})", where,
          e.getMessage());
      return;
    }
    outcomes.accept(switch (incoming.receive(event)) {
      case DUPLICATE -> "duplicate";
      case NOT_MIRRORED -> "ignored";
      case LEVEL -> "level";
      case SYNCING -> "synced";
    });
  }

  /** Logs a warning at most once a minute per reason, saying how many were not logged. */
  private void warn(String reason, String format, Object... args) {
    long now = System.nanoTime();
    Long last = lastWarned.get(reason);
    if (last != null && now - last < QUIET.toNanos()) {
      quieted.merge(reason, 1, Integer::sum);
      return;
    }
    lastWarned.put(reason, now);
    int more = Objects.requireNonNullElse(quieted.remove(reason), 0);
    log.warn(format + (more > 0 ? " (and " + more + " more like it in the last minute)" : ""),
        args);
  }

  private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
    Header h = r.headers().lastHeader(name);
    return h == null || h.value() == null ? null
        : new String(h.value(), StandardCharsets.US_ASCII);
  }

  private void pause(Duration d) {
    synchronized (sleeper) {
      if (!closing) {
        try {
          sleeper.wait(d.toMillis());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          closing = true;
        }
      }
    }
  }

  /** Stops reading and leaves the group, waiting at most about 5 s. */
  @Override
  public void close() {
    closing = true;
    KafkaConsumer<byte[], byte[]> c = consumer;
    if (c != null) {
      c.wakeup();
    }
    synchronized (sleeper) {
      sleeper.notifyAll();
    }
    try {
      if (reader.isAlive()) {
        reader.join(4_000);
        if (reader.isAlive()) {
          reader.interrupt();
          reader.join(1_000);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Where each newly assigned partition is read from (see the class comment), committed at once;
   * and whether the topic is there at all.
   */
  private final class Positions implements ConsumerRebalanceListener {
    private final KafkaConsumer<byte[], byte[]> c;

    Positions(KafkaConsumer<byte[], byte[]> c) {
      this.c = c;
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      // offsets are committed after every poll: nothing is pending here
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      if (partitions.isEmpty()) {
        if (!topicMissing && topicAbsent()) {
          topicMissing = true;
          if (readBefore) {
            log.warn("Kafka topic {} is gone from {} (deleted?): no events reach this gateway"
                + " until it is back (publishers create it again)", clients.topic(),
                clients.servers());
          } else {
            log.info("Kafka topic {} does not exist on {} yet: reading it once a publisher has"
                + " created it", clients.topic(), clients.servers());
          }
        }
        return;
      }
      topicMissing = false;
      Map<TopicPartition, OffsetAndMetadata> committed = c.committed(new HashSet<>(partitions));
      Set<TopicPartition> fresh = new HashSet<>();
      for (TopicPartition p : partitions) {
        if (committed.get(p) == null) {
          fresh.add(p);
        }
      }
      boolean newGroup = !readBefore && fresh.size() == partitions.size();
      if (!fresh.isEmpty()) {
        if (newGroup) {
          c.seekToEnd(fresh);
        } else {
          c.seekToBeginning(fresh);
        }
        Map<TopicPartition, OffsetAndMetadata> start = new HashMap<>();
        for (TopicPartition p : fresh) {
          start.put(p, new OffsetAndMetadata(c.position(p)));
        }
        c.commitSync(start);
      }
      readBefore = true;
      Map<String, Long> at = new TreeMap<>();
      for (TopicPartition p : partitions) {
        at.put(p.toString(), c.position(p));
      }
      log.info("reading Kafka topic {} at {} as group {}{}, from offsets {}", clients.topic(),
          clients.servers(), clients.groupId(), newGroup ? " (new: from the end)" : "", at);
    }

    private boolean topicAbsent() {
      try {
        return c.partitionsFor(clients.topic()).isEmpty();
      } catch (KafkaException e) {
        return false; // unreachable, not absent: the publisher says so
      }
    }
  }
}
