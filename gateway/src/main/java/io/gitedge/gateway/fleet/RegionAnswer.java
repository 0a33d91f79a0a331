package io.gitedge.gateway.fleet;

import java.net.URI;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/** What asking one region for its mirrors gave. Immutable. */
public sealed interface RegionAnswer {
  /** The region's base URL, as asked. */
  URI url();

  /**
   * @param region the region's own name for itself
   * @param mirrors every mirror it serves, by name
   */
  record Answered(URI url, String region, SortedMap<String, MirrorView> mirrors)
      implements RegionAnswer {
    public Answered {
      Objects.requireNonNull(url, "url");
      Objects.requireNonNull(region, "region");
      mirrors = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(mirrors));
    }

    /** Its view of {@code name}: the mirror, or a note that it does not serve it. */
    public MirrorView view(String name) {
      MirrorView v = mirrors.get(name);
      return v != null ? v : MirrorView.notListed(region, name);
    }

    /** @see #mirrors() */
    public static Answered of(URI url, String region, Map<String, MirrorView> mirrors) {
      return new Answered(url, region, new TreeMap<>(mirrors));
    }
  }

  /** @param error why not, for people: {@code 401: ...}, {@code cannot connect: ...} */
  record Unanswered(URI url, String error) implements RegionAnswer {
    public Unanswered {
      Objects.requireNonNull(url, "url");
      Objects.requireNonNull(error, "error");
    }
  }
}
