package io.gitedge.gateway.app;

import io.gitedge.config.ConfigException;
import io.gitedge.gateway.config.ConfigLoader;
import io.gitedge.gateway.config.GatewayConfig;
import io.gitedge.gateway.config.HttpConfig;
import io.gitedge.gateway.config.PeersConfig;
import io.gitedge.gateway.fleet.Ancestry;
import io.gitedge.gateway.fleet.FleetClient;
import io.gitedge.gateway.fleet.FleetComparison;
import io.gitedge.gateway.fleet.PeerToken;
import io.gitedge.gateway.fleet.RegionAnswer;
import io.gitedge.gateway.git.MirrorCatalog;
import io.gitedge.keys.KeyMaterialException;
import io.gitedge.keys.TlsKeys;
import io.gitedge.keys.TrustedCertificates;
import io.gitedge.store.InvalidMirrorNameException;
import io.gitedge.store.MirrorName;
import io.gitedge.store.MirrorRefs;
import io.gitedge.store.UpstreamRefs;
import io.gitedge.sync.SyncPlan;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;

/**
 * {@code gitedge verify --config FILE [--url URL] [--peer URL]... [--upstream]}: proof that the
 * regions serve the same thing. Asks this region's admin API and every peer's (
 * {@code peers.urls} and {@code --peer}) at once, with the {@code peers.tokenFile} token, for
 * their mirrors, refs and Go module zip hashes; compares every mirror in every pair of regions
 * with {@link FleetComparison} (from outside, so branch order comes from the regions' sync
 * times), and with {@code --upstream} every region's mirror with what its upstream lists now.
 * Prints one line per finding that is not "level", then a summary.
 *
 * <p>Exit status: 0 when level or only lagging (the lag lines are printed), 1 when any tag has
 * diverged or a Go module version has different zips in two regions, 2 when a region (or an
 * upstream) could not be asked or the config is unusable. Divergence wins over 2: a divergence
 * found is certain, and is the news to act on, whatever the regions that could not be asked
 * would have added.
 */
final class VerifyCommand {
  private VerifyCommand() {}

  static Cli.Command command() {
    return Cli.Command.of("verify",
        List.of("Compare every mirror across the regions (and with --upstream, with its"
            + " upstream).", "Exit status: 0 level or only lag, 1 a tag or module zip"
            + " diverged, 2 a region could not be asked."),
        List.of(Cli.Option.of("--config,-c", "FILE", "This region's gateway config (YAML); its"
                + " peers.tokenFile holds an admins token every region accepts.").mandatory(),
            Cli.Option.of("--url", "URL", "This region's gateway (default: http.publicUrl, else"
                + " the http.listen address)."),
            Cli.Option.of("--peer", "URL", "Another region's gateway, besides peers.urls"
                + " (repeatable)."),
            Cli.Option.flag("--upstream", "Also compare each mirror with its upstream's refs.")),
        VerifyCommand::run);
  }

  private static int run(Cli.Args args) {
    PrintStream out = args.out();
    PrintStream err = args.err();
    Path configFile = Path.of(args.get("--config").orElseThrow());
    GatewayConfig config;
    URI self;
    FleetClient selfClient;
    FleetClient peersClient;
    try {
      config = ConfigLoader.load(configFile);
      PeersConfig peers = config.peers().filter(p -> p.tokenFile().isPresent()).orElse(null);
      if (peers == null) {
        err.println("gitedge: " + configFile + " has no peers.tokenFile: verify asks each"
            + " region's admin API with that token (make one with gitedge token create --group"
            + " admins, accepted in every region)");
        return 2;
      }
      self = args.get("--url").map(u -> URI.create(u.replaceAll("/+$", "")))
          .orElseGet(() -> selfUrl(config.http()));
      PeerToken token = new PeerToken(peers.tokenFile().get());
      selfClient = new FleetClient(token, peers.timeout(), ownCertificate(config)
          .map(VerifyCommand::trusting));
      peersClient = new FleetClient(token, peers.timeout(), peers.caFile()
          .map(VerifyCommand::trusting));
    } catch (ConfigException | IllegalArgumentException | IllegalStateException e) {
      err.println("gitedge: " + e.getMessage());
      return 2;
    }
    LinkedHashSet<URI> others = new LinkedHashSet<>(config.peers().get().urls());
    for (String p : args.all("--peer")) {
      try {
        others.add(URI.create(p.replaceAll("/+$", "")));
      } catch (IllegalArgumentException e) {
        err.println("gitedge: --peer: not a URL: " + p);
        return 2;
      }
    }
    others.remove(self);
    List<CompletableFuture<RegionAnswer>> asked = new ArrayList<>();
    asked.add(selfClient.ask(self));
    others.forEach(u -> asked.add(peersClient.ask(u)));
    List<RegionAnswer.Answered> regions = new ArrayList<>();
    VerifyReport report = new VerifyReport(out);
    for (CompletableFuture<RegionAnswer> f : asked) {
      RegionAnswer a = f.join();
      if (a instanceof RegionAnswer.Answered ok) {
        regions.add(ok);
      } else {
        report.unasked("unreachable " + a.url() + ": " + ((RegionAnswer.Unanswered) a).error());
      }
    }
    SortedSet<String> names = new TreeSet<>();
    regions.forEach(r -> names.addAll(r.mirrors().keySet()));
    for (String name : names) {
      for (int i = 0; i < regions.size(); i++) {
        for (int j = i + 1; j < regions.size(); j++) {
          report.all(name, FleetComparison.compare(regions.get(i).view(name),
              regions.get(j).view(name), Ancestry.NONE));
        }
      }
    }
    if (args.has("--upstream")) {
      compareWithUpstreams(config, names, regions, report);
    }
    return report.finish(names.size(), regions.stream().map(RegionAnswer.Answered::region)
        .toList(), args.has("--upstream"));
  }

  /** Lists each mirror's upstream (a few at once) and compares every region's mirror with it. */
  private static void compareWithUpstreams(GatewayConfig config, SortedSet<String> names,
      List<RegionAnswer.Answered> regions, VerifyReport report) {
    MirrorCatalog catalog = new MirrorCatalog(config.upstreams());
    Duration timeout = config.sync().fetchTimeout();
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(4,
        config.sync().workers())), r -> {
          Thread t = new Thread(r, "gitedge-verify-upstream");
          t.setDaemon(true);
          return t;
        });
    try {
      Map<String, CompletableFuture<Object>> listings = new TreeMap<>();
      for (String name : names) {
        Optional<SyncPlan> plan = plan(catalog, name);
        listings.put(name, plan.isEmpty()
            ? CompletableFuture.completedFuture("no upstreams entry of this config covers it")
            : CompletableFuture.supplyAsync(() -> {
              try {
                return UpstreamRefs.list(plan.get().upstream(), timeout);
              } catch (IOException e) {
                return e.getMessage();
              }
            }, pool));
      }
      for (Map.Entry<String, CompletableFuture<Object>> l : listings.entrySet()) {
        Object listed = l.getValue().join();
        if (listed instanceof MirrorRefs upstream) {
          for (RegionAnswer.Answered r : regions) {
            if (r.mirrors().containsKey(l.getKey())) {
              report.all(l.getKey(), FleetComparison.compareWithUpstream(upstream,
                  r.view(l.getKey())));
            }
          }
        } else {
          report.unasked("unreachable upstream of " + l.getKey() + ": " + listed);
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static Optional<SyncPlan> plan(MirrorCatalog catalog, String name) {
    try {
      MirrorName n = MirrorName.parse(name);
      return catalog.listed(n).or(() -> catalog.onDemand(n));
    } catch (InvalidMirrorNameException e) {
      return Optional.empty();
    }
  }

  /**
   * This gateway's URL from its config: {@code http.publicUrl}, else the listen address.
   *
   * @throws IllegalStateException when the listen port is chosen at start (0)
   */
  static URI selfUrl(HttpConfig http) {
    if (http.publicUrl().isPresent()) {
      return http.publicUrl().get();
    }
    if (http.listenPort() == 0) {
      throw new IllegalStateException("http.listen picks a free port (0) and there is no"
          + " http.publicUrl; pass --url");
    }
    String host = switch (http.listenHost()) {
      case "0.0.0.0" -> "127.0.0.1";
      case "::" -> "[::1]";
      default -> http.listenHost().contains(":") ? "[" + http.listenHost() + "]"
          : http.listenHost();
    };
    String scheme = http.tls() instanceof HttpConfig.Tls.Off ? "http" : "https";
    return URI.create(scheme + "://" + host + ":" + http.listenPort());
  }

  /** The certificate this gateway serves, which its own URL is trusted by. */
  private static Optional<Path> ownCertificate(GatewayConfig config) {
    HttpConfig.Tls tls = config.http().tls();
    if (tls instanceof HttpConfig.Tls.Files f) {
      return Optional.of(f.certFile());
    }
    Path generated = config.keysDir().resolve(TlsKeys.CERT_FILE);
    return tls instanceof HttpConfig.Tls.Generated && Files.isRegularFile(generated)
        ? Optional.of(generated) : Optional.empty();
  }

  private static SSLContext trusting(Path pem) {
    try {
      return TrustedCertificates.sslContext(pem);
    } catch (KeyMaterialException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }
}
