package io.gitedge.gateway.packcache;

import io.gitedge.gateway.config.PackCacheConfig;
import io.gitedge.store.MirrorName;
import io.gitedge.sync.SyncListener;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jgit.lib.Repository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers identical clone requests from a stored upload-pack response instead of writing the
 * pack again: CI fleets send the same "want these tips, have nothing" request by the hundred, and
 * each would otherwise cost a full {@code PackWriter} run.
 *
 * <h2>What may be answered from the cache</h2>
 * Only a stateless request that {@link PackRequest} accepts (read from at most
 * {@link #MAX_REQUEST} bytes of body), for a mirror that is not stale (upload-pack then writes a
 * notice into the stream), whose wants are all ids of the mirror's current refs or the objects
 * their annotated tags point to. A shallow fetch that carries the client's shallow commits and
 * haves (go's fetch of each further version of a module) is answered only when each of those
 * is such an id too: then whether the mirror has them, and so the acknowledgments, the
 * shallow-info section and the pack, are fixed by the refs and the request. Everything else
 * (a {@link Result#BYPASS}) goes to upload-pack as if there were no cache: the bytes read are
 * replayed ahead of the rest of the body, and a read that failed fails again at the same point.
 * A want that is not a ref tip is never answered from here, so upload-pack's own checks
 * (reachability, waiting for a sync) decide as they always did; access to the mirror as a whole
 * was decided before the cache is asked.
 *
 * <h2>Keys and invariants</h2>
 * The key ({@link PackKey}) is the mirror, a digest of all its refs as upload-pack advertises
 * them, and the request's normal form. Hence: an entry is only ever served for exactly the refs
 * it was computed from, and a sync cannot make an entry wrong, only unreachable. A response is
 * stored only if upload-pack finished without an exception and the refs are the same after it as
 * they were before (a sync in between could have changed what {@code include-tag} sends).
 * A sync that changes a mirror's refs drops its entries ({@link #syncListener}) to free space;
 * every sync makes the refs be read again.
 *
 * <h2>Tiers ({@link Tiers})</h2>
 * Memory: a Caffeine cache weighed in bytes. Responses up to {@code maxEntry} are copied into the
 * heap as they stream and stored there; when evicted for size they spill to disk. Larger ones
 * are copied to a temporary file while they stream and moved into the disk tier
 * ({@link DiskTier}), which keeps its entries across restarts. On close the memory tier is
 * written to disk, so a restart keeps what it had. A failing disk never fails a request.
 *
 * <h2>Single flight</h2>
 * Of concurrent identical misses one (the leader) runs upload-pack and records; the others wait
 * for it, at most {@code leaderWait}, then serve what it stored. If it stored nothing (it failed,
 * or the wait ran out) a follower tries once to become the leader itself, and otherwise runs
 * upload-pack without recording.
 *
 * <p>Thread-safe. Each request is one call of {@link #serve}; the {@link Responder} it is given
 * is called in a fixed order, so a door cannot store a response it did not finish or serve one
 * it should not.
 */
public final class PackCache implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PackCache.class);

  /**
   * The most request bytes looked at; a larger body goes to upload-pack as it is. A clone sends
   * one {@code want} line (about 50 bytes) per distinct ref tip: 4 MiB covers some 80,000 tips,
   * and the buffer only grows as far as a body actually goes.
   */
  static final int MAX_REQUEST = 4 << 20;

  /** What the cache did for one request. */
  public enum Result {
    /** Answered from a stored response. */
    HIT,
    /** Cacheable, but upload-pack ran (and, as the leader, recorded its response). */
    MISS,
    /** Not cacheable: upload-pack ran as if there were no cache. */
    BYPASS;

    /** The metric label: {@code hit}, {@code miss}, {@code bypass}. */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** What a request asked, as far as the cache can tell. */
  public enum Request {
    /** A pack ({@code fetch}, or protocol v0's wants). */
    FETCH,
    /**
     * A shallow fetch ({@code deepen}) that carries the client's shallow commits or haves: what
     * {@code go} sends for each version after the first of a module in direct mode.
     */
    SHALLOW_FETCH,
    /** A ref listing ({@code ls-refs}). */
    LS_REFS,
    /** Something the cache cannot answer (haves without deepen, unknown arguments, too big). */
    OTHER;

    /** The metric label: {@code fetch}, {@code shallow-fetch}, {@code ls-refs}, {@code other}. */
    public String label() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  /** Told what the cache did for each request; must be quick and must not throw. */
  @FunctionalInterface
  public interface Listener {
    /** Ignores everything. */
    Listener NONE = (r, request) -> { };

    void onRequest(Result result, Request request);
  }

  private final PackCacheConfig settings;
  private final Map<MirrorName, RefsSnapshot> refs = new ConcurrentHashMap<>();
  private final Listener listener;
  private final Tiers tiers; // null when off
  private final ConcurrentHashMap<PackKey, CompletableFuture<Void>> flights =
      new ConcurrentHashMap<>();
  private volatile boolean closed;

  private PackCache(PackCacheConfig settings, Listener listener, Tiers tiers) {
    this.settings = settings;
    this.listener = listener;
    this.tiers = tiers;
  }

  /**
   * A cache per {@code settings} with its disk tier in {@code dir}; when the settings say off, a
   * cache that passes every request through untouched (and touches no disk).
   *
   * @throws IOException if {@code dir} cannot be made
   */
  public static PackCache open(PackCacheConfig settings, Path dir, Listener listener)
      throws IOException {
    if (!settings.enabled()) {
      return new PackCache(settings, listener, null);
    }
    ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "gitedge-pack-cache");
      t.setDaemon(true);
      return t;
    });
    try {
      return open(settings, dir, listener, executor, executor);
    } catch (IOException | RuntimeException e) {
      executor.shutdownNow();
      throw e;
    }
  }

  /** With the executor for evictions and file deletions given; tests pass a direct one. */
  static PackCache open(PackCacheConfig settings, Path dir, Listener listener,
      Executor executor, ExecutorService owned) throws IOException {
    return new PackCache(settings, listener, Tiers.open(settings, dir, executor, owned));
  }

  /**
   * What a front door does with one upload-pack request, called by {@link #serve} in this order:
   * on a {@link Result#HIT} only {@link #sendStored}; otherwise {@link #body} once, then
   * {@link #uploadPack} once. The door never decides whether to record or store: the cache does.
   */
  public interface Responder {
    /** Sends a stored response; the responder may close nothing, the cache closes it. */
    void sendStored(CachedPack stored) throws IOException;

    /** The stream a computed response body goes to. */
    OutputStream body() throws IOException;

    /**
     * Runs upload-pack on {@code request}, writing to {@code out} (the {@link #body}, copied
     * when the cache records it); returns whether it finished without an exception, i.e.
     * whether the client got a whole response that may be stored.
     */
    boolean uploadPack(InputStream request, OutputStream out) throws IOException;
  }

  /**
   * Answers one stateless upload-pack request of mirror {@code name}: from a stored response, or
   * by having {@code responder} run upload-pack (recording its response when it may be stored).
   * Looking up never fails a request: whatever goes wrong in the cache leaves the request to
   * upload-pack.
   *
   * @param stale whether the mirror may be behind its upstream (its packs then start with a
   *     notice, so they are never answered from here)
   * @param protocolParameters the {@code Git-Protocol} parameters, as given to upload-pack
   * @param body the request body, decompressed and size-limited
   * @return what the cache did
   * @throws IOException from the responder (the client's connection)
   */
  public Result serve(MirrorName name, Repository repo, boolean stale,
      List<String> protocolParameters, InputStream body, Responder responder)
      throws IOException {
    try (Exchange x = begin(name, repo, stale, protocolParameters, body)) {
      if (x.cached() != null) {
        responder.sendStored(x.cached());
      } else if (responder.uploadPack(x.request(), x.record(responder.body()))) {
        x.completed();
      }
      return x.result();
    }
  }

  private Exchange begin(MirrorName name, Repository repo, boolean stale,
      List<String> protocolParameters, InputStream body) {
    if (tiers == null || closed) {
      return Exchange.untouched(body);
    }
    BufferedRequest buffered = BufferedRequest.read(body, MAX_REQUEST);
    Optional<PackRequest> request = buffered.complete()
        ? PackRequest.parse(buffered.bytes(), buffered.length(), protocolParameters)
        : Optional.empty();
    if (request.isEmpty() || stale && request.get().fetch()) {
      // a stale mirror's pack starts with a notice (UploadPackFactory); its ref listing does not
      return counted(Exchange.bypass(buffered.replay()), request);
    }
    RefsSnapshot refs;
    try {
      refs = refsOf(name, repo);
      if (!refs.advertises(request.get().wants())
          || !refs.advertises(request.get().clientObjects())) {
        return counted(Exchange.bypass(buffered.replay()), request);
      }
    } catch (IOException | RuntimeException e) {
      // upload-pack reads the same refs and will say what is wrong, in its own words
      log.debug("pack cache: cannot read the refs of {}", name, e);
      return counted(Exchange.bypass(buffered.replay()), request);
    }
    PackKey key = PackKey.of(name, refs, request.get());
    Optional<CachedPack> hit = lookup(key);
    if (hit.isPresent()) {
      return counted(Exchange.hit(buffered.replay(), hit.get()), request);
    }
    CompletableFuture<Void> mine = new CompletableFuture<>();
    CompletableFuture<Void> leader = flights.putIfAbsent(key, mine);
    if (leader != null) {
      await(leader);
      hit = lookup(key);
      if (hit.isPresent()) {
        return counted(Exchange.hit(buffered.replay(), hit.get()), request);
      }
      if (flights.putIfAbsent(key, mine) != null) {
        return counted(Exchange.follower(buffered.replay()), request);
      }
    }
    // an earlier leader may have stored it between the lookup above and becoming the leader
    hit = lookup(key);
    if (hit.isPresent()) {
      flights.remove(key, mine);
      mine.complete(null);
      return counted(Exchange.hit(buffered.replay(), hit.get()), request);
    }
    return counted(Exchange.leader(buffered.replay(),
        new Exchange.Flight(key, mine, repo, refs, flights), tiers), request);
  }

  /**
   * The mirror's refs as of its last sync: read once after each sync ({@link #invalidate}), not
   * per request, since only syncs change a mirror's refs and listing thousands of them costs
   * more than answering from the cache. A request arriving between a sync's ref update and its
   * invalidation sees the refs from just before; a response computed then is not stored
   * ({@link Exchange} compares with the refs on disk).
   */
  private RefsSnapshot refsOf(MirrorName name, Repository repo) throws IOException {
    try {
      // computed under the map's lock for this name, so a forget() that comes while the refs are
      // being read waits, and removes what was read, instead of being overwritten by it
      return refs.computeIfAbsent(name, n -> {
        try {
          return RefsSnapshot.of(repo);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  private Exchange counted(Exchange x, Optional<PackRequest> request) {
    listener.onRequest(x.result(), request.map(r -> !r.fetch() ? Request.LS_REFS
        : r.carriesClientState() ? Request.SHALLOW_FETCH : Request.FETCH).orElse(Request.OTHER));
    return x;
  }

  private void await(CompletableFuture<Void> leader) {
    try {
      leader.get(settings.leaderWait().toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      // the leader did not finish in time: this request runs upload-pack itself
    }
  }

  private Optional<CachedPack> lookup(PackKey key) {
    return tiers.lookup(key);
  }

  /** Drops every entry of {@code mirror}, in memory and on disk. */
  public void invalidate(MirrorName mirror) {
    refs.remove(mirror);
    if (tiers != null) {
      tiers.invalidate(mirror);
    }
  }

  /**
   * A listener dropping a mirror's entries whenever a sync changed its refs, and after every sync
   * its refs as last read: a sync may move {@code HEAD} alone, which changes no listed ref but
   * does change the ref listing (and so the keys).
   */
  public SyncListener syncListener() {
    return (result, triggers) -> {
      if (!result.changes().isEmpty()) {
        invalidate(result.name());
      } else {
        refs.remove(result.name());
      }
    };
  }

  /** Response bytes held in the heap. */
  public long memoryBytes() {
    return tiers == null ? 0 : tiers.memoryBytes();
  }

  /** Bytes of the disk tier's files. */
  public long diskBytes() {
    return tiers == null ? 0 : tiers.diskBytes();
  }

  /** Entries in the memory tier. */
  public long memoryEntries() {
    return tiers == null ? 0 : tiers.memoryEntries();
  }

  /** Entries in the disk tier. */
  public long diskEntries() {
    return tiers == null ? 0 : tiers.diskEntries();
  }

  /** Runs pending evictions now; for tests. */
  void cleanUp() {
    if (tiers != null) {
      tiers.cleanUp();
    }
  }

  /** Writes the memory tier to disk, so that a restart keeps it, and stops. */
  @Override
  public void close() {
    if (tiers == null || closed) {
      return;
    }
    closed = true;
    tiers.close();
  }
}
