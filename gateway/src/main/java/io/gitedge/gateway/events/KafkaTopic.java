package io.gitedge.gateway.events;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fleet's topic as {@link KafkaFanOut} sees it, through Kafka's admin API: checked once per
 * connection, created when missing (with the cluster's default partitions and replication; the
 * gateway's principal needs {@code CREATE} on the topic or cluster), and asked about when a send
 * fails, to tell an unreachable Kafka from a deleted topic. Not thread-safe: the sender thread's.
 */
final class KafkaTopic implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(KafkaTopic.class);
  private static final Duration ADMIN_WAIT = Duration.ofSeconds(6);

  private final KafkaClients clients;
  private Admin admin;
  private boolean seen;
  private boolean everSeen;
  private boolean missingSaid; // logged that it is missing, since it was last seen

  KafkaTopic(KafkaClients clients) {
    this.clients = clients;
  }

  /**
   * Makes sure the topic exists (asking Kafka unless it did since the last failure), creating it
   * when it is missing.
   *
   * @return whether it had to be created
   * @throws KafkaTrouble when Kafka does not answer, refuses, or will not create the topic
   */
  boolean ensure() throws KafkaTrouble, InterruptedException {
    if (seen) {
      return false;
    }
    try {
      admin().describeTopics(Set.of(clients.topic())).allTopicNames()
          .get(ADMIN_WAIT.toMillis(), TimeUnit.MILLISECONDS);
      seen = true;
      everSeen = true;
      missingSaid = false;
      return false;
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
        throw fromAdmin(e.getCause());
      }
    } catch (TimeoutException e) {
      throw KafkaTrouble.unreachable(clients.servers(), e);
    }
    if (!missingSaid) { // once, not at every retry while it cannot be created
      if (everSeen) {
        log.warn("Kafka topic {} is gone from {} (deleted?); creating it again",
            clients.topic(), clients.servers());
      } else {
        log.info("Kafka topic {} does not exist on {} yet; creating it", clients.topic(),
            clients.servers());
      }
      missingSaid = true;
    }
    try {
      admin().createTopics(List.of(new NewTopic(clients.topic(), Optional.empty(),
          Optional.empty()))).all().get(ADMIN_WAIT.toMillis(), TimeUnit.MILLISECONDS);
      log.info("created Kafka topic {} on {} (the cluster's default partitions and"
          + " replication)", clients.topic(), clients.servers());
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw new KafkaTrouble(KafkaTrouble.Kind.TOPIC, "at " + clients.servers()
            + " has no topic " + clients.topic() + " and this gateway cannot create it ("
            + KafkaTrouble.rootMessage(e) + "): create it on the cluster");
      }
    } catch (TimeoutException e) {
      throw KafkaTrouble.unreachable(clients.servers(), e);
    }
    seen = true;
    everSeen = true;
    missingSaid = false;
    return true;
  }

  /**
   * Why a send failed: refused; the topic gone (created again on the way, and said so); Kafka
   * unreachable (its admin API does not answer either); or else a failure of brokers that do
   * answer (a topic just created whose partitions have no leader yet, too few replicas in sync).
   */
  KafkaTrouble diagnose(Throwable failure) throws InterruptedException {
    if (failure instanceof AuthorizationException || failure instanceof AuthenticationException) {
      return KafkaTrouble.refused(clients.servers(), failure);
    }
    seen = false;
    try {
      if (ensure()) {
        return new KafkaTrouble(KafkaTrouble.Kind.TOPIC, "had no topic " + clients.topic(),
            true);
      }
    } catch (KafkaTrouble t) {
      return t;
    }
    return new KafkaTrouble(KafkaTrouble.Kind.FAILED, "at " + clients.servers()
        + " did not take events (" + KafkaTrouble.rootMessage(failure) + ")");
  }

  /** Asks Kafka again at the next {@link #ensure}: after an outage, whatever it was. */
  void forget() {
    seen = false;
  }

  private KafkaTrouble fromAdmin(Throwable cause) {
    if (cause instanceof AuthorizationException || cause instanceof AuthenticationException) {
      return KafkaTrouble.refused(clients.servers(), cause);
    }
    return KafkaTrouble.unreachable(clients.servers(), cause);
  }

  private Admin admin() throws KafkaTrouble {
    if (admin == null) {
      try {
        admin = clients.admin();
      } catch (KafkaException e) {
        throw KafkaTrouble.unreachable(clients.servers(), e);
      }
    }
    return admin;
  }

  @Override
  public void close() {
    if (admin != null) {
      admin.close(Duration.ofSeconds(1));
      admin = null;
    }
  }
}
