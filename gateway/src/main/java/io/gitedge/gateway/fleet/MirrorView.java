package io.gitedge.gateway.fleet;

import io.gitedge.store.MirrorPolicy;
import io.gitedge.store.MirrorRefs;
import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One region's mirror of one repository, as its admin API describes it. Immutable.
 *
 * @param region the region's name
 * @param name the mirror's name ({@code github.com/acme/lib})
 * @param listed whether the region serves this mirror at all
 * @param refs its branches and tags; empty before its first sync (or when not listed)
 * @param lastSuccess when it last synced successfully
 * @param ageSeconds how long ago that was, when the region answered
 * @param tags its tag policy
 * @param goModules the {@code h1:} hash of every Go module zip the region's proxy holds for a
 *     module in this mirror, by {@code <module>@<version>}, sorted; empty when none was built,
 *     the proxy is off, or the region is older than the {@code goModules} field
 */
public record MirrorView(String region, String name, boolean listed, Optional<MirrorRefs> refs,
    Optional<Instant> lastSuccess, Optional<Long> ageSeconds, MirrorPolicy.TagPolicy tags,
    Map<String, String> goModules) {
  public MirrorView {
    Objects.requireNonNull(region, "region");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(refs, "refs");
    Objects.requireNonNull(lastSuccess, "lastSuccess");
    Objects.requireNonNull(ageSeconds, "ageSeconds");
    Objects.requireNonNull(tags, "tags");
    if (!listed && refs.isPresent()) {
      throw new IllegalArgumentException(name + " has refs in " + region + " but is not listed");
    }
    if (!listed && !goModules.isEmpty()) {
      throw new IllegalArgumentException(name + " has Go modules in " + region
          + " but is not listed");
    }
    goModules = Collections.unmodifiableSortedMap(new TreeMap<>(goModules));
  }

  /** A mirror without Go module zips (none built, or a region that does not report them). */
  public MirrorView(String region, String name, boolean listed, Optional<MirrorRefs> refs,
      Optional<Instant> lastSuccess, Optional<Long> ageSeconds, MirrorPolicy.TagPolicy tags) {
    this(region, name, listed, refs, lastSuccess, ageSeconds, tags, Map.of());
  }

  /** A mirror {@code region} does not serve. */
  public static MirrorView notListed(String region, String name) {
    return new MirrorView(region, name, false, Optional.empty(), Optional.empty(),
        Optional.empty(), MirrorPolicy.TagPolicy.IMMUTABLE);
  }

  /** Whether the mirror exists there (its first sync completed). */
  public boolean created() {
    return refs.isPresent();
  }

  /** Its refs digest, when it exists. */
  public Optional<String> digest() {
    return refs.map(MirrorRefs::digest);
  }
}
