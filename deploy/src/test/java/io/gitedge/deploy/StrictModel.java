package io.gitedge.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads Kubernetes manifests into Kubernetes' own API types (fabric8's, generated from the API
 * server's OpenAPI schema), as strictly as the API server does: a wrong type fails to read, and
 * a field the schema does not have, which the types keep aside in their
 * {@code additionalProperties} instead of refusing, is reported with its path.
 */
final class StrictModel {
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private StrictModel() {}

  /** Every document of a multi-document YAML file, as trees. */
  static List<JsonNode> documents(Path file) throws IOException {
    List<JsonNode> docs = new ArrayList<>();
    try (var it = YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
      while (it.hasNext()) {
        JsonNode d = (JsonNode) it.next();
        if (d != null && !d.isNull() && !d.isMissingNode()) {
          docs.add(d);
        }
      }
    }
    return docs;
  }

  /** {@code doc} as {@code type}, or an error naming every field the schema does not know. */
  static <T> T read(JsonNode doc, Class<T> type) throws IOException {
    T value = YAML.treeToValue(doc, type);
    List<String> unknown = new ArrayList<>();
    walk(value, doc.path("kind").asText() + " " + doc.path("metadata").path("name").asText(),
        unknown);
    if (!unknown.isEmpty()) {
      throw new AssertionError("fields the Kubernetes API does not have: " + unknown);
    }
    return value;
  }

  private static void walk(Object value, String path, List<String> unknown) {
    if (value instanceof Map<?, ?> map) {
      map.forEach((k, v) -> walk(v, path + "." + k, unknown));
      return;
    }
    if (value instanceof List<?> list) {
      for (int i = 0; i < list.size(); i++) {
        walk(list.get(i), path + "[" + i + "]", unknown);
      }
      return;
    }
    if (value == null || !value.getClass().getName().startsWith("io.fabric8.")) {
      return;
    }
    for (Method m : value.getClass().getMethods()) {
      if (m.getParameterCount() != 0 || !m.getName().startsWith("get")
          || Modifier.isStatic(m.getModifiers()) || m.getDeclaringClass() == Object.class) {
        continue;
      }
      Object field;
      try {
        field = m.invoke(value);
      } catch (IllegalAccessException | InvocationTargetException e) {
        continue; // not a field of the schema (e.g. a helper that needs a state it lacks)
      }
      String name = Character.toLowerCase(m.getName().charAt(3)) + m.getName().substring(4);
      if (name.equals("additionalProperties")) {
        if (field instanceof Map<?, ?> extra && !extra.isEmpty()) {
          extra.keySet().forEach(k -> unknown.add(path + "." + k));
        }
      } else {
        walk(field, path + "." + name, unknown);
      }
    }
  }
}
