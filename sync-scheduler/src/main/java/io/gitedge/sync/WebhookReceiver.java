package io.gitedge.sync;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.gitedge.store.MirrorName;
import io.gitedge.store.UpstreamRoute;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns an upstream's webhook into a sync request, trusting nothing in it but what its signature
 * covers, and from that only the repository URLs:
 *
 * <ol>
 *   <li>the signature (or GitLab token) must match the secret of an upstream that takes webhooks,
 *       else 401 and nothing happens;
 *   <li>a repeated delivery id (within an hour) is answered 202 and ignored;
 *   <li>the JSON body is read with a nesting limit; malformed, 400;
 *   <li>its repository URLs ({@code clone_url}, {@code html_url}, {@code ssh_url},
 *       {@code git_http_url}, Bitbucket's {@code links.*.href}, ...) are matched against the base
 *       URLs of the upstreams whose secret matched; each match that is a mirror here gets a sync
 *       request (single flight: a burst of pushes makes at most one running and one waiting
 *       sync);
 *   <li>the answer is 202 at once, whether or not anything matched, so a webhook reveals nothing
 *       about which repositories are mirrored. URLs from a payload are compared, never fetched.
 * </ol>
 *
 * Thread-safe.
 */
public final class WebhookReceiver {
  private static final Logger log = LoggerFactory.getLogger(WebhookReceiver.class);
  /** Bodies larger than this are refused (413) before they are read. */
  public static final int MAX_BODY = 1 << 20;
  /**
   * How long a delivery id is remembered: a redelivery within it is a duplicate, after it a new
   * delivery (at most one more sync). Measured on the receiver's clock.
   */
  static final Duration DEDUPE_TTL = Duration.ofHours(1);
  private static final Set<String> URL_FIELDS = Set.of("clone_url", "html_url", "ssh_url",
      "git_url", "url", "http_url", "git_http_url", "git_ssh_url", "web_url", "homepage", "href");
  private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64)
          .maxStringLength(MAX_BODY).build())
      .build());

  /**
   * An upstream that takes webhooks: its route (where its repositories are) and the file holding
   * the shared secret (read at every delivery, so rotating it needs no restart).
   */
  public record Target(UpstreamRoute route, Path secretFile) {
    public Target {
      Objects.requireNonNull(route, "route");
      Objects.requireNonNull(secretFile, "secretFile");
    }
  }

  /**
   * How a delivery ended, for the sender (the front door turns it into its own answer), the
   * metrics and the log.
   */
  public enum Outcome {
    /** Taken: the mirrors it names are being synced. */
    ACCEPTED,
    /** Taken, but it names nothing mirrored here (or nothing that needs a sync). */
    IGNORED,
    /** A delivery received before. */
    DUPLICATE,
    /** The sender checking that it can reach us (GitHub's ping). */
    PING,
    /** Refused: the signature matches no secret. */
    BAD_SIGNATURE,
    /** Refused: signed, but not a payload we can read. */
    MALFORMED
  }

  /** The outcome, a one-line message for the sender, and the mirrors asked to sync. */
  public record Answer(Outcome outcome, String body, List<MirrorName> synced) {}

  private final List<Target> targets;
  private final SyncScheduler scheduler;
  private final Clock clock;
  private final Cache<String, Boolean> deliveries;

  public WebhookReceiver(List<Target> targets, SyncScheduler scheduler, Clock clock) {
    this.targets = List.copyOf(targets);
    this.scheduler = scheduler;
    this.clock = clock;
    this.deliveries = Caffeine.newBuilder().maximumSize(100_000)
        .expireAfterWrite(DEDUPE_TTL)
        .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
        .build();
  }

  /**
   * @param headers a request header by lower-case name, null when absent
   * @param body the raw body, at most {@link #MAX_BODY} bytes
   */
  public Answer receive(WebhookProvider provider, Function<String, String> headers, byte[] body) {
    List<Target> signedFor = new ArrayList<>();
    for (Target t : targets) {
      Optional<byte[]> secret = secret(t.secretFile());
      if (secret.isPresent() && HookSignatures.verify(provider, headers, body, secret.get(),
          clock.instant())) {
        signedFor.add(t);
      }
    }
    if (signedFor.isEmpty()) {
      log.info("{} webhook refused: its signature matches no upstream's webhookSecretFile",
          provider.path());
      return new Answer(Outcome.BAD_SIGNATURE, "gitedge: webhook signature does not match",
          List.of());
    }
    if (provider == WebhookProvider.GITHUB && "ping".equals(headers.apply("x-github-event"))) {
      return new Answer(Outcome.PING, "gitedge: pong", List.of());
    }
    String delivery = headers.apply(provider.deliveryHeader());
    String key = delivery == null || delivery.isBlank() ? null
        : provider.path() + ":" + delivery.strip();
    if (key != null && deliveries.getIfPresent(key) != null) {
      return new Answer(Outcome.DUPLICATE, "gitedge: delivery already received", List.of());
    }
    Set<String> urls;
    try {
      urls = repositoryUrls(body);
    } catch (IOException e) {
      return new Answer(Outcome.MALFORMED, "gitedge: the body is not a JSON webhook payload",
          List.of());
    }
    if (key != null && deliveries.asMap().putIfAbsent(key, Boolean.TRUE) != null) {
      // the same delivery arrived twice at once; the other one syncs
      return new Answer(Outcome.DUPLICATE, "gitedge: delivery already received", List.of());
    }
    List<MirrorName> names = mirrorsFor(urls, signedFor);
    for (MirrorName n : names) {
      scheduler.requestSync(n, Trigger.WEBHOOK);
    }
    if (names.isEmpty()) {
      log.info("{} webhook for a repository not mirrored here; ignored", provider.path());
      return new Answer(Outcome.IGNORED, "gitedge: accepted", List.of());
    }
    log.info("{} webhook: syncing {}", provider.path(), names);
    return new Answer(Outcome.ACCEPTED, "gitedge: accepted", names);
  }

  /** The mirrors here that {@code urls} name, under the routes of {@code signedFor}. */
  List<MirrorName> mirrorsFor(Set<String> urls, List<Target> signedFor) {
    Set<MirrorName> out = new LinkedHashSet<>();
    for (String url : urls) {
      Optional<String> key = RepoUrls.key(url);
      if (key.isEmpty()) {
        continue;
      }
      for (Target t : signedFor) {
        Optional<String> base = RepoUrls.key(t.route().baseUrl() + "/x")
            .map(k -> k.substring(0, k.length() - 2));
        if (base.isEmpty() || !key.get().toLowerCase(Locale.ROOT)
            .startsWith(base.get().toLowerCase(Locale.ROOT) + "/")) {
          continue;
        }
        String rest = key.get().substring(base.get().length() + 1);
        String wanted = t.route().prefix() + "/" + rest;
        scheduler.plans().stream().map(SyncPlan::name)
            .filter(n -> n.value().equalsIgnoreCase(wanted)).findFirst().ifPresent(out::add);
      }
    }
    return List.copyOf(out);
  }

  /**
   * The repository URLs of a payload: string fields with a URL-ish name inside its
   * {@code repository} and {@code project} objects (at any depth there, arrays included), or
   * {@code repository} itself when it is a string (the generic form).
   */
  static Set<String> repositoryUrls(byte[] body) throws IOException {
    JsonNode root = JSON.readTree(body);
    if (root == null || !root.isObject()) {
      throw new IOException("not a JSON object");
    }
    Set<String> urls = new LinkedHashSet<>();
    for (String top : List.of("repository", "project")) {
      JsonNode n = root.get(top);
      if (n != null && n.isTextual()) {
        urls.add(n.asText());
      } else if (n != null) {
        collect(n, urls, 0);
      }
    }
    return urls;
  }

  private static void collect(JsonNode n, Set<String> urls, int depth) {
    if (depth > 6 || urls.size() > 64) {
      return;
    }
    if (n.isArray()) {
      n.forEach(c -> collect(c, urls, depth + 1));
      return;
    }
    n.properties().forEach(e -> {
      JsonNode v = e.getValue();
      if (v.isTextual() && URL_FIELDS.contains(e.getKey())) {
        urls.add(v.asText());
      } else if (v.isContainerNode()) {
        collect(v, urls, depth + 1);
      }
    });
  }

  private static Optional<byte[]> secret(Path file) {
    try {
      String s = Files.readString(file, StandardCharsets.UTF_8).strip();
      if (s.isEmpty()) {
        log.warn("webhook secret file {} is empty; its upstream's webhooks are refused", file);
        return Optional.empty();
      }
      return Optional.of(s.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      log.warn("cannot read webhook secret file {}: {}", file, e.toString());
      return Optional.empty();
    }
  }
}
