package io.gitedge.gateway.http;

import io.gitedge.goproxy.ZipCache;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The Go module zips this region's proxy holds, grouped by the mirror each module lies in: what
 * the admin API lists as a mirror's {@code goModules} and {@link FleetEndpoint} compares, so the
 * fleet shows that every region serves the same zip (the same {@code go.sum} line) for the same
 * version.
 *
 * <p>A module lies in the mirror whose name is its longest prefix ({@code github.com/acme/lib},
 * {@code github.com/acme/lib/v2} and {@code github.com/acme/lib/sub} are in
 * {@code github.com/acme/lib}), as the proxy resolved it. Failing that, a module named after the
 * gateway ({@code git.example.com/github.com/acme/lib}) lies in the mirror its path names after
 * the first element: the cache only holds modules the proxy served, and the proxy accepted such a
 * host only when it was the one the request came to (any name of the gateway, so a GeoDNS name
 * works too). Thread-safe when the supplier is.
 */
public final class ModuleHashes {
  /** No proxy, so no zips. */
  public static final ModuleHashes NONE = new ModuleHashes(List::of);

  private final Supplier<List<ZipCache.Built>> built;

  /** @param built every zip held now ({@link ZipCache#built()}), least recently used first */
  public ModuleHashes(Supplier<List<ZipCache.Built>> built) {
    this.built = built;
  }

  /**
   * The {@code h1:} hash of each zip held, by {@code <module>@<version>}, for each of
   * {@code mirrors} that holds any; zips of modules in none of them are left out. When the cache
   * holds one version from two commits (a moved tag an operator accepted), the one used last is
   * the one the proxy serves now, and wins.
   */
  public Map<String, SortedMap<String, String>> byMirror(Collection<String> mirrors) {
    Set<String> names = new HashSet<>(mirrors);
    Map<String, SortedMap<String, String>> out = new TreeMap<>();
    for (ZipCache.Built b : built.get()) {
      mirrorOf(b.module(), names).ifPresent(m -> out.computeIfAbsent(m, k -> new TreeMap<>())
          .put(b.module() + "@" + b.version(), b.hash()));
    }
    return out;
  }

  /** The mirror {@code module} lies in, if any of {@code mirrors} holds it. */
  static Optional<String> mirrorOf(String module, Set<String> mirrors) {
    Optional<String> direct = longestPrefix(module, mirrors);
    int slash = module.indexOf('/');
    return direct.isPresent() || slash < 0 ? direct
        : longestPrefix(module.substring(slash + 1), mirrors);
  }

  /** The longest of {@code path} and its parents, at {@code /}, that is a mirror's name. */
  private static Optional<String> longestPrefix(String path, Set<String> mirrors) {
    String p = path;
    while (!mirrors.contains(p)) {
      int slash = p.lastIndexOf('/');
      if (slash < 0) {
        return Optional.empty();
      }
      p = p.substring(0, slash);
    }
    return Optional.of(p);
  }
}
