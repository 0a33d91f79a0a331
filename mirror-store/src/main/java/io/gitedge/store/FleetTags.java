package io.gitedge.store;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fleet's say in one sync under immutable tags ({@link TagPins}): a tag this sync would
 * create that the fleet serves at another commit than the upstream has it at now (the upstream
 * moved it after another region mirrored it) is created at the fleet's commit, with the objects
 * here already or fetched from the first copy in {@code fleet} that serves the tag there (a tag
 * whose objects cannot be had is left to the upstream, and shows in {@code gitedge verify});
 * under {@link MirrorPolicy#newTagsFromFleet()} new tags the fleet did not announce are left
 * for a later sync.
 */
final class FleetTags {
  private static final Logger log = LoggerFactory.getLogger(FleetTags.class);
  private final MirrorName name;
  private final Repository repo;
  private final List<Upstream> fleet;
  private final MirrorPolicy policy;
  private final MirrorFetcher fetcher;
  private final Map<String, ObjectId> heard;
  /** The tags taken at the fleet's commit, their objects here. */
  final Map<String, ObjectId> adopted = new TreeMap<>();

  /** @param heard the tags the fleet announced for this mirror ({@link TagPins}) */
  FleetTags(MirrorName name, Repository repo, List<Upstream> fleet, MirrorPolicy policy,
      MirrorFetcher fetcher, Map<String, ObjectId> heard) {
    this.name = name;
    this.fetcher = fetcher;
    this.repo = repo;
    this.fleet = fleet;
    this.policy = policy;
    this.heard = heard;
  }

  /**
   * The tags of the first gateway of the fleet that has this mirror, their objects fetched into
   * {@code repo}: under immutable tags a region that mirrors a repository later keeps the commit
   * each tag had when the fleet first saw it. A gateway that cannot be asked, or does not have
   * the mirror, is skipped; with none to ask, the upstream's tags are taken as they are.
   */
  static Map<String, ObjectId> ofNewMirror(MirrorName name, Repository repo,
      List<Upstream> fleet, MirrorFetcher fetcher) {
    for (Upstream region : fleet) {
      try {
        Map<String, ObjectId> fetched;
        try (UpstreamConversation there = fetcher.open(repo, region)) {
          List<String> tags = there.ids().keySet().stream()
              .filter(ref -> ref.startsWith(Constants.R_TAGS)).toList();
          if (tags.isEmpty()) {
            continue;
          }
          fetched = there.fetch(tags);
        }
        log.info("new mirror {}: took {} tags as the fleet has them from {}", name,
            fetched.size(), region.url());
        return fetched;
      } catch (SyncFailedException e) {
        log.info("new mirror {}: cannot take the fleet's tags from {} ({})", name, region.url(),
            e.getMessage());
      }
    }
    return Map.of();
  }

  /** The upstream's refs {@code listed} as this sync may take them. */
  Map<String, ObjectId> apply(Map<String, ObjectId> local, Map<String, ObjectId> listed)
      throws IOException {
    if (heard.isEmpty()) {
      return listed;
    }
    Map<String, ObjectId> wanted = new TreeMap<>();
    listed.forEach((ref, id) -> {
      ObjectId pinned = heard.get(ref);
      if (ref.startsWith(Constants.R_TAGS) && !local.containsKey(ref)
          && !adopted.containsKey(ref) && pinned != null && !pinned.equals(id)) {
        wanted.put(ref, pinned);
      }
    });
    adopt(wanted, listed);
    if (!policy.newTagsFromFleet()) {
      return listed;
    }
    Map<String, ObjectId> out = new TreeMap<>(listed);
    out.keySet().removeIf(ref -> ref.startsWith(Constants.R_TAGS) && !local.containsKey(ref)
        && !heard.containsKey(ref));
    return out;
  }

  private void adopt(Map<String, ObjectId> wanted, Map<String, ObjectId> listed)
      throws IOException {
    Map<String, ObjectId> found = new TreeMap<>();
    for (Map.Entry<String, ObjectId> w : wanted.entrySet()) {
      if (repo.getObjectDatabase().has(w.getValue())) {
        found.put(w.getKey(), w.getValue());
      }
    }
    for (Upstream region : fleet) {
      if (found.size() == wanted.size()) {
        break;
      }
      try (UpstreamConversation there = fetcher.open(repo, region)) {
        Map<String, ObjectId> tags = there.ids();
        List<String> names = wanted.keySet().stream().filter(t -> !found.containsKey(t)
            && wanted.get(t).equals(tags.get(t))).toList();
        found.putAll(there.fetch(names));
      } catch (SyncFailedException e) {
        log.info("sync {}: cannot take the fleet's tags from {} ({})", name, region.url(),
            e.getMessage());
      }
    }
    found.forEach((t, id) -> log.warn("tag {} of {}: the fleet serves it at {}, the upstream"
        + " moved it to {}; taking the fleet's (tags: immutable)", t, name, id.name(),
        listed.get(t).name()));
    adopted.putAll(found);
  }
}
