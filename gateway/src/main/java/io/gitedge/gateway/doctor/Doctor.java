package io.gitedge.gateway.doctor;

import io.gitedge.config.ConfigException;
import io.gitedge.gateway.config.ConfigLoader;
import io.gitedge.gateway.config.GatewayConfig;
import io.gitedge.gateway.config.IdentityConfig;
import io.gitedge.gateway.config.UpstreamConfig;
import io.gitedge.keys.KeyMaterialException;
import io.gitedge.keys.TrustedCertificates;
import io.gitedge.store.UpstreamRoute;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * {@code gitedge doctor}: loads a config with the same {@link ConfigLoader} as {@code serve}
 * (a config that does not load is the one line printed, with its file:line message) and checks,
 * printing one line per check in this order: the data folder ({@link DataDirCheck}), the keys
 * ({@link KeysCheck}), every upstream ({@link UpstreamCheck}), the identity sources
 * ({@link IdentityCheck}), the fleet's peers and Kafka ({@link FleetCheck}), and the clock
 * against the upstreams and identity services ({@link ClockCheck}); then a summary.
 *
 * <p>Every check that talks to another host starts at once, on its own thread, before the local
 * checks run; each of its steps has a short timeout ({@link #TIMEOUT}, or an identity source's
 * own), and none may take more than {@link #LIMIT}, so dead hosts cost seconds, not minutes.
 * Exit status: 0 when nothing failed (warnings allowed), 1 when a check failed or the config
 * does not load. Changes nothing: keys and folders the gateway would create are reported as
 * such, not created. Never prints a secret (token files are named, never read out).
 */
public final class Doctor {
  /** The timeout of each network step: DNS, TCP, TLS, a listing's silence, a Date request. */
  public static final Duration TIMEOUT = Duration.ofSeconds(5);
  /** The longest any one check may take in all. */
  static final Duration LIMIT = Duration.ofSeconds(30);

  private Doctor() {}

  /** Checks the gateway of {@code configFile}, printing to {@code out}; returns the status. */
  public static int run(Path configFile, PrintStream out) {
    DoctorReport report = new DoctorReport(out);
    GatewayConfig config;
    try {
      config = ConfigLoader.load(configFile);
    } catch (ConfigException e) {
      report.add(Outcome.fail("config", e.getMessage()));
      return report.configFailed();
    }
    report.add(Outcome.ok("config " + configFile, "loads (region " + config.region() + ", "
        + config.upstreams().size() + " upstream" + (config.upstreams().size() == 1 ? "" : "s")
        + ")"));
    ExecutorService pool = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "gitedge-doctor");
      t.setDaemon(true);
      return t;
    });
    try {
      Places places = new Places(config.origin());
      List<Probe> upstreams = new ArrayList<>();
      for (int i = 0; i < config.upstreams().size(); i++) {
        UpstreamConfig u = config.upstreams().get(i);
        int index = i;
        upstreams.add(new Probe("upstream " + u.route().prefix(),
            () -> UpstreamCheck.check(u, index, places, TIMEOUT, pool)));
      }
      List<Probe> fleet = new ArrayList<>(FleetCheck.peers(config, TIMEOUT));
      fleet.addAll(FleetCheck.kafka(config, TIMEOUT, pool));
      // all at once, before the local checks
      List<CompletableFuture<List<Outcome>>> upstreamLines = start(upstreams, pool);
      List<CompletableFuture<List<Outcome>>> identityLines =
          start(IdentityCheck.remote(config.identity()), pool);
      List<CompletableFuture<List<Outcome>>> fleetLines = start(fleet, pool);
      List<CompletableFuture<List<Outcome>>> clockLines =
          start(ClockCheck.check(clockTargets(config), TIMEOUT), pool);

      report.addAll(DataDirCheck.check(config));
      report.addAll(KeysCheck.check(config));
      upstreamLines.forEach(f -> report.addAll(f.join()));
      report.add(IdentityCheck.file(config.identity()));
      identityLines.forEach(f -> report.addAll(f.join()));
      report.addAll(FleetCheck.secrets(config));
      fleetLines.forEach(f -> report.addAll(f.join()));
      clockLines.forEach(f -> report.addAll(f.join()));
    } finally {
      pool.shutdownNow();
    }
    return report.finish();
  }

  private static List<CompletableFuture<List<Outcome>>> start(List<Probe> probes,
      ExecutorService pool) {
    List<CompletableFuture<List<Outcome>>> out = new ArrayList<>();
    for (Probe p : probes) {
      out.add(CompletableFuture.supplyAsync(() -> {
        try {
          return p.work().get();
        } catch (RuntimeException e) {
          return Outcome.one(Outcome.fail(p.subject(), "the check itself failed: " + e));
        }
      }, pool).completeOnTimeout(Outcome.one(Outcome.fail(p.subject(), "no result within "
          + LIMIT.toSeconds() + " s: it accepts connections but answers too slowly")),
          LIMIT.toMillis(), TimeUnit.MILLISECONDS));
    }
    return out;
  }

  /** The HTTP(S) upstreams and identity services, whose Date headers the clock is held to. */
  private static List<ClockCheck.Target> clockTargets(GatewayConfig config) {
    List<ClockCheck.Target> out = new ArrayList<>();
    for (UpstreamConfig u : config.upstreams()) {
      for (Optional<UpstreamRoute> r = Optional.of(u.route()); r.isPresent();
          r = r.get().fallback()) {
        String url = r.get().baseUrl();
        if (url.startsWith("https://") || url.startsWith("http://")) {
          out.add(new ClockCheck.Target(URI.create(url), r.get().trust().map(Doctor::trusting),
              "upstream " + u.route().prefix()));
        }
      }
    }
    IdentityConfig id = config.identity();
    id.oidc().ifPresent(o -> out.add(new ClockCheck.Target(o.issuer(), ca(o.caFile()),
        "identity oidc")));
    id.introspection().ifPresent(i -> out.add(new ClockCheck.Target(i.url(), ca(i.caFile()),
        "identity introspection")));
    id.httpKeys().ifPresent(h -> out.add(new ClockCheck.Target(h.url(), ca(h.caFile()),
        "identity httpKeys")));
    return out;
  }

  private static SSLContext trusting(X509TrustManager trust) {
    try {
      SSLContext c = SSLContext.getInstance("TLS");
      c.init(null, new TrustManager[] {trust}, null);
      return c;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The CA file's context; the JVM's when it cannot be read (its source's line says why). */
  private static Optional<SSLContext> ca(Optional<Path> caFile) {
    try {
      return caFile.isPresent() ? Optional.of(TrustedCertificates.sslContext(caFile.get()))
          : Optional.empty();
    } catch (KeyMaterialException e) {
      return Optional.empty();
    }
  }
}
