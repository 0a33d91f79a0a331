package io.gitedge.store;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.jgit.lib.ObjectId;

/**
 * The branches and tags an upstream has now, listed the way a sync lists them (one ref
 * advertisement, {@code git ls-remote}, with the upstream's credentials and nothing of the
 * machine's own) but without a mirror: for checking mirrors against their upstream.
 */
public final class UpstreamRefs {
  private UpstreamRefs() {}

  /**
   * @param timeout how long the upstream may stay silent
   * @throws IOException when the upstream cannot be reached or refuses; the message names it
   *     and never holds credentials
   */
  public static MirrorRefs list(Upstream upstream, Duration timeout) throws IOException {
    try {
      Map<String, ObjectId> listed = MirrorFetcher.ids(
          new MirrorFetcher(timeout, IngestLimits.DEFAULT).listRemote(null, upstream));
      Map<String, String> ids = new TreeMap<>();
      listed.forEach((name, id) -> ids.put(name, id.name()));
      return MirrorRefs.of(ids);
    } catch (SyncFailedException e) {
      throw new IOException(e.getMessage(), e);
    }
  }
}
