package io.gitedge.gateway.goproxy;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.gitedge.gateway.git.GatewayException;
import io.gitedge.gateway.git.ReadSession;
import io.gitedge.gateway.git.ReadSession.ModuleMirror;
import io.gitedge.goproxy.GoModuleException;
import io.gitedge.goproxy.ModuleRepo;
import io.gitedge.goproxy.ModuleZip;
import io.gitedge.goproxy.ProxyRequest;
import io.gitedge.goproxy.VersionInfo;
import io.gitedge.goproxy.ZipCache;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * The Go module proxy's answers, read from the mirrors: which mirror holds the module (and
 * whether the caller may read it) is the {@link ReadSession}'s business, as for git; what the
 * module's versions, {@code go.mod} and zip are is {@link ModuleRepo}'s; built zips are kept in
 * the {@link ZipCache}; answers are remembered until the mirror's next sync (a bounded memo), so
 * the go command's many small requests cost a lookup each. A door only sends the {@link Answer}.
 *
 * <p>A version not found while a sync of its mirror is running or queued (a webhook's, for a tag
 * pushed a moment ago) is looked for again after that sync, and {@code @v/list} and
 * {@code @latest} wait for such a sync before they answer. Errors are {@link GatewayException}s:
 * a module in no mirror the caller may read is {@link GatewayException.MirrorNotFound}, exactly as
 * for an unknown repository; an unknown version of a readable module is
 * {@link GatewayException.ModuleNotFound} with the go command's reason; a malformed request is
 * {@link GatewayException.BadRequest}. Thread-safe.
 */
public final class GoProxy {
  /** The answer to one request. */
  public sealed interface Answer {
    /** A small body: a version list, {@code .info} JSON or a {@code go.mod}. */
    record Body(String contentType, byte[] bytes) implements Answer {}

    /** A module zip, streamed from the cache; the door closes it. */
    record Zip(ZipCache.Opened zip) implements Answer {}
  }

  private static final String TEXT = "text/plain; charset=utf-8";
  private static final String JSON = "application/json";
  private static final String SUMDB = "sumdb/";
  /** The heap the memo may take: a go.mod may be up to 16 MiB, so entries are weighed. */
  private static final long MEMO_BYTES = 64L << 20;
  /** What an entry costs beyond its body: key, value and the cache's own bookkeeping. */
  private static final int ENTRY_OVERHEAD = 256;

  /** A request to one module of one mirror, as the mirror was after a sync at {@code synced}. */
  private record Key(String repoPath, String module, ProxyRequest.Kind kind, String version,
      Instant synced) {}

  private final ZipCache zips;
  /** {@link Answer.Body}s and resolved {@link VersionInfo}s by {@link Key}, bounded in bytes. */
  private final Cache<Key, Object> memo = Caffeine.newBuilder().maximumWeight(MEMO_BYTES)
      .weigher((Key k, Object v) -> ENTRY_OVERHEAD
          + (v instanceof Answer.Body b ? b.bytes().length : 0))
      .build();
  private final BiConsumer<String, String> metrics;

  /**
   * @param metrics told each answered request's endpoint ({@code list}, {@code info}, ...) and
   *     result ({@code ok}, {@code not_found}, and for zips {@code hit} or {@code built})
   */
  public GoProxy(ZipCache zips, BiConsumer<String, String> metrics) {
    this.zips = zips;
    this.metrics = metrics;
  }

  /**
   * Every module zip built and held here, least recently used first, for comparing their hashes
   * across the regions (the admin API's {@code goModules}).
   */
  public List<ZipCache.Built> built() {
    return zips.built();
  }

  /**
   * Answers {@code path} (the request path after {@code /goproxy/}) for the caller of
   * {@code session}.
   *
   * @param requestHost the host the request was made to, for module paths named after it
   */
  public Answer answer(ReadSession session, String path, String requestHost)
      throws GatewayException, IOException {
    if (path.startsWith(SUMDB)) {
      // go asks a proxy whether it passes on the checksum database (<proxy>/sumdb/<db>/supported);
      // 404 sends it to the database itself, any other answer would stop it
      session.requireCaller();
      session.service("goproxy-sumdb");
      metrics.accept("sumdb", "not_found");
      throw new GatewayException.ModuleNotFound("the checksum database is not proxied here;"
          + " go asks it directly");
    }
    ProxyRequest request;
    try {
      request = ProxyRequest.parse(path);
    } catch (GoModuleException.Invalid e) {
      session.requireCaller(); // anonymous callers are asked for credentials first, always
      metrics.accept("invalid", "bad_request");
      throw new GatewayException.BadRequest("bad request: " + e.getMessage());
    }
    String endpoint = request.kind().name().toLowerCase(Locale.ROOT);
    session.service("goproxy-" + endpoint);
    ModuleMirror mirror;
    try {
      mirror = session.openModule(request.modulePath(), requestHost);
    } catch (GatewayException.MirrorNotFound e) {
      metrics.accept(endpoint, "not_found");
      throw e;
    }
    try {
      ModuleRepo module = ModuleRepo.open(mirror.mirror().mirror().repository(),
          mirror.repoPath(), request.modulePath());
      boolean waited = false;
      if (request.kind() == ProxyRequest.Kind.LIST || request.kind() == ProxyRequest.Kind.LATEST) {
        waited = session.awaitSyncInFlight(mirror.mirror());
      }
      // what the mirror looked like when resolved; after a wait for a sync it may have changed
      Optional<Instant> synced = waited ? Optional.empty()
          : mirror.mirror().age().lastSuccess();
      Answer a;
      try {
        a = answer(module, request, endpoint, synced.map(t -> new Key(mirror.repoPath(),
            request.modulePath(), request.kind(), request.version(), t)));
      } catch (GoModuleException.NotFound e) {
        if (!session.awaitSyncInFlight(mirror.mirror())) {
          throw e;
        }
        a = answer(module, request, endpoint, Optional.empty());
      }
      if (a instanceof Answer.Body) {
        metrics.accept(endpoint, "ok");
      }
      return a;
    } catch (GoModuleException e) {
      throw refusal(request, endpoint, e);
    }
  }

  /** The gateway's refusal for a module request the module rules refused. */
  private GatewayException refusal(ProxyRequest request, String endpoint, GoModuleException e) {
    if (e instanceof GoModuleException.Invalid) {
      metrics.accept(endpoint, "bad_request");
      return new GatewayException.BadRequest("bad request: " + e.getMessage());
    }
    metrics.accept(endpoint, "not_found");
    String what = request.version().isEmpty() ? request.modulePath()
        : request.modulePath() + "@" + request.version();
    return new GatewayException.ModuleNotFound(what + ": " + e.getMessage());
  }

  /**
   * The answer to {@code request}, from the memo when {@code key} (the request and the time of
   * the mirror's last sync) was answered before: what a module's versions, go.mod files and
   * resolved versions are depends only on the mirror's refs and objects, which only a sync
   * changes. Zips themselves are in the {@link ZipCache}; the memo keeps which commit a version
   * resolves to.
   */
  private Answer answer(ModuleRepo module, ProxyRequest request, String endpoint,
      Optional<Key> key) throws IOException, GoModuleException {
    if (key.isPresent()) {
      Object known = memo.getIfPresent(key.get());
      if (known instanceof Answer.Body b) {
        return b;
      }
      if (known instanceof VersionInfo v) {
        return zip(module, v, endpoint);
      }
    }
    Object fresh = compute(module, request);
    key.ifPresent(k -> memo.put(k, fresh));
    return fresh instanceof VersionInfo v ? zip(module, v, endpoint) : (Answer.Body) fresh;
  }

  private Answer zip(ModuleRepo module, VersionInfo v, String endpoint)
      throws IOException, GoModuleException {
    ZipCache.Opened zip = zips.get(module.modulePath(), v.version(), v.commit(),
        out -> ModuleZip.create(module.modulePath(), v.version(), module.files(v), out));
    metrics.accept(endpoint, zip.outcome().name().toLowerCase(Locale.ROOT));
    return new Answer.Zip(zip);
  }

  /** A body, or for a zip the version it resolves to. */
  private static Object compute(ModuleRepo module, ProxyRequest request)
      throws IOException, GoModuleException {
    switch (request.kind()) {
      case LIST:
        StringBuilder list = new StringBuilder();
        for (String v : module.versions()) {
          list.append(v).append('\n');
        }
        return body(TEXT, list.toString());
      case LATEST:
        return body(JSON, module.latest().json());
      case INFO:
        return body(JSON, module.stat(request.version()).json());
      case MOD:
        return new Answer.Body(TEXT, module.goMod(module.resolve(request.version())));
      case ZIP:
        return module.resolve(request.version());
      default:
        throw new IllegalStateException("unknown request kind " + request.kind());
    }
  }

  private static Answer body(String type, String text) {
    return new Answer.Body(type, text.getBytes(StandardCharsets.UTF_8));
  }
}
