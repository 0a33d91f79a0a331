package io.gitedge.gateway.config;

import io.gitedge.config.ConfigException;
import io.gitedge.config.ConfigMap;
import io.gitedge.config.ConfigNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;

/**
 * Reads {@code events.kafka} into {@link KafkaConfig}. Nothing is resolved or contacted here:
 * brokers that are down or unknown at start are an outage the gateway rides out, not a config
 * error. Each of {@code properties} must be a setting of Kafka's producer, consumer or admin
 * client with a value that client accepts (checked with Kafka's own definitions), and none may
 * be one the gateway sets itself.
 */
final class KafkaConfigReader {
  private static final Pattern HOST_PORT =
      Pattern.compile("(\\[[0-9a-fA-F:.]+]|[A-Za-z0-9._-]+):(\\d{1,5})");
  /** Kafka's rule for topic names. */
  private static final Pattern TOPIC = Pattern.compile("[A-Za-z0-9._-]{1,249}");
  /** Client settings the gateway decides, and the key of this file that sets them if any. */
  private static final Map<String, String> RESERVED = Map.of(
      "bootstrap.servers", "set bootstrapServers instead",
      "group.id", "set groupId instead",
      "key.serializer", "the gateway writes its events itself",
      "value.serializer", "the gateway writes its events itself",
      "key.deserializer", "the gateway reads its events itself",
      "value.deserializer", "the gateway reads its events itself",
      "enable.auto.commit", "the gateway commits an event's offset once it has taken the event",
      "auto.offset.reset", "a new gateway starts at the end of the topic (it syncs everything"
          + " at start anyway); a known one where it stopped");
  private static final List<ConfigDef> CLIENTS = List.of(ProducerConfig.configDef(),
      ConsumerConfig.configDef(), AdminClientConfig.configDef());

  private KafkaConfigReader() {}

  static KafkaConfig read(ConfigNode section) throws ConfigException {
    if (section.isList() || section.isScalar()) {
      throw section.error("expected a mapping: bootstrapServers, secretFile, and optionally"
          + " topic, groupId and properties");
    }
    ConfigMap keys = section.asMap();
    KafkaConfig kafka = new KafkaConfig(bootstrapServers(keys.require("bootstrapServers")),
        keys.getOrDefault("topic", KafkaConfigReader::topic, KafkaConfig.DEFAULT_TOPIC),
        keys.require("secretFile").asExistingFile(),
        keys.get("groupId", ConfigNode::asNonBlankString),
        keys.getOrDefault("properties", KafkaConfigReader::properties, Map.of()));
    keys.finish();
    return kafka;
  }

  /** {@code "k1:9092,k2:9092"} or a list of {@code host:port}. */
  private static List<String> bootstrapServers(ConfigNode node) throws ConfigException {
    List<String> servers = new ArrayList<>();
    if (node.isList()) {
      for (ConfigNode n : node.asList()) {
        servers.add(hostPort(n, n.asString().strip()));
      }
    } else {
      for (String s : node.asString().split(",")) {
        servers.add(hostPort(node, s.strip()));
      }
    }
    if (servers.isEmpty()) {
      throw node.error("expected host:port of at least one broker, e.g. \"k1:9092,k2:9092\"");
    }
    return servers;
  }

  private static String hostPort(ConfigNode node, String text) throws ConfigException {
    var m = HOST_PORT.matcher(text);
    if (!m.matches() || Integer.parseInt(m.group(2)) < 1
        || Integer.parseInt(m.group(2)) > 65535) {
      throw node.error("expected host:port of each broker (port 1 to 65535), e.g."
          + " \"k1:9092,k2:9092\", got \"" + text + "\"");
    }
    return text;
  }

  private static String topic(ConfigNode node) throws ConfigException {
    String t = node.asString();
    if (!TOPIC.matcher(t).matches() || t.equals(".") || t.equals("..")) {
      throw node.error("a Kafka topic name is 1 to 249 letters, digits, '.', '_' and '-', got \""
          + t + "\"");
    }
    return t;
  }

  private static Map<String, String> properties(ConfigNode node) throws ConfigException {
    Map<String, String> props = new LinkedHashMap<>();
    ConfigMap map = node.asMap();
    for (String key : map.keys()) {
      ConfigNode value = map.require(key);
      String why = RESERVED.get(key);
      if (why != null) {
        throw value.error("set by the gateway: " + why);
      }
      String text = value.asString();
      Optional<ConfigDef.ConfigKey> def = CLIENTS.stream()
          .map(c -> c.configKeys().get(key)).filter(k -> k != null).findFirst();
      if (def.isEmpty()) {
        throw value.error("not a setting of Kafka's producer, consumer or admin client");
      }
      try {
        Object parsed = ConfigDef.parseType(key, text, def.get().type);
        if (def.get().validator != null) {
          def.get().validator.ensureValid(key, parsed);
        }
      } catch (org.apache.kafka.common.config.ConfigException e) {
        throw value.error(e.getMessage());
      }
      props.put(key, text);
    }
    return props;
  }
}
