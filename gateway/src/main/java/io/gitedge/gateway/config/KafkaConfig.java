package io.gitedge.gateway.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The fleet's sync events over Kafka: one topic every gateway of every region publishes its
 * changed mirrors to and reads the others' from ({@code events.kafka}). Immutable.
 *
 * @param bootstrapServers {@code host:port} of brokers to start from; not resolved or
 *     contacted while the config is read (a broker down at start is an outage, not a config
 *     error)
 * @param topic the topic, the same for the whole fleet
 * @param secretFile the secret the fleet shares: every event is signed with it, and events not
 *     signed with it are ignored
 * @param groupId this gateway's consumer group; empty for the default,
 *     {@code gitedge-<region>-<instance id>}, one group per gateway instance
 * @param properties Kafka client settings (TLS, SASL, timeouts...) passed to the producer,
 *     consumer and admin clients as they are, by Kafka's own names
 */
public record KafkaConfig(List<String> bootstrapServers, String topic, Path secretFile,
    Optional<String> groupId, Map<String, String> properties) {
  /** The topic without a {@code topic} key. */
  public static final String DEFAULT_TOPIC = "gitedge-events";

  public KafkaConfig {
    bootstrapServers = List.copyOf(bootstrapServers);
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(secretFile, "secretFile");
    Objects.requireNonNull(groupId, "groupId");
    properties = Map.copyOf(properties);
  }
}
