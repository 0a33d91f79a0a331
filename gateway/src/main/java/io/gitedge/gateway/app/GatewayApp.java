package io.gitedge.gateway.app;

import io.gitedge.config.ConfigException;
import io.gitedge.gateway.config.GatewayConfig;
import io.gitedge.gateway.config.ShutdownConfig;
import io.gitedge.gateway.git.CallerAuthenticator;
import io.gitedge.gateway.git.MirrorResolver;
import io.gitedge.gateway.git.UploadPackFactory;
import io.gitedge.gateway.git.Warmup;
import io.gitedge.gateway.goproxy.GoProxy;
import io.gitedge.gateway.http.ServerTls;
import io.gitedge.gateway.observe.Activity;
import io.gitedge.gateway.observe.GatewayMetrics;
import io.gitedge.gateway.packcache.PackCache;
import io.gitedge.gateway.ssh.SshFrontDoor;
import io.gitedge.goproxy.ZipCache;
import io.gitedge.keys.KeyMaterialException;
import io.gitedge.keys.TlsCredentials;
import io.gitedge.store.MirrorName;
import io.gitedge.store.SyncResult;
import io.gitedge.sync.Trigger;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running gateway: the one place that wires keys, identity, mirrors, the sync event flow, the
 * read path and the front doors together, failing with one clear message if any part cannot
 * start. {@link #start} reads as the order of assembly:
 *
 * <ol>
 *   <li><b>beside the rest</b> ({@link StartupWork}): SSH host keys, the TLS certificate and
 *       provider, read on the second core;
 *   <li><b>mirrors</b> ({@link Mirrors}): the store, the catalog, the plans;
 *   <li><b>identity</b> ({@link IdentityChain}): sources, caches, the authenticator;
 *   <li><b>pack cache</b>, which every sync tells what it made unreachable;
 *   <li><b>sync</b> ({@link SyncEventFlow}): scheduler, webhooks, peers, what hears of syncs;
 *   <li><b>read path</b>: resolver, upload-pack settings, warm-up;
 *   <li><b>doors</b> ({@link Doors}): HTTPS, then SSH; then ready, then the first syncs.
 * </ol>
 *
 * Everything is built from the {@link GatewayConfig}; nothing is global, so tests run several
 * gateways in one JVM.
 */
public final class GatewayApp implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(GatewayApp.class);
  /** How long warming mirrors up may delay readiness after a restart. */
  private static final Duration WARMUP_BUDGET = Duration.ofMillis(500);

  private final Optional<TlsCredentials> tls;
  private final SyncEventFlow sync;
  private final Doors doors;
  private final List<AutoCloseable> parts;
  private final Activity activity;
  private final ShutdownConfig shutdown;
  private final AtomicBoolean closed = new AtomicBoolean();

  private GatewayApp(Optional<TlsCredentials> tls, SyncEventFlow sync, Doors doors,
      List<AutoCloseable> parts, Activity activity, ShutdownConfig shutdown) {
    this.tls = tls;
    this.sync = sync;
    this.doors = doors;
    this.parts = parts;
    this.activity = activity;
    this.shutdown = shutdown;
  }

  /**
   * Starts a gateway: binds its listeners, warms the mirrors on disk up ({@link Warmup}, at most
   * about half a second) while {@code /readyz} still says "starting", then reports ready, loads
   * the mirrors' bitmaps and begins the first sync of every mirror in the background.
   *
   * @throws StartupException naming the config key (file and line) behind the problem
   */
  public static GatewayApp start(GatewayConfig config) throws StartupException {
    return start(config, Clock.systemUTC());
  }

  /**
   * The same on {@code clock}, which decides every age, TTL and bound the gateway measures
   * (identity caches, freshness, schedules, metrics); tests move a clock forward instead of
   * waiting.
   */
  public static GatewayApp start(GatewayConfig config, Clock clock) throws StartupException {
    List<AutoCloseable> parts = new ArrayList<>(); // in the order opened; closed in reverse
    StartupTimeline timeline = StartupTimeline.begin();
    try {
      Files.createDirectories(config.dataDir());
      config.jgit().install();
      StartupWork beside = StartupWork.begin(config);
      Mirrors mirrors = Mirrors.open(config);
      parts.add(mirrors.store());
      GatewayMetrics metrics = new GatewayMetrics(config.region(), mirrors.store(),
          mirrors.names(), clock);

      IdentityChain identities = IdentityChain.build(config.identity(), metrics::decision,
          clock);
      identities.caches().forEach(metrics::identityCache);
      timeline.mark("mirrors and identity");

      PackCache packCache = openPackCache(config, metrics);
      parts.add(packCache);
      SyncEventFlow sync = SyncEventFlow.assemble(config, mirrors, packCache, metrics, clock);
      parts.add(sync);

      MirrorResolver resolver = new MirrorResolver(mirrors.catalog(), config.access().toPolicy(),
          mirrors.store(), sync.scheduler, sync.freshness, config.sync().firstSyncWait());
      // warm the mirrors while the listeners start: on two cores the two overlap well
      UploadPackFactory httpsPacks = new UploadPackFactory(config.http().idleTimeout(),
          sync.freshness);
      CompletableFuture<Integer> warmup = CompletableFuture.supplyAsync(() -> Warmup.run(
          mirrors.store(), httpsPacks, mirrors.names(), WARMUP_BUDGET),
          StartupWork.daemon("gitedge-warmup"));

      timeline.mark("pack cache and sync");
      Optional<TlsCredentials> tls = beside.tlsCredentials();
      tls.ifPresent(t -> log.info("TLS certificate {} SHA-256 {}", t.certificateFile(),
          t.sha256Fingerprint()));
      ServerTls httpsTls = beside.tlsProvider();
      timeline.mark("waiting for the TLS certificate and provider");
      if (tls.isPresent()) {
        log.info("HTTPS TLS provider: {}", httpsTls.describe());
      }
      Doors doors = Doors.start(config, tls, httpsTls, beside.hostKeys(), new Doors.ReadSide(
          new CallerAuthenticator(identities.source()), identities.source(), resolver,
          packCache, httpsPacks, metrics, goProxy(config, metrics)), mirrors, sync, clock,
          timeline);
      parts.add(doors);
      doors.https.tlsProvider().ifPresent(metrics::tlsProvider);
      doors.https.warmUp();
      timeline.mark("request path warm-up");
      int warmed = warmup.join();
      timeline.mark("waiting for the mirrors' warm-up");
      doors.https.markReady();
      String startedIn = timeline.describe();
      Thread bitmaps = new Thread(() -> Warmup.loadBitmaps(mirrors.store(), mirrors.names(),
          metrics.activity()), "gitedge-bitmaps");
      bitmaps.setDaemon(true);
      bitmaps.start();
      sync.start();
      GatewayApp app = new GatewayApp(tls, sync, doors, parts, metrics.activity(),
          config.shutdown());
      log.info("GitEdge region {} serving {}{} ({} mirrors, {} warmed up)", config.region(),
          app.publicUrl(), app.sshPort().map(p -> " and SSH on port " + p).orElse(""),
          mirrors.plans().size(), warmed);
      log.info("{}", startedIn);
      return app;
    } catch (ConfigException e) {
      closeAll(parts);
      throw new StartupException(e.getMessage(), e);
    } catch (IOException | KeyMaterialException e) {
      closeAll(parts);
      throw new StartupException(e.getMessage(), e);
    }
  }

  /** The Go module proxy with its zip cache in {@code <dataDir>/goproxy}, unless it is off. */
  private static Optional<GoProxy> goProxy(GatewayConfig config, GatewayMetrics metrics)
      throws ConfigException {
    if (!config.goProxy().enabled()) {
      return Optional.empty();
    }
    try {
      ZipCache zips = ZipCache.open(config.goProxyDir(), config.goProxy().zipCacheBytes());
      metrics.goProxyZipCache(zips);
      return Optional.of(new GoProxy(zips, metrics::goProxyRequest));
    } catch (IOException e) {
      throw config.origin().error("dataDir", "cannot use " + config.goProxyDir()
          + " for the Go module proxy's zips: " + rootCause(e).getMessage(), e);
    }
  }

  private static PackCache openPackCache(GatewayConfig config, GatewayMetrics metrics)
      throws ConfigException {
    try {
      PackCache packCache = PackCache.open(config.packCache(), config.packCacheDir(),
          metrics::packCacheRequest);
      metrics.packCache(packCache);
      return packCache;
    } catch (IOException e) {
      throw config.origin().error("dataDir", "cannot use " + config.packCacheDir()
          + " for the pack cache: " + rootCause(e).getMessage(), e);
    }
  }

  /** The URL clients use: the configured {@code publicUrl}, or this listener's own. */
  public URI publicUrl() {
    return doors.https.publicUrl();
  }

  /** The HTTPS port actually bound (useful when the config asked for port 0). */
  public int httpsPort() {
    return doors.https.port();
  }

  /** The SSH port actually bound, when the SSH door is on. */
  public Optional<Integer> sshPort() {
    return doors.ssh.map(SshFrontDoor::port);
  }

  /**
   * HTTP(S) connections open now, idle keep-alive ones included: what a load balancer's or a
   * test's check that connections are given back reads.
   */
  public int openHttpConnections() {
    return doors.https.openConnections();
  }

  /** SSH sessions open now (0 when the SSH door is off), logged in or not. */
  public int openSshSessions() {
    return doors.ssh.map(SshFrontDoor::openSessions).orElse(0);
  }

  /** The PEM certificate clients trust, when TLS is on. */
  public Optional<Path> tlsCertificate() {
    return tls.map(TlsCredentials::certificateFile);
  }

  /** Syncs {@code name} now (joining a running sync) and returns its result. */
  public CompletableFuture<SyncResult> syncNow(MirrorName name) {
    return sync.scheduler.requestSync(name, Trigger.ADMIN);
  }

  // ---- stopping: GracefulStop drives these on SIGTERM ----

  /** How SIGTERM drains this gateway. */
  ShutdownConfig shutdownConfig() {
    return shutdown;
  }

  /** The clients' requests in flight on both doors. */
  Activity activity() {
    return activity;
  }

  /** Begins a drain: both doors refuse new connections, and no sync starts or goes on. */
  void stopAcceptingAndAbortSyncs() {
    doors.stopAccepting();
    sync.scheduler.abort();
  }

  /** Syncs running now (aborting, once {@link #stopAcceptingAndAbortSyncs} was called). */
  int syncsRunning() {
    return sync.scheduler.running();
  }

  /**
   * Stops in the reverse order of the start: the doors first, then the sync side, then the pack
   * cache (which writes its memory tier to disk) once no request can reach it, the store last.
   * Only the first call does anything.
   */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      closeAll(parts);
    }
  }

  /**
   * {@link #close} after a drain: the doors first let SSH sessions send what a finished
   * upload-pack left in their windows, for at most {@code sshFlush}.
   */
  void closeAfterDrain(Duration sshFlush) {
    if (!closed.get()) {
      doors.closeAfterDrain(sshFlush);
    }
    close();
  }

  /**
   * Stops without waiting for clients: the doors close with the requests on them, and syncs
   * (aborted already) get at most {@code syncGrace} to end and remove what they were writing.
   * Nothing else is closed: the process is about to exit, which releases the store's lock, and
   * the pack cache's memory tier is not written to disk (its disk tier stays whole). Only the
   * first call of this or {@link #close} does anything.
   */
  void closeNow(Duration syncGrace) {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    doors.closeNow();
    long until = System.nanoTime() + syncGrace.toNanos();
    try {
      while (sync.scheduler.running() > 0 && System.nanoTime() < until) {
        Thread.sleep(20);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Runs a start-up task in a thread of its own that a failed start does not wait for. */
  static Throwable rootCause(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null && c.getCause() != c) {
      c = c.getCause();
    }
    return c;
  }

  private static void closeAll(List<AutoCloseable> parts) {
    for (int i = parts.size() - 1; i >= 0; i--) {
      try {
        parts.get(i).close();
      } catch (Exception e) {
        log.warn("error while stopping {}", parts.get(i), e);
      }
    }
  }
}
