package io.gitedge.gateway.doctor;

import io.gitedge.gateway.config.UpstreamConfig;
import io.gitedge.store.MirrorName;
import io.gitedge.store.MirrorRefs;
import io.gitedge.store.Upstream;
import io.gitedge.store.UpstreamRefs;
import io.gitedge.store.UpstreamRoute;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import org.eclipse.jgit.transport.URIish;

/**
 * One upstream entry (and its fallback, if any): is its host reachable ({@link Reach}), and does
 * a ref listing of its repositories work with its credentials, exactly as a sync lists
 * ({@link UpstreamRefs}, the mirror store's own listing)? At most {@link #SAMPLE} repositories
 * per entry are listed, at once; the line says when that is a sample. A refusal is told apart
 * from a missing repository and from a host that is down, each with what to fix.
 */
final class UpstreamCheck {
  /** Repositories listed per upstream entry at most. */
  static final int SAMPLE = 3;

  private final UpstreamConfig upstream;
  private final Places places;
  private final String key;
  private final Duration timeout;
  private final ExecutorService pool;

  private UpstreamCheck(UpstreamConfig upstream, int index, Places places, Duration timeout,
      ExecutorService pool) {
    this.upstream = upstream;
    this.places = places;
    this.key = "upstreams[" + index + "]";
    this.timeout = timeout;
    this.pool = pool;
  }

  /** The lines of upstream entry number {@code index} (its primary url, then its fallback). */
  static List<Outcome> check(UpstreamConfig upstream, int index, Places places, Duration timeout,
      ExecutorService pool) {
    UpstreamCheck c = new UpstreamCheck(upstream, index, places, timeout, pool);
    List<Outcome> out = new ArrayList<>(c.route(upstream.route(), "", ".url", ".credentials"));
    upstream.route().fallback().ifPresent(f -> out.addAll(c.route(f, " fallback", ".fallbackUrl",
        ".fallbackCredentials")));
    return out;
  }

  private List<Outcome> route(UpstreamRoute route, String role, String urlKey,
      String credentialsKey) {
    String subject = "upstream " + route.prefix() + role + " (" + route.baseUrl() + ")";
    List<Outcome> out = new ArrayList<>();
    Outcome reach = reach(route, subject, urlKey);
    out.add(reach);
    if (reach.status() == Outcome.Status.FAIL) {
      return out; // a listing would only fail the same way, later
    }
    List<MirrorName> sample = upstream.repos().stream().limit(SAMPLE).toList();
    List<CompletableFuture<Outcome>> listings = new ArrayList<>();
    for (MirrorName name : sample) {
      Upstream u = route.upstreamFor(name).orElseThrow();
      // the listing alone, as a sync's first step: without the fallback, which is checked apart
      Upstream alone = new Upstream(u.url(), u.credentials(), u.trust(), Optional.empty(),
          List.of());
      listings.add(CompletableFuture.supplyAsync(() -> list(name, alone, credentialsKey), pool));
    }
    listings.forEach(l -> out.add(l.join()));
    return out;
  }

  private Outcome reach(UpstreamRoute route, String subject, String urlKey) {
    String url = route.baseUrl();
    String count = upstream.repos().isEmpty()
        ? "; no repos to list (mirrorOnDemand), so only reachability is checked"
        : upstream.repos().size() > SAMPLE ? "; listing " + SAMPLE + " of its "
            + upstream.repos().size() + " repos (a sample)" : "";
    if (url.startsWith("file:")) {
      Path dir = Path.of(URI.create(url));
      return Files.isDirectory(dir) ? Outcome.ok(subject, "a local folder" + count)
          : Outcome.fail(subject, dir + " is not a folder: fix " + places.at(key + urlKey));
    }
    String host;
    int port;
    boolean https;
    try {
      URIish u = new URIish(url);
      host = u.getHost();
      https = "https".equals(u.getScheme());
      boolean http = https || "http".equals(u.getScheme());
      port = u.getPort() > 0 ? u.getPort() : https ? 443 : http ? 80 : 22;
    } catch (java.net.URISyntaxException e) {
      return Outcome.fail(subject, "not a usable URL: fix " + places.at(key + urlKey));
    }
    Reach.Result r = Reach.check(host, port, https, route.trust(), timeout, pool);
    if (!r.ok()) {
      return Outcome.fail(subject, r.detail() + switch (r.failedStep()) {
        case "DNS" -> ": check " + places.at(key + urlKey) + " and this machine's DNS";
        case "TCP" -> ": is the upstream up? check " + places.at(key + urlKey)
            + ", firewalls and proxies";
        default -> ": if its certificate comes from a private CA, set " + key + ".caFile";
      });
    }
    Optional<Instant> expiry = r.certificateExpiry();
    if (expiry.isPresent() && expiry.get().isBefore(Instant.now().plus(
        KeysCheck.EXPIRY_WARNING))) {
      return Outcome.warn(subject, "reachable (" + r.detail() + "), but its certificate expires"
          + " on " + expiry.get() + ": syncs will fail then unless the upstream renews it");
    }
    return Outcome.ok(subject, "reachable (" + r.detail() + ")" + count);
  }

  private Outcome list(MirrorName name, Upstream u, String credentialsKey) {
    String subject = "upstream " + name + " (" + u.url() + ")";
    long t0 = System.nanoTime();
    try {
      MirrorRefs refs = UpstreamRefs.list(u, timeout);
      int n = refs.count();
      return Outcome.ok(subject, n + " ref" + (n == 1 ? "" : "s") + " listed in "
          + Reach.ms(System.nanoTime() - t0));
    } catch (IOException e) {
      // the line names the URL already: JGit's message names it twice more
      String message = e.getMessage().replace("cannot list refs of " + u.url() + ": ", "")
          .replace(u.url() + ": ", "");
      return Outcome.fail(subject, explain(message, u.credentials().isPresent(),
          places.at(key + credentialsKey)));
    } catch (RuntimeException e) {
      return Outcome.fail(subject, "the listing failed: " + e);
    }
  }

  /** The listing's error, with what it most likely means and what to fix. */
  private String explain(String message, boolean hasCredentials, String credentials) {
    String m = message.toLowerCase(Locale.ROOT);
    if (m.contains("not authorized") || m.contains("authentication is required")
        || m.contains("401") || m.contains("auth fail")
        || m.contains("no more authentication methods")) {
      return hasCredentials
          ? "401 Unauthorized: the upstream refused the credentials of " + credentials
              + "; check that the token (or key) in that file is current and may read this"
              + " repository (" + message + ")"
          : "401 Unauthorized: the upstream wants credentials; add " + key
              + ".credentials (" + message + ")";
    }
    if (m.contains("403") || m.contains("forbidden") || m.contains("not permitted")) {
      return "403 Forbidden: the upstream knows the credentials of " + credentials
          + " but will not let them read this repository; grant read access (" + message + ")";
    }
    if (m.contains("not found") || m.contains("404")
        || m.contains("does not appear to be a git repository")) {
      return "not found: check the name in " + places.at(key + ".repos") + ", the url and"
          + " urlSuffix (a token that cannot see a private repository gets this too) ("
          + message + ")";
    }
    if (m.contains("host key") || m.contains("known_hosts") || m.contains("known hosts")) {
      return message + ": put the upstream's host key in the knownHostsFile of " + credentials;
    }
    if (m.contains("token file") || m.contains("ssh key")) {
      return message + ": fix " + credentials;
    }
    return message;
  }
}
