package io.gitedge.gateway.events;

import io.gitedge.gateway.config.KafkaConfig;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The settings of the gateway's three Kafka clients (producer, consumer, admin): the gateway's
 * defaults, then the operator's {@code properties} over them, then what the gateway must decide
 * itself (servers, group, serializers, offsets). Timeouts are short so that an outage is noticed
 * and reported within seconds; the producer is idempotent and waits for all replicas.
 * Immutable; building a client contacts nothing, but resolves the bootstrap names (and fails
 * while none resolves: callers treat that as an outage).
 */
public final class KafkaClients {
  private final KafkaConfig config;
  private final String instanceId;
  private final String groupId;
  private final String clientId;

  /**
   * @param region this gateway's region
   * @param instanceId this gateway instance's {@link InstanceId}: with the region, it names the
   *     default consumer group and the clients ({@code gitedge-<region>-<id>}) in the brokers'
   *     logs and quotas
   */
  public KafkaClients(KafkaConfig config, String region, String instanceId) {
    this.config = config;
    this.instanceId = instanceId;
    this.clientId = "gitedge-" + region + "-" + instanceId;
    this.groupId = config.groupId().orElse(clientId);
  }

  public String instanceId() {
    return instanceId;
  }

  public String topic() {
    return config.topic();
  }

  public String groupId() {
    return groupId;
  }

  /** The bootstrap servers, comma-separated, for log lines. */
  public String servers() {
    return String.join(",", config.bootstrapServers());
  }

  /**
   * Checks every client's settings together (a property that conflicts with another, such as
   * {@code acks=1} with {@code enable.idempotence=true}), without contacting anything.
   *
   * @throws KafkaException naming the setting that cannot be used
   */
  public void validate() {
    new ProducerConfig(producerSettings());
    new ConsumerConfig(consumerSettings());
    new AdminClientConfig(adminSettings());
  }

  KafkaProducer<byte[], byte[]> producer() {
    return new KafkaProducer<>(producerSettings());
  }

  KafkaConsumer<byte[], byte[]> consumer() {
    return new KafkaConsumer<>(consumerSettings());
  }

  /** A new admin client with these settings (the caller closes it). */
  public Admin admin() {
    return Admin.create(adminSettings());
  }

  private Map<String, Object> producerSettings() {
    Map<String, Object> p = new HashMap<>();
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    // only the gateway's own sender thread ever waits on these, never a sync
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000);
    p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 3_000);
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 8_000);
    Map<String, Object> all = common(p, clientId + "-publisher", ProducerConfig.configNames());
    all.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    all.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    return all;
  }

  private Map<String, Object> consumerSettings() {
    Map<String, Object> c = new HashMap<>();
    c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 500);
    c.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
    // a fetch lost in a network partition is given up after 10 s rather than Kafka's 30 s, so
    // a region reads on soon after the link heals (a property of the operator's overrides it)
    c.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    Map<String, Object> all = common(c, clientId + "-consumer", ConsumerConfig.configNames());
    all.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
    all.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    all.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    all.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    // where to start is decided by KafkaEventConsumer: the end for a new group, else where it
    // stopped; never silently skipped
    all.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
    return all;
  }

  private Map<String, Object> adminSettings() {
    Map<String, Object> a = new HashMap<>();
    a.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3_000);
    a.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000);
    return common(a, clientId + "-admin", AdminClientConfig.configNames());
  }

  /**
   * The defaults in {@code defaults}, the operator's properties over them (those a client does
   * not know are left out of it), then the servers and client id.
   */
  private Map<String, Object> common(Map<String, Object> defaults, String client,
      Set<String> known) {
    Map<String, Object> all = new HashMap<>(defaults);
    all.put(CommonClientConfigs.RECONNECT_BACKOFF_MAX_MS_CONFIG, 2_000);
    config.properties().forEach((k, v) -> {
      if (known.contains(k)) {
        all.put(k, v);
      }
    });
    all.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, servers());
    all.putIfAbsent(CommonClientConfigs.CLIENT_ID_CONFIG, client);
    return all;
  }
}
