package io.gitedge.gateway.config;

import java.util.Objects;
import java.util.Optional;

/**
 * How this gateway exchanges sync events with the rest of the fleet beyond HTTP peers
 * ({@link PeersConfig}): the {@code events:} section. Immutable.
 *
 * @param kafka the fleet's Kafka topic, if events go over Kafka
 */
public record EventsConfig(Optional<KafkaConfig> kafka) {
  /** No {@code events:} section: HTTP peers, if any, are the only transport. */
  public static final EventsConfig NONE = new EventsConfig(Optional.empty());

  public EventsConfig {
    Objects.requireNonNull(kafka, "kafka");
  }
}
