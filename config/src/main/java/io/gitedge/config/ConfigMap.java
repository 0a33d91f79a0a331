package io.gitedge.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;

/**
 * A YAML mapping read strictly: every key a loader asks for is marked as known, and
 * {@link #finish()} rejects whatever is left, naming the line of the unknown key and the closest
 * known one. A typo in a config file therefore stops the process instead of being ignored.
 *
 * <p>Not thread-safe; meant to be used by one loader and then dropped.
 */
public final class ConfigMap {
  private final ConfigNode self;
  private final Map<String, ConfigNode> entries = new LinkedHashMap<>();
  private final Map<String, ConfigNode> keyNodes = new LinkedHashMap<>();
  private final Set<String> known = new HashSet<>();

  ConfigMap(ConfigNode self, List<NodeTuple> tuples) throws ConfigException {
    this.self = self;
    for (NodeTuple t : tuples) {
      String prefix = self.path().isEmpty() ? "" : self.path() + ".";
      ConfigNode keyNode = self.child(self.path(), t.getKeyNode());
      if (!(t.getKeyNode() instanceof ScalarNode k)) {
        throw keyNode.error("keys must be plain names");
      }
      String key = k.getValue();
      if (entries.containsKey(key)) {
        throw self.child(prefix + key, t.getKeyNode()).error("duplicate key");
      }
      entries.put(key, self.child(prefix + key, t.getValueNode()));
      keyNodes.put(key, self.child(prefix + key, t.getKeyNode()));
    }
  }

  /** The node of the mapping itself, for errors about the mapping as a whole. */
  public ConfigNode node() {
    return self;
  }

  /** The value under {@code key}, if present and not null. Marks the key as known. */
  public Optional<ConfigNode> get(String key) {
    known.add(key);
    ConfigNode n = entries.get(key);
    return n == null || n.isNull() ? Optional.empty() : Optional.of(n);
  }

  /**
   * The value under {@code key} converted by {@code conversion} (such as
   * {@code ConfigNode::asDuration}), if present and not null. Marks the key as known.
   */
  public <T> Optional<T> get(String key, Conversion<T> conversion) throws ConfigException {
    Optional<ConfigNode> value = get(key);
    return value.isPresent() ? Optional.of(conversion.convert(value.get())) : Optional.empty();
  }

  /**
   * The value under {@code key} converted by {@code conversion}, or {@code fallback} when the key
   * is absent or null. Marks the key as known.
   */
  public <T> T getOrDefault(String key, Conversion<T> conversion, T fallback)
      throws ConfigException {
    return get(key, conversion).orElse(fallback);
  }

  /** The value under {@code key}, which must be present and not null. */
  public ConfigNode require(String key) throws ConfigException {
    Optional<ConfigNode> n = get(key);
    if (n.isEmpty()) {
      String path = self.path().isEmpty() ? key : self.path() + "." + key;
      ConfigNode present = entries.get(key);
      throw new ConfigException(self.file(), present != null ? present.line() : self.line(), path,
          present != null ? "a value is required" : "missing (required)");
    }
    return n.get();
  }

  /** The list under {@code key}; empty when the key is absent or null. */
  public List<ConfigNode> list(String key) throws ConfigException {
    Optional<ConfigNode> n = get(key);
    return n.isPresent() ? n.get().asList() : List.of();
  }

  /** The keys in document order, for maps whose keys are data (such as user names). */
  public List<String> keys() {
    known.addAll(entries.keySet());
    return List.copyOf(entries.keySet());
  }

  /** Whether {@code key} is present, even with a null value. */
  public boolean has(String key) {
    known.add(key);
    return entries.containsKey(key);
  }

  /**
   * Rejects any key no loader asked for.
   *
   * @throws ConfigException naming the first unknown key, its line, and the nearest known key
   */
  public void finish() throws ConfigException {
    for (Map.Entry<String, ConfigNode> e : keyNodes.entrySet()) {
      if (!known.contains(e.getKey())) {
        String hint = nearest(e.getKey()).map(k -> " (did you mean " + k + "?)").orElse("");
        List<String> sorted = new ArrayList<>(known);
        sorted.sort(Comparator.naturalOrder());
        throw e.getValue().error("unknown key" + hint + "; known keys here: "
            + String.join(", ", sorted));
      }
    }
  }

  /**
   * Turns one value into a typed one, or throws a {@link ConfigException} located at it; the
   * {@code as...} methods of {@link ConfigNode} are conversions.
   *
   * @param <T> the type of the converted value
   */
  @FunctionalInterface
  public interface Conversion<T> {
    /** The value of {@code node} as a {@code T}. */
    T convert(ConfigNode node) throws ConfigException;
  }

  private Optional<String> nearest(String key) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String k : known) {
      int d = distance(key.toLowerCase(), k.toLowerCase());
      if (d < bestDistance) {
        bestDistance = d;
        best = k;
      }
    }
    return bestDistance <= Math.max(2, key.length() / 3) ? Optional.ofNullable(best)
        : Optional.empty();
  }

  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
