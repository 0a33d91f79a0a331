package io.gitedge.gateway.git;

import io.gitedge.auth.Credential;
import io.gitedge.auth.Principal;
import io.gitedge.gateway.observe.LogText;
import io.gitedge.gateway.packcache.CachedPack;
import io.gitedge.gateway.packcache.PackCache;
import io.gitedge.store.MirrorName;
import io.gitedge.sync.SyncPlan;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Optional;
import org.eclipse.jgit.errors.PackProtocolException;
import org.eclipse.jgit.transport.ServiceMayNotContinueException;
import org.eclipse.jgit.transport.UploadPack;
import org.eclipse.jgit.transport.UploadPackInternalServerErrorException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client request, whichever door it came through: authenticate, resolve and authorize,
 * refuse pushes, run upload-pack, sort its failures, account for the request. A door only
 * translates its bytes into calls on this and the {@link GatewayException} it gets back into
 * its own answer.
 *
 * <pre>{@code
 * ReadSession s = readPath.open(request);
 * try {
 *   s.authenticate(credential);
 *   ResolvedMirror m = s.openForAdvertisement(repo);
 *   s.fetch(m, gitProtocol, in, out, err);
 *   status = OK;
 * } catch (Exception e) {
 *   status = mapper.answer(s.failure(e));
 * } finally {
 *   s.finish(status, bytes);
 * }
 * }</pre>
 *
 * <p>Accounting: the request counts as in flight from {@link ReadPath#open} to {@link #finish},
 * which also counts it in the metrics ({@code gitedge_requests_total{door,service,status}}) and
 * writes the access log line {@code <door> <request> <status> <user> <bytes>B <ms>ms} (in the
 * JSON log format with the fields {@code door, request, service, status, caller, bytes,
 * durationMs}). Used by one thread.
 */
public final class ReadSession {
  private static final Logger log = LoggerFactory.getLogger(ReadSession.class);

  /** Where a door sends a stateless fetch's response; called by {@link #fetch}. */
  public interface PackResponse {
    /** Sends a stored response in full (with its length, where the door can say it). */
    void sendStored(CachedPack stored) throws IOException;

    /** The stream a response upload-pack computes goes to. */
    OutputStream body() throws IOException;
  }

  private final ReadPath path;
  private final String request;
  private final boolean client;
  private final long started = System.nanoTime();
  private Principal caller = Principal.ANONYMOUS;
  private String user = "-";
  private String service;
  private boolean finished;

  ReadSession(ReadPath path, String request, boolean client) {
    this.path = path;
    this.request = LogText.printable(request);
    this.client = client;
    this.service = "refused"; // until the door names what the request turned out to be
    if (client) {
      path.metrics.activity().begin();
    }
  }

  /**
   * Finds out who the caller is; without a credential, anonymous.
   *
   * @throws GatewayException.Unauthenticated when the credential is not accepted
   * @throws GatewayException.IdentityUnavailable when no identity source could decide
   */
  public Principal authenticate(Optional<? extends Credential> credential)
      throws GatewayException {
    caller = path.authenticator.authenticate(credential);
    user = caller.name();
    return caller;
  }

  /** The caller, anonymous until {@link #authenticate} says otherwise. */
  public Principal caller() {
    return caller;
  }

  /** Names what the request turned out to be, for the metrics ({@code git-upload-pack}, ...). */
  public void service(String label) {
    this.service = label;
  }

  /** Fails unless the caller may make requests at all (anonymous reads off, no credentials). */
  public void requireCaller() throws GatewayException.Unauthenticated {
    path.resolver.requireCaller(caller);
  }

  /**
   * The mirror {@code repo} names, for a request that starts with a ref advertisement (a mirror
   * past its freshness bound checks its upstream first).
   *
   * @throws GatewayException see {@link MirrorResolver#resolveForAdvertisement}
   */
  public ResolvedMirror openForAdvertisement(String repo) throws GatewayException {
    return path.resolver.resolveForAdvertisement(caller, repo);
  }

  /** The same for a request continuing an exchange advertised before: no freshness check. */
  public ResolvedMirror open(String repo) throws GatewayException {
    return path.resolver.resolve(caller, repo);
  }

  /** Checks that the caller may read {@code repo}, without opening it. */
  public SyncPlan authorize(String repo) throws GatewayException {
    return path.resolver.authorize(caller, repo);
  }

  /**
   * The refusal of a push to {@code repo}, naming the upstream to push to; thrown by the door.
   * A caller who may not read {@code repo} gets "not found" instead.
   */
  public GatewayException.ReadOnly refusePush(String repo) throws GatewayException {
    SyncPlan m = authorize(repo);
    log.info("refused push by {} to read-only mirror {}", user, m.name());
    return new GatewayException.ReadOnly(m.name().value(), m.upstream().url());
  }

  /**
   * The mirror a {@code go get} import path lies in ({@code github.com/acme/lib/sub/pkg}, with
   * or without {@code .git}), if the caller may read it.
   *
   * @throws GatewayException.MirrorNotFound when there is none the caller may read
   */
  public MirrorName goImport(String importPath) throws GatewayException {
    requireCaller();
    MirrorResolver resolver = path.resolver;
    Optional<MirrorName> name = resolver.containing(importPath);
    if (name.isEmpty() && importPath.endsWith(".git")) {
      name = resolver.containing(importPath.substring(0, importPath.length() - 4));
    }
    if (name.isEmpty() || !resolver.mayServe(caller, name.get())) {
      throw new GatewayException.MirrorNotFound();
    }
    return name.get();
  }

  /**
   * The mirror holding Go module {@code modulePath}, opened for a read that starts with a
   * listing (a mirror past its freshness bound checks its upstream first), and the module path
   * of the mirror's root. The mirror is the one whose name is the module path or a segment-wise
   * prefix of it ({@code github.com/acme/lib/v2} lies in {@code github.com/acme/lib}; mirrors
   * made on demand included), or, for a module path named after the gateway's own host
   * ({@code <ownHost>/github.com/acme/lib}), the one that names without the host.
   *
   * @param ownHost the host the request was made to, or null
   * @throws GatewayException.MirrorNotFound when no mirror the caller may read holds it
   */
  public ModuleMirror openModule(String modulePath, String ownHost) throws GatewayException {
    requireCaller();
    MirrorResolver resolver = path.resolver;
    String hostPrefix = "";
    Optional<MirrorName> name = resolver.containing(modulePath);
    if (name.isEmpty() && ownHost != null && !ownHost.isEmpty()
        && modulePath.startsWith(ownHost + "/")) {
      hostPrefix = ownHost + "/";
      name = resolver.containing(modulePath.substring(hostPrefix.length()));
    }
    if (name.isEmpty()) {
      log.info("not found for {}: no mirror holds module {}", user,
          LogText.printable(modulePath));
      throw new GatewayException.MirrorNotFound();
    }
    ResolvedMirror mirror = resolver.resolveForAdvertisement(caller, name.get().value());
    return new ModuleMirror(mirror, hostPrefix + name.get().value());
  }

  /** A mirror holding a Go module, and the module path of the mirror's root. */
  public record ModuleMirror(ResolvedMirror mirror, String repoPath) {}

  /**
   * Waits (bounded) for a sync of {@code mirror} running or queued now, for a read that did not
   * find a version pushed a moment ago.
   *
   * @return whether there was one to wait for
   */
  public boolean awaitSyncInFlight(ResolvedMirror mirror) {
    return path.resolver.awaitSyncInFlight(mirror);
  }

  /**
   * The stateless ref advertisement (protocol v0) or capability advertisement (v2) of
   * {@code mirror}, fully buffered; the v2 one, the same for every mirror, from memory
   * ({@link UploadPackFactory#advertisement}). The array is shared: do not modify it.
   *
   * @param gitProtocol the {@code Git-Protocol} header, or null
   */
  public byte[] advertise(ResolvedMirror mirror, String gitProtocol) throws IOException {
    return path.uploadPacks.advertisement(mirror,
        UploadPackFactory.protocolParameters(gitProtocol));
  }

  /**
   * One stateless fetch (the second request of smart HTTP): answered from the pack cache when
   * it holds the response, otherwise by upload-pack, whose response the cache may record.
   *
   * @param gitProtocol the {@code Git-Protocol} header, or null
   * @param body the request body, decompressed and size-limited
   * @throws IOException when the client's connection fails
   */
  public PackCache.Result fetch(ResolvedMirror mirror, String gitProtocol, InputStream body,
      PackResponse response) throws IOException {
    List<String> protocol = UploadPackFactory.protocolParameters(gitProtocol);
    return path.packCache.serve(mirror.mirror().name(), mirror.mirror().repository(),
        mirror.age().stale(), protocol, body, new PackCache.Responder() {
          @Override
          public void sendStored(CachedPack stored) throws IOException {
            response.sendStored(stored);
          }

          @Override
          public OutputStream body() throws IOException {
            return response.body();
          }

          @Override
          public boolean uploadPack(InputStream request, OutputStream out) throws IOException {
            try (UploadPack up = ReadSession.this.uploadPack(mirror, gitProtocol)) {
              up.setBiDirectionalPipe(false);
              return upload(up, mirror, request, out, null);
            }
          }
        });
  }

  /**
   * One bidirectional fetch (SSH): advertisement, negotiation and pack over one pipe. Returns
   * whether upload-pack finished; when it did not, the client was told in-band or is gone, and
   * the reason is logged.
   *
   * @param gitProtocol the client's {@code GIT_PROTOCOL} variable, or null
   * @param err progress and notices, when the client reads stderr
   */
  public boolean fetch(ResolvedMirror mirror, String gitProtocol, InputStream in,
      OutputStream out, OutputStream err) {
    try (UploadPack up = uploadPack(mirror, gitProtocol)) {
      boolean done = upload(up, mirror, in, out, err);
      out.flush();
      return done;
    } catch (IOException e) {
      log.info("upload-pack of {} for {} ended early: {}", mirror.mirror().name(), user,
          e.toString());
      return false;
    }
  }

  private UploadPack uploadPack(ResolvedMirror mirror, String gitProtocol) {
    return path.uploadPacks.create(mirror, UploadPackFactory.protocolParameters(gitProtocol));
  }

  /**
   * Runs upload-pack. JGit tells the client about a failure in-band itself (an {@code ERR}
   * pkt-line before the pack, a sideband error in it, which git prints as
   * {@code fatal: remote error: <message>}): the client's own mistakes (malformed pkt-lines,
   * invalid wants, an oversized request) with their message, anything else as "internal server
   * error". Here such a failure is only logged, at a level that tells a client's mistake or
   * departure from a fault of ours, and returns false. Other I/O failures (writing to a client
   * that went away) propagate.
   */
  private boolean upload(UploadPack up, ResolvedMirror mirror, InputStream in, OutputStream out,
      OutputStream err) throws IOException {
    try {
      UploadPackFactory.upload(up, in, out, err);
      return true;
    } catch (UploadPackInternalServerErrorException | ServiceMayNotContinueException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      MirrorName name = mirror.mirror().name();
      if (cause instanceof PackProtocolException) {
        log.info("upload-pack of {} for {} refused a request: {}", name, user,
            cause.getMessage());
      } else if (cause instanceof EOFException || cause instanceof InterruptedIOException) {
        log.info("upload-pack of {} for {} ended early: {}", name, user, cause.toString());
      } else {
        log.warn("upload-pack of {} for {} failed", name, user, cause);
      }
      return false;
    }
  }

  /**
   * What the client is told about {@code failure}: a refusal as it is; anything else is a fault
   * of ours, logged with its stack trace, and {@link GatewayException.Internal} to the client. (A
   * door whose transport can tell that the client went away says so with
   * {@link GatewayException.ClientGone} itself.)
   */
  public GatewayException failure(Exception failure) {
    if (failure instanceof GatewayException e) {
      return e;
    }
    log.warn("{} {} failed", path.door.label(), request, failure);
    return new GatewayException.Internal(failure);
  }

  /**
   * Ends the request: it no longer counts as in flight, is counted in the metrics and gets its
   * access log line. Once only; later calls do nothing.
   *
   * @param status the HTTP status or SSH exit status the client got
   * @param bytes the response body bytes sent
   */
  public void finish(int status, long bytes) {
    if (finished) {
      return;
    }
    finished = true;
    path.metrics.request(path.door.label(), service, status, bytes);
    long ms = (System.nanoTime() - started) / 1_000_000;
    // the same fields as key-values, for the JSON log format (the text line ignores them)
    log.atInfo().addKeyValue("door", path.door.label()).addKeyValue("request", request)
        .addKeyValue("service", service).addKeyValue("status", status)
        .addKeyValue("caller", user).addKeyValue("bytes", bytes).addKeyValue("durationMs", ms)
        .log("{} {} {} {} {}B {}ms", path.door.label(), request, status, user, bytes, ms);
    if (client) {
      path.metrics.activity().end(); // last: once nothing is in flight, everything is counted
    }
  }
}
