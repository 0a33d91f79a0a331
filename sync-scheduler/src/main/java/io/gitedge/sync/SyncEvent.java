package io.gitedge.sync;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gitedge.store.InvalidMirrorNameException;
import io.gitedge.store.MirrorName;
import java.io.IOException;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * "This mirror changed": what one gateway tells the others after a sync, whatever carries it
 * (HTTP peers, a message bus). Its JSON form is
 * {@code {"id": "<uuid>", "origin": "<region>", "mirror": "<name>", "refs": {"<ref>": "<id>"}}};
 * {@code refs} may be empty (too many to list), which means "sync, whatever you have". Immutable.
 *
 * @param id unique per event, so a receiver takes each once however often it arrives
 * @param origin the region whose sync this was
 * @param mirror the mirror that changed
 * @param tips the branch and tag tips it had after the sync, by ref name
 */
public record SyncEvent(String id, String origin, MirrorName mirror, Map<String, String> tips) {
  /** The largest encoded event a receiver takes. */
  public static final int MAX_BYTES = 1 << 20;

  private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(8)
          .maxStringLength(MAX_BYTES).build())
      .build());

  public SyncEvent {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(origin, "origin");
    Objects.requireNonNull(mirror, "mirror");
    tips = Map.copyOf(tips);
  }

  /** The JSON form; without the tips when listing them would pass {@link #MAX_BYTES}. */
  public byte[] toJson() {
    try {
      ObjectNode e = JSON.createObjectNode();
      e.put("id", id);
      e.put("origin", origin);
      e.put("mirror", mirror.value());
      ObjectNode refs = e.putObject("refs");
      new TreeMap<>(tips).forEach(refs::put);
      byte[] body = JSON.writeValueAsBytes(e);
      if (body.length > MAX_BYTES) {
        e.putObject("refs"); // too many tips for a receiver to take: the event just says "sync"
        body = JSON.writeValueAsBytes(e);
      }
      return body;
    } catch (IOException e) {
      throw new IllegalStateException("cannot write JSON", e);
    }
  }

  /**
   * Reads the JSON form.
   *
   * @throws IOException when {@code json} is not an event (malformed, no valid mirror name)
   */
  public static SyncEvent fromJson(byte[] json) throws IOException {
    JsonNode e = JSON.readTree(json);
    if (e == null || !e.isObject()) {
      throw new IOException("not a JSON object");
    }
    MirrorName name;
    try {
      name = MirrorName.parse(e.path("mirror").asText());
    } catch (InvalidMirrorNameException ex) {
      throw new IOException("no valid mirror name: " + ex.getMessage(), ex);
    }
    Map<String, String> tips = new TreeMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = e.path("refs").fields(); it.hasNext();) {
      Map.Entry<String, JsonNode> r = it.next();
      tips.put(r.getKey(), r.getValue().asText());
    }
    return new SyncEvent(e.path("id").asText(""), e.path("origin").asText("?"), name, tips);
  }
}
