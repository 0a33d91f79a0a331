package io.gitedge.gateway.app;

import io.gitedge.auth.IdentitySource;
import io.gitedge.config.ConfigException;
import io.gitedge.gateway.config.GatewayConfig;
import io.gitedge.gateway.config.HttpConfig;
import io.gitedge.gateway.config.SshConfig;
import io.gitedge.gateway.git.CallerAuthenticator;
import io.gitedge.gateway.git.MirrorCatalog;
import io.gitedge.gateway.git.MirrorResolver;
import io.gitedge.gateway.git.PackCache;
import io.gitedge.gateway.git.UploadPackFactory;
import io.gitedge.gateway.git.Warmup;
import io.gitedge.gateway.http.AdminApi;
import io.gitedge.gateway.http.HookEndpoint;
import io.gitedge.gateway.http.HttpFrontDoor;
import io.gitedge.gateway.observe.GatewayMetrics;
import io.gitedge.gateway.ssh.SshFrontDoor;
import io.gitedge.keys.KeyMaterialException;
import io.gitedge.keys.SshHostKeys;
import io.gitedge.keys.TlsCredentials;
import io.gitedge.keys.TlsKeys;
import io.gitedge.store.MirrorName;
import io.gitedge.store.MirrorStore;
import io.gitedge.store.StoreConfig;
import io.gitedge.store.SyncResult;
import io.gitedge.sync.PeerEvents;
import io.gitedge.sync.ReadFreshness;
import io.gitedge.sync.SyncListener;
import io.gitedge.sync.SyncPlan;
import io.gitedge.sync.SyncScheduler;
import io.gitedge.sync.Trigger;
import io.gitedge.sync.WebhookReceiver;
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
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running gateway: the one place that wires keys, identity, access rules, the mirror store, the
 * pack cache, the sync scheduler, metrics and the front doors together, failing with one clear
 * message if any part cannot start. Everything is built from the {@link GatewayConfig}; nothing
 * is global, so tests run several gateways in one JVM.
 */
public final class GatewayApp implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(GatewayApp.class);
  /** How long warming mirrors up may delay readiness after a restart. */
  private static final Duration WARMUP_BUDGET = Duration.ofMillis(500);

  private final Optional<TlsCredentials> tls;
  private final MirrorStore store;
  private final PackCache packCache;
  private final SyncScheduler scheduler;
  private final HttpFrontDoor https;
  private final Optional<SshFrontDoor> ssh;
  private final Optional<PeerEvents> peers;

  private GatewayApp(Optional<TlsCredentials> tls, MirrorStore store, PackCache packCache,
      SyncScheduler scheduler, HttpFrontDoor https, Optional<SshFrontDoor> ssh,
      Optional<PeerEvents> peers) {
    this.packCache = packCache;
    this.peers = peers;
    this.ssh = ssh;
    this.tls = tls;
    this.store = store;
    this.scheduler = scheduler;
    this.https = https;
  }

  /**
   * Starts a gateway: binds its listeners, warms the mirrors on disk up ({@link Warmup}, at most
   * about half a second) while {@code /readyz} still says "starting", then reports ready, loads
   * the mirrors' bitmaps and begins the first sync of every mirror in the background.
   *
   * @throws StartupException naming the config key (file and line) behind the problem
   */
  public static GatewayApp start(GatewayConfig config) throws StartupException {
    List<AutoCloseable> opened = new ArrayList<>();
    try {
      Files.createDirectories(config.dataDir());
      config.jgit().install();
      // reading SSH host keys sets up the SSH library's crypto (a third of a second): beside the
      // rest of the start, on the second core
      Optional<CompletableFuture<SshHostKeys>> hostKeys = config.ssh().map(
          sc -> CompletableFuture.supplyAsync(() -> {
            try {
              return SshHostKeys.loadOrGenerate(config.keysDir());
            } catch (KeyMaterialException e) {
              throw new CompletionException(e);
            }
          }, daemon("gitedge-host-keys")));
      Optional<TlsCredentials> tls = tls(config);
      tls.ifPresent(t -> log.info("TLS certificate {} SHA-256 {}", t.certificateFile(),
          t.sha256Fingerprint()));
      MirrorStore store = openStore(config);
      opened.add(store);
      MirrorCatalog catalog = new MirrorCatalog(config.upstreams());
      List<SyncPlan> plans = plans(catalog, store);
      List<MirrorName> names = plans.stream().map(SyncPlan::name).toList();
      GatewayMetrics metrics = new GatewayMetrics(config.region(), store, names,
          Clock.systemUTC());
      IdentityChain identities = IdentityChain.build(config.identity(), metrics::decision);
      identities.caches().forEach(metrics::identityCache);
      IdentitySource identity = identities.source();
      CallerAuthenticator authenticator = new CallerAuthenticator(identity);
      Optional<PeerEvents> peers;
      try {
        peers = config.peers().map(p -> new PeerEvents(p, config.region(), store,
            Clock.systemUTC(), metrics::peerEvent));
      } catch (IllegalArgumentException e) {
        throw config.origin().error("peers.caFile", e.getMessage(), e);
      }
      peers.ifPresent(opened::add);
      PackCache packCache;
      try {
        packCache = PackCache.open(config.packCache(), config.packCacheDir(),
            metrics::packCacheRequest);
      } catch (IOException e) {
        throw config.origin().error("dataDir", "cannot use " + config.packCacheDir()
            + " for the pack cache: " + rootCause(e).getMessage(), e);
      }
      opened.add(packCache);
      metrics.packCache(packCache);
      // in order: the pack cache drops what a sync made unreachable, metrics count, peers hear
      List<SyncListener> listeners = new ArrayList<>(List.of(packCache.syncListener(),
          metrics.syncListener()));
      peers.ifPresent(listeners::add);
      SyncListener listener = (result, triggers) -> listeners.forEach(
          l -> l.onSync(result, triggers));
      SyncScheduler scheduler = new SyncScheduler(store, plans, config.sync(), listener);
      opened.add(scheduler);
      peers.ifPresent(p -> p.attach(scheduler));
      WebhookReceiver webhooks = new WebhookReceiver(config.upstreams().stream()
          .filter(u -> u.webhookSecretFile().isPresent())
          .map(u -> new WebhookReceiver.Target(u.route(), u.webhookSecretFile().get()))
          .toList(), scheduler, Clock.systemUTC());
      ReadFreshness freshness = new ReadFreshness(scheduler, store, config.sync().readWait(),
          Clock.systemUTC());
      MirrorResolver resolver = new MirrorResolver(catalog, config.access().toPolicy(), store,
          scheduler, freshness, config.sync().firstSyncWait());
      UploadPackFactory uploadPacks = new UploadPackFactory(config.http().idleTimeout(),
          freshness);
      // warm the mirrors while the listeners start: on two cores the two overlap well
      CompletableFuture<Integer> warmup = CompletableFuture.supplyAsync(
          () -> Warmup.run(store, uploadPacks, names, WARMUP_BUDGET), daemon("gitedge-warmup"));
      HttpFrontDoor https = new HttpFrontDoor(config.http(), tls, authenticator, resolver,
          catalog, uploadPacks, packCache, metrics, new HookEndpoint(webhooks, peers, metrics),
          new AdminApi(config.region(), scheduler, store, Clock.systemUTC()));
      try {
        https.start();
      } catch (IOException e) {
        throw config.origin().error("http.listen", "cannot listen on "
            + config.http().listenHost() + ":" + config.http().listenPort() + ": "
            + rootCause(e).getMessage(), e);
      }
      opened.add(https);
      Optional<SshFrontDoor> ssh = Optional.empty();
      if (config.ssh().isPresent()) {
        SshConfig sc = config.ssh().get();
        SshHostKeys keys = join(hostKeys.get());
        keys.keys().forEach(k -> log.info("SSH host key {} {}", k.type(), k.fingerprint()));
        SshFrontDoor door = new SshFrontDoor(sc, keys, identity, resolver,
            new UploadPackFactory(sc.ioTimeout(), freshness), metrics,
            config.dataDir().resolve("empty"));
        try {
          door.start();
        } catch (IOException e) {
          door.close();
          throw config.origin().error("ssh.listen", "cannot listen on " + sc.listenHost() + ":"
              + sc.listenPort() + ": " + rootCause(e).getMessage(), e);
        }
        opened.add(door);
        ssh = Optional.of(door);
      }
      https.warmUp();
      int warmed = warmup.join();
      https.markReady();
      Thread bitmaps = new Thread(() -> Warmup.loadBitmaps(store, names, metrics.activity()),
          "gitedge-bitmaps");
      bitmaps.setDaemon(true);
      bitmaps.start();
      scheduler.start();
      GatewayApp app = new GatewayApp(tls, store, packCache, scheduler, https, ssh, peers);
      log.info("GitEdge region {} serving {} ({} mirrors, {} warmed up)", config.region(),
          app.publicUrl(), names.size(), warmed);
      return app;
    } catch (ConfigException e) {
      closeAll(opened);
      throw new StartupException(e.getMessage(), e);
    } catch (IOException | KeyMaterialException e) {
      closeAll(opened);
      throw new StartupException(e.getMessage(), e);
    }
  }

  /**
   * The listed mirrors, and those made on demand by earlier runs (found on disk under a prefix
   * that still has {@code mirrorOnDemand}); other mirrors on disk are left alone, unserved.
   */
  private static List<SyncPlan> plans(MirrorCatalog catalog, MirrorStore store)
      throws IOException {
    List<SyncPlan> plans = new ArrayList<>(catalog.plans());
    for (MirrorName n : store.mirrors()) {
      if (catalog.listed(n).isPresent()) {
        continue;
      }
      Optional<SyncPlan> p = catalog.onDemand(n);
      if (p.isPresent()) {
        plans.add(p.get());
      } else {
        log.info("not serving {}: on disk, but no longer in the config", n);
      }
    }
    return plans;
  }

  private static Optional<TlsCredentials> tls(GatewayConfig config)
      throws KeyMaterialException, ConfigException {
    HttpConfig.Tls t = config.http().tls();
    if (t instanceof HttpConfig.Tls.Off) {
      return Optional.empty();
    }
    if (t instanceof HttpConfig.Tls.Files f) {
      try {
        return Optional.of(TlsKeys.load(f.certFile(), f.keyFile()));
      } catch (KeyMaterialException e) {
        throw config.origin().error("http.tls.certFile", e.getMessage(), e);
      }
    }
    List<String> names = config.http().publicUrl().map(URI::getHost).stream().toList();
    return Optional.of(TlsKeys.loadOrGenerate(config.keysDir(), names));
  }

  private static MirrorStore openStore(GatewayConfig config) throws ConfigException {
    try {
      return MirrorStore.open(new StoreConfig(config.mirrorsDir(), config.sync().fetchTimeout(),
          StoreConfig.DEFAULT_REPACK_AFTER_PACKS, config.sync().ingest()));
    } catch (IOException e) {
      throw config.origin().error("dataDir", e.getMessage(), e);
    }
  }

  /** The URL clients use: the configured {@code publicUrl}, or this listener's own. */
  public URI publicUrl() {
    return https.publicUrl();
  }

  /** The HTTPS port actually bound (useful when the config asked for port 0). */
  public int httpsPort() {
    return https.port();
  }

  /** The SSH port actually bound, when the SSH door is on. */
  public Optional<Integer> sshPort() {
    return ssh.map(SshFrontDoor::port);
  }

  /** The PEM certificate clients trust, when TLS is on. */
  public Optional<Path> tlsCertificate() {
    return tls.map(TlsCredentials::certificateFile);
  }

  /** Syncs {@code name} now (joining a running sync) and returns its result. */
  public CompletableFuture<SyncResult> syncNow(MirrorName name) {
    return scheduler.requestSync(name, Trigger.ADMIN);
  }

  @Override
  public void close() {
    // closed in reverse: the doors first, the pack cache (which writes its memory tier to disk)
    // once no request can reach it
    List<AutoCloseable> parts = new ArrayList<>(List.of(store, packCache));
    peers.ifPresent(parts::add);
    parts.add(scheduler);
    parts.add(https);
    ssh.ifPresent(parts::add);
    closeAll(parts);
  }

  /** Runs a start-up task in a thread of its own that a failed start does not wait for. */
  private static Executor daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      t.start();
    };
  }

  private static SshHostKeys join(CompletableFuture<SshHostKeys> keys)
      throws KeyMaterialException {
    try {
      return keys.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof KeyMaterialException k) {
        throw k;
      }
      throw e;
    }
  }

  private static Throwable rootCause(Throwable t) {
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
