package io.gitedge.gateway.events;

import io.gitedge.sync.FanOut;
import io.gitedge.sync.HookSignatures;
import io.gitedge.sync.SyncEvent;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fleet's events onto a Kafka topic. {@link #publish} only appends to a bounded buffer
 * ({@value #MAX_BUFFERED} events) and returns; one sender thread moves the buffer to the topic
 * and takes an event off it once Kafka acknowledged it (acks=all, idempotent producer), so a
 * sync never waits on Kafka and an event is lost only to an overflowing buffer or a shutdown.
 *
 * <p>Each record: key the mirror name (one mirror's events stay in order), value the event's
 * JSON ({@link SyncEvent#toJson}), header {@value #SIGNATURE} the fleet secret's signature of the
 * value ({@link HookSignatures#sign}, read at every send, so a rotated secret needs no restart)
 * and header {@value #INSTANCE} this gateway's {@link InstanceId}, so its own consumer skips it.
 *
 * <p>Failures, each logged once when it starts and once when it ends, never stopping anything:
 * <ul>
 *   <li>Kafka unreachable (down, unknown names, at start or later): events stay buffered and the
 *       sender tries again, from half a second up to every 2 s; past the bound the oldest are
 *       dropped (counted); when Kafka answers, the buffer is sent and that is logged.
 *   <li>The topic missing (never created, deleted): the sender creates it ({@link KafkaTopic});
 *       when it may not, it says so and keeps trying.
 *   <li>The secret unreadable: events wait, as for an outage.
 * </ul>
 * Thread-safe; {@link #start} once, {@link #close} within about 5 s.
 */
public final class KafkaFanOut implements FanOut, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(KafkaFanOut.class);
  /** Record header: the fleet secret's signature of the value. */
  public static final String SIGNATURE = "gitedge-signature";
  /** Record header: the instance that published the event. */
  public static final String INSTANCE = "gitedge-instance";
  /** Events waiting to be sent, at most; past it the oldest are dropped. */
  public static final int MAX_BUFFERED = 10_000;
  private static final int BATCH = 500;
  private static final Duration BACKOFF_MIN = Duration.ofMillis(500);
  private static final Duration BACKOFF_MAX = Duration.ofSeconds(2);
  private static final Duration CLOSE_DRAIN = Duration.ofSeconds(2);
  /** Kafka's default largest request is 1 MiB; an event's value stays well below it. */
  private static final int MAX_RECORD_VALUE = 512 << 10;

  private final KafkaClients clients;
  private final PeerSecret secret;
  private final String instanceId;
  private final Clock clock;
  private final Consumer<String> outcomes;
  private final Thread sender;

  private final Object lock = new Object();
  private final ArrayDeque<SyncEvent> buffer = new ArrayDeque<>(); // guarded by lock
  private boolean closing; // guarded by lock
  private boolean full; // guarded by lock: the buffer overflowed since Kafka last answered
  private long dropped; // guarded by lock: dropped since Kafka last answered

  // the sender thread's own state
  private final KafkaTopic topic;
  private KafkaProducer<byte[], byte[]> producer;
  private Optional<KafkaTrouble.Kind> trouble = Optional.empty();
  private KafkaTrouble.Kind lastTrouble;
  private boolean draining;
  private long drained;
  private boolean probe = true; // ask Kafka about the topic before waiting for events

  /**
   * @param outcomes told the outcome of every event ({@code sent}, {@code dropped}), for the
   *     metrics
   */
  public KafkaFanOut(KafkaClients clients, PeerSecret secret, String instanceId, Clock clock,
      Consumer<String> outcomes) {
    this.clients = clients;
    this.secret = secret;
    this.instanceId = instanceId;
    this.clock = clock;
    this.outcomes = outcomes;
    this.topic = new KafkaTopic(clients);
    this.sender = new Thread(this::run, "gitedge-kafka-publisher");
    sender.setDaemon(true);
  }

  /** Starts the sender: it checks the topic (creating it if missing) and sends what comes. */
  public void start() {
    sender.start();
  }

  @Override
  public void publish(SyncEvent event) {
    synchronized (lock) {
      if (buffer.size() >= MAX_BUFFERED) {
        buffer.pollFirst();
        dropped++;
        outcomes.accept("dropped");
        if (!full) {
          full = true;
          log.warn("Kafka event buffer full ({} events): dropping the oldest until {} answers;"
              + " the other gateways' schedules catch up with what they miss", MAX_BUFFERED,
              clients.servers());
        }
      }
      buffer.addLast(event);
      lock.notifyAll();
    }
  }

  /** Events waiting to be sent. */
  public int buffered() {
    synchronized (lock) {
      return buffer.size();
    }
  }

  private void run() {
    Duration backoff = BACKOFF_MIN;
    long closeBy = Long.MAX_VALUE;
    try {
      while (true) {
        List<SyncEvent> batch;
        synchronized (lock) {
          while (buffer.isEmpty() && !closing && trouble.isEmpty() && !probe) {
            lock.wait();
          }
          if (closing) {
            closeBy = Math.min(closeBy, System.nanoTime() + CLOSE_DRAIN.toNanos());
            if (buffer.isEmpty() || trouble.isPresent() || System.nanoTime() > closeBy) {
              return;
            }
          }
          batch = new ArrayList<>(buffer.stream().limit(BATCH).toList());
        }
        try {
          topic.ensure();
          probe = false;
          answered(send(batch));
          backoff = BACKOFF_MIN;
        } catch (KafkaTrouble t) {
          troubled(t);
          closeProducer();
          topic.forget(); // the next attempt asks Kafka first: a probe even with nothing to send
          synchronized (lock) {
            if (!closing) {
              lock.wait(backoff.toMillis());
            }
          }
          backoff = backoff.multipliedBy(2).compareTo(BACKOFF_MAX) > 0 ? BACKOFF_MAX
              : backoff.multipliedBy(2);
        }
      }
    } catch (InterruptedException | InterruptException e) {
      Thread.currentThread().interrupt();
    } finally {
      closeProducer();
      topic.close();
    }
  }

  /**
   * Sends {@code batch}, takes off the buffer what Kafka acknowledged, and returns how many
   * that was.
   */
  private int send(List<SyncEvent> batch) throws KafkaTrouble, InterruptedException {
    if (batch.isEmpty()) {
      return 0;
    }
    byte[] key = secret.read().orElseThrow(() -> new KafkaTrouble(KafkaTrouble.Kind.SECRET,
        "events cannot be signed: the fleet's secret (events.kafka.secretFile) is unreadable or"
            + " empty"));
    if (producer == null) {
      try {
        producer = clients.producer();
      } catch (KafkaException e) {
        throw KafkaTrouble.unreachable(clients.servers(), e);
      }
    }
    List<Future<RecordMetadata>> sent = new ArrayList<>();
    Throwable failure = null;
    for (SyncEvent e : batch) {
      byte[] value = e.toJson();
      if (value.length > MAX_RECORD_VALUE) {
        // too many tips for a default-sized Kafka record: the event just says "sync"
        value = new SyncEvent(e.id(), e.origin(), e.mirror(), Map.of()).toJson();
      }
      ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(clients.topic(), null,
          e.mirror().value().getBytes(StandardCharsets.UTF_8), value, List.of(
              new RecordHeader(SIGNATURE, HookSignatures.sign(value, key, clock.instant())
                  .getBytes(StandardCharsets.US_ASCII)),
              new RecordHeader(INSTANCE, instanceId.getBytes(StandardCharsets.US_ASCII))));
      try {
        sent.add(producer.send(record));
      } catch (InterruptException ex) {
        throw ex;
      } catch (KafkaException ex) {
        failure = ex; // no metadata in time: nothing after this one would fare better
        break;
      }
    }
    Set<SyncEvent> acked = Collections.newSetFromMap(new IdentityHashMap<>());
    for (int i = 0; i < sent.size(); i++) {
      try {
        sent.get(i).get();
        acked.add(batch.get(i));
      } catch (ExecutionException ex) {
        failure = failure == null ? ex.getCause() : failure;
      }
    }
    synchronized (lock) {
      buffer.removeIf(acked::contains);
    }
    acked.forEach(e -> outcomes.accept("sent"));
    if (failure != null) {
      if (!acked.isEmpty()) {
        answered(acked.size());
      }
      throw topic.diagnose(failure);
    }
    return acked.size();
  }

  /** Logs the start of a trouble, or a change to another kind, once. */
  private void troubled(KafkaTrouble t) {
    if (trouble.equals(Optional.of(t.kind))) {
      return;
    }
    trouble = Optional.of(t.kind);
    lastTrouble = t.kind;
    draining = false;
    if (t.announced) {
      return;
    }
    log.warn("Kafka {}; buffering {} events (at most {}) and retrying", t.getMessage(),
        buffered(), MAX_BUFFERED);
  }

  /**
   * Kafka took {@code acked} events (or nothing was waiting): logs the end of a trouble once
   * the buffer is drained.
   */
  private void answered(int acked) {
    if (trouble.isPresent()) {
      trouble = Optional.empty();
      draining = true;
      drained = 0;
    }
    drained += acked;
    long lost;
    synchronized (lock) {
      if (!draining || !buffer.isEmpty()) {
        return;
      }
      lost = dropped;
      dropped = 0;
      full = false;
    }
    draining = false;
    log.info("Kafka {} at {}; sent {} events buffered meanwhile ({} dropped)",
        lastTrouble == KafkaTrouble.Kind.UNREACHABLE ? "reachable again" : "takes events again",
        clients.servers(), drained, lost);
  }

  private void closeProducer() {
    if (producer != null) {
      producer.close(Duration.ZERO);
      producer = null;
    }
  }

  /**
   * Stops the sender: what is buffered gets up to 2 s to reach a reachable Kafka, and what is
   * left then is dropped (logged and counted).
   */
  @Override
  public void close() {
    synchronized (lock) {
      closing = true;
      lock.notifyAll();
    }
    try {
      if (sender.isAlive()) {
        sender.join(CLOSE_DRAIN.plusSeconds(2).toMillis());
        if (sender.isAlive()) {
          sender.interrupt();
          sender.join(2_000);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    int left;
    synchronized (lock) {
      left = buffer.size();
      buffer.clear();
    }
    if (left > 0) {
      for (int i = 0; i < left; i++) {
        outcomes.accept("dropped");
      }
      log.warn("shutting down with {} sync {} not sent to Kafka at {}; the other gateways'"
          + " schedules catch up", left, left == 1 ? "event" : "events", clients.servers());
    }
  }
}
