package io.gitedge.gateway.config;

import io.gitedge.config.ConfigException;
import io.gitedge.config.ConfigMap;
import io.gitedge.config.ConfigNode;

/** Reads the {@code events:} section into {@link EventsConfig}. */
final class EventsConfigReader {
  private EventsConfigReader() {}

  static EventsConfig read(ConfigNode section) throws ConfigException {
    if (section.isList() || section.isScalar()) {
      throw section.error("expected a mapping with kafka (the fleet's topic), e.g."
          + " events: {kafka: {bootstrapServers: \"k1:9092\", secretFile: fleet.secret}}");
    }
    ConfigMap keys = section.asMap();
    EventsConfig events = new EventsConfig(keys.get("kafka", KafkaConfigReader::read));
    keys.finish();
    return events;
  }
}
