package io.gitedge.sync;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.gitedge.store.MirrorName;
import io.gitedge.store.TagPins;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;

/**
 * The tags other regions serve, as their {@link SyncEvent}s list them: the first commit heard
 * for a tag stays (later events cannot move it), for an hour, which is far longer than a push
 * takes to reach every region. {@link IncomingEvents} records each event before it syncs, so the
 * sync an event causes creates its tags at the commits the event's region serves, even when the
 * upstream moved them in between. Thread-safe.
 */
public final class HeardTagPins implements TagPins {
  private static final Duration KEPT = Duration.ofHours(1);
  private final Cache<MirrorName, Map<String, ObjectId>> heard = Caffeine.newBuilder()
      .maximumSize(100_000).expireAfterWrite(KEPT).build();

  /** Records the tags {@code event} lists that were not heard of before. */
  public void record(SyncEvent event) {
    Map<String, ObjectId> tags = heard.get(event.mirror(), n -> new ConcurrentHashMap<>());
    event.tips().forEach((ref, id) -> {
      if (ref.startsWith(Constants.R_TAGS) && ObjectId.isId(id)) {
        tags.putIfAbsent(ref, ObjectId.fromString(id));
      }
    });
  }

  @Override
  public Map<String, ObjectId> of(MirrorName name) {
    Map<String, ObjectId> tags = heard.getIfPresent(name);
    return tags == null ? Map.of() : Map.copyOf(tags);
  }
}
