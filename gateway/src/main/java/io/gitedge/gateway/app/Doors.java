package io.gitedge.gateway.app;

import io.gitedge.auth.IdentitySource;
import io.gitedge.config.ConfigException;
import io.gitedge.gateway.config.GatewayConfig;
import io.gitedge.gateway.config.PeersConfig;
import io.gitedge.gateway.config.SshConfig;
import io.gitedge.gateway.events.PeerSecret;
import io.gitedge.gateway.fleet.FleetClient;
import io.gitedge.gateway.fleet.PeerToken;
import io.gitedge.gateway.git.CallerAuthenticator;
import io.gitedge.gateway.git.Door;
import io.gitedge.gateway.git.MirrorResolver;
import io.gitedge.gateway.git.ReadPath;
import io.gitedge.gateway.git.UploadPackFactory;
import io.gitedge.gateway.http.AdminApi;
import io.gitedge.gateway.http.FleetEndpoint;
import io.gitedge.gateway.http.HookEndpoint;
import io.gitedge.gateway.http.HttpFrontDoor;
import io.gitedge.gateway.http.ModuleHashes;
import io.gitedge.gateway.http.PeerEventEndpoint;
import io.gitedge.gateway.http.ServerTls;
import io.gitedge.gateway.http.StatusPage;
import io.gitedge.gateway.observe.GatewayMetrics;
import io.gitedge.gateway.goproxy.GoProxy;
import io.gitedge.gateway.packcache.PackCache;
import io.gitedge.gateway.ssh.SshFrontDoor;
import io.gitedge.keys.KeyMaterialException;
import io.gitedge.keys.SshHostKeys;
import io.gitedge.keys.TlsCredentials;
import io.gitedge.keys.TrustedCertificates;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The doors assembly: each front door over its own {@link ReadPath} (the shared resolver and
 * pack cache, the door's own upload-pack I/O timeout), bound and serving. A door that cannot
 * bind stops the start with the {@code listen} key's file and line.
 */
final class Doors implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Doors.class);

  final HttpFrontDoor https;
  final Optional<SshFrontDoor> ssh;

  private Doors(HttpFrontDoor https, Optional<SshFrontDoor> ssh) {
    this.https = https;
    this.ssh = ssh;
  }

  /** What the doors read through, and the sync side they hand webhooks and events to. */
  record ReadSide(CallerAuthenticator authenticator, IdentitySource identity,
      MirrorResolver resolver, PackCache packCache, UploadPackFactory httpsUploadPacks,
      GatewayMetrics metrics, Optional<GoProxy> goProxy) {}

  /**
   * Starts HTTPS, then SSH when configured ({@code hostKeys} present exactly then: they are read
   * beside the HTTPS start).
   *
   * @throws ConfigException when a listener cannot bind
   * @throws KeyMaterialException when the SSH host keys cannot be read or made
   */
  static Doors start(GatewayConfig config, Optional<TlsCredentials> tls, ServerTls serverTls,
      Optional<CompletableFuture<SshHostKeys>> hostKeys, ReadSide reads, Mirrors mirrors,
      SyncEventFlow sync, Clock clock, StartupTimeline timeline)
      throws ConfigException, KeyMaterialException {
    GatewayMetrics metrics = reads.metrics();
    ModuleHashes modules = reads.goProxy().map(p -> new ModuleHashes(p::built))
        .orElse(ModuleHashes.NONE);
    FleetEndpoint fleet = new FleetEndpoint(config.region(), sync.scheduler, mirrors.store(),
        clock, config.peers().map(PeersConfig::urls).orElse(List.of()), fleetClient(config),
        modules);
    HttpFrontDoor https = new HttpFrontDoor(config.http(), tls, serverTls,
        readPath(Door.HTTPS, reads, reads.httpsUploadPacks()),
        new HttpFrontDoor.Services(metrics, new HookEndpoint(sync.webhooks, metrics),
            config.peers().map(p -> new PeerEventEndpoint(new PeerSecret(p.secretFile()),
                sync.incoming, metrics, clock)),
            new AdminApi(config.region(), sync.scheduler, mirrors.store(), clock, modules),
            fleet, reads.goProxy(),
            new StatusPage(config.region(), sync.scheduler, mirrors.store(), clock,
                sync.history, reads.packCache(), config.packCache(), metrics,
                IdentityChain.describe(config.identity()), fleet)));
    try {
      https.start();
    } catch (IOException e) {
      throw config.origin().error("http.listen", "cannot listen on "
          + config.http().listenHost() + ":" + config.http().listenPort() + ": "
          + GatewayApp.rootCause(e).getMessage(), e);
    }
    timeline.mark("HTTPS listener");
    if (config.ssh().isEmpty()) {
      return new Doors(https, Optional.empty());
    }
    SshConfig sc = config.ssh().get();
    SshHostKeys keys;
    try {
      keys = join(hostKeys.orElseThrow());
    } catch (KeyMaterialException e) {
      https.close();
      throw e;
    }
    timeline.mark("waiting for the SSH host keys");
    keys.keys().forEach(k -> log.info("SSH host key {} {}", k.type(), k.fingerprint()));
    SshFrontDoor ssh;
    try {
      ssh = new SshFrontDoor(sc, keys, reads.identity(), readPath(Door.SSH, reads,
          new UploadPackFactory(sc.ioTimeout(), sync.freshness)),
          config.dataDir().resolve("empty"));
    } catch (IOException e) {
      https.close();
      throw config.origin().error("dataDir", e.getMessage(), e);
    }
    try {
      ssh.start();
      timeline.mark("SSH listener");
      return new Doors(https, Optional.of(ssh));
    } catch (IOException e) {
      ssh.close();
      https.close();
      throw config.origin().error("ssh.listen", "cannot listen on " + sc.listenHost() + ":"
          + sc.listenPort() + ": " + GatewayApp.rootCause(e).getMessage(), e);
    }
  }

  /** How the peers are asked for their mirrors: only with a {@code peers.tokenFile}. */
  private static Optional<FleetClient> fleetClient(GatewayConfig config) throws ConfigException {
    if (config.peers().isEmpty() || config.peers().get().tokenFile().isEmpty()) {
      return Optional.empty();
    }
    PeersConfig p = config.peers().get();
    try {
      Optional<SSLContext> ssl = p.caFile().isPresent()
          ? Optional.of(TrustedCertificates.sslContext(p.caFile().get())) : Optional.empty();
      return Optional.of(new FleetClient(new PeerToken(p.tokenFile().get()), p.timeout(), ssl));
    } catch (KeyMaterialException e) {
      throw config.origin().error("peers.caFile", e.getMessage(), e);
    }
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

  private static ReadPath readPath(Door door, ReadSide reads, UploadPackFactory uploadPacks) {
    return new ReadPath(door, reads.authenticator(), reads.resolver(), uploadPacks,
        reads.packCache(), reads.metrics());
  }

  /**
   * Both doors refuse new connections from now on, at once, and {@code /readyz} says
   * "stopping"; connections and sessions already open are served on.
   */
  void stopAccepting() {
    https.stopAccepting();
    ssh.ifPresent(SshFrontDoor::stopAccepting);
  }

  @Override
  public void close() {
    ssh.ifPresent(SshFrontDoor::close);
    https.close();
  }

  /**
   * Closes both doors once drained: SSH sessions send what they still hold for a slow client
   * (at most {@code sshFlush}), HTTPS connections end after their response (their bytes are in
   * the kernel's hands already).
   */
  void closeAfterDrain(Duration sshFlush) {
    ssh.ifPresent(s -> s.closeFlushing(sshFlush));
    https.close();
  }

  /** Closes both doors without waiting for the requests on them. */
  void closeNow() {
    ssh.ifPresent(SshFrontDoor::close);
    https.closeNow();
  }
}
