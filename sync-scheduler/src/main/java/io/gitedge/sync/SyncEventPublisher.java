package io.gitedge.sync;

import io.gitedge.store.Mirror;
import io.gitedge.store.MirrorStore;
import io.gitedge.store.SyncResult;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.Ref;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes a {@link SyncEvent} for each sync the other regions should repeat: one a webhook
 * asked for that succeeded. Syncs another region's event asked for are not published again, so
 * events never loop; scheduled syncs are not published, since every region has its own schedule.
 * The event lists the mirror's branch and tag tips (up to {@value #MAX_TIPS}), so a region that
 * has them already need not ask its upstream. Thread-safe.
 */
public final class SyncEventPublisher implements SyncListener {
  private static final Logger log = LoggerFactory.getLogger(SyncEventPublisher.class);
  /** Events list at most this many tips; a bigger mirror's event just says "sync". */
  static final int MAX_TIPS = 10_000;

  private final String region;
  private final MirrorStore store;
  private final FanOut fanOut;

  /** @param region this gateway's region, the events' origin */
  public SyncEventPublisher(String region, MirrorStore store, FanOut fanOut) {
    this.region = region;
    this.store = store;
    this.fanOut = fanOut;
  }

  @Override
  public void onSync(SyncResult result, Set<Trigger> triggers) {
    if (!result.succeeded() || !triggers.contains(Trigger.WEBHOOK)) {
      return;
    }
    try {
      fanOut.publish(new SyncEvent(UUID.randomUUID().toString(), region, result.name(),
          tips(result)));
    } catch (IOException e) {
      log.warn("cannot describe the sync of {} for the other regions", result.name(), e);
    }
  }

  private Map<String, String> tips(SyncResult result) throws IOException {
    Map<String, String> tips = new TreeMap<>();
    Optional<Mirror> m = store.find(result.name());
    if (m.isPresent()) {
      var refs = m.get().repository().getRefDatabase().getRefsByPrefix(Constants.R_HEADS,
          Constants.R_TAGS);
      if (refs.size() <= MAX_TIPS) {
        for (Ref r : refs) {
          tips.put(r.getName(), r.getObjectId().name());
        }
      }
    }
    return tips;
  }
}
