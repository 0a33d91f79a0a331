package io.gitedge.gateway.fleet;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gitedge.store.MirrorPolicy.TagPolicy;
import io.gitedge.store.MirrorRefs;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;

/**
 * Asks a region's admin API for its mirrors, their refs and the hashes of the Go module zips its
 * proxy built from them: {@code GET <url>/api/v1/mirrors?refs=true} with
 * {@code Authorization: Bearer <peers.tokenFile>}, within a timeout, trusting the given TLS
 * context. Never follows redirects. Thread-safe; any number of regions may be asked at once.
 */
public final class FleetClient {
  static final String PATH = "/api/v1/mirrors?refs=true";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final PeerToken token;
  private final Duration timeout;
  private final HttpClient http;

  /**
   * @param timeout connect and answer time per region
   * @param ssl whom to trust for HTTPS; empty for the JVM's CAs
   */
  public FleetClient(PeerToken token, Duration timeout, Optional<SSLContext> ssl) {
    this.token = token;
    this.timeout = timeout;
    HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(timeout)
        .followRedirects(HttpClient.Redirect.NEVER);
    ssl.ifPresent(b::sslContext);
    this.http = b.build();
  }

  /**
   * Asks the region at {@code url} (its base URL). The future never fails: trouble is an
   * {@link RegionAnswer.Unanswered} saying what went wrong, as an operator needs it.
   */
  public CompletableFuture<RegionAnswer> ask(URI url) {
    HttpRequest request;
    try {
      request = HttpRequest.newBuilder(URI.create(url.toString().replaceAll("/+$", "") + PATH))
          .timeout(timeout).header("Accept", "application/json")
          .header("Authorization", "Bearer " + token.read()).GET().build();
    } catch (IOException e) {
      return CompletableFuture.completedFuture(new RegionAnswer.Unanswered(url,
          e.getMessage()));
    }
    // the request's timeout covers the answer's head; a body that stalls is cut off here
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
        .handle((rsp, failure) -> failure != null
            ? new RegionAnswer.Unanswered(url, describe(failure))
            : read(url, rsp.statusCode(), rsp.body()))
        .completeOnTimeout(new RegionAnswer.Unanswered(url, "no complete answer within "
            + timeout.multipliedBy(2).toSeconds() + "s"), timeout.multipliedBy(2).toMillis(),
            TimeUnit.MILLISECONDS);
  }

  /** The answer to a request for {@link #PATH}: the region's mirrors, or why not. */
  static RegionAnswer read(URI url, int status, String body) {
    switch (status) {
      case 200:
        break;
      case 401:
        return new RegionAnswer.Unanswered(url, "401: the token in peers.tokenFile is not"
            + " accepted there");
      case 403:
        return new RegionAnswer.Unanswered(url, "403: the token in peers.tokenFile is not an"
            + " admin's there (it needs the admins group)");
      default:
        return new RegionAnswer.Unanswered(url, "answered " + status + ": "
            + firstLine(body));
    }
    try {
      JsonNode root = JSON.readTree(body);
      String region = text(root, "region");
      Map<String, MirrorView> mirrors = new TreeMap<>();
      for (JsonNode m : root.path("mirrors")) {
        MirrorView v = mirror(region, m);
        mirrors.put(v.name(), v);
      }
      if (!root.path("mirrors").isArray()) {
        throw new IllegalArgumentException("no mirrors list");
      }
      return RegionAnswer.Answered.of(url, region, mirrors);
    } catch (JsonProcessingException | IllegalArgumentException | DateTimeParseException e) {
      return new RegionAnswer.Unanswered(url, "answered 200 with something that is not a"
          + " GitEdge mirror list (" + e.getMessage().lines().findFirst().orElse("") + ")");
    }
  }

  private static MirrorView mirror(String region, JsonNode m) {
    String name = text(m, "name");
    Optional<MirrorRefs> refs = Optional.empty();
    JsonNode digest = m.path("refsDigest");
    if (digest.isMissingNode()) {
      throw new IllegalArgumentException(name + " has no refsDigest (a GitEdge without it?)");
    }
    if (!digest.isNull()) {
      JsonNode ids = m.path("refs");
      if (!ids.isObject()) {
        throw new IllegalArgumentException(name + " has no refs");
      }
      Map<String, String> map = new TreeMap<>();
      for (Map.Entry<String, JsonNode> e : ids.properties()) {
        map.put(e.getKey(), e.getValue().asText());
      }
      refs = Optional.of(MirrorRefs.of(map));
      if (!refs.get().digest().equals(digest.asText())) {
        throw new IllegalArgumentException(name + "'s refsDigest does not match its refs");
      }
    }
    JsonNode last = m.path("lastSuccess");
    JsonNode age = m.path("ageSeconds");
    return new MirrorView(region, name, true, refs,
        last.isTextual() ? Optional.of(Instant.parse(last.asText())) : Optional.empty(),
        age.isNumber() ? Optional.of(age.asLong()) : Optional.empty(),
        "follow".equals(m.path("tags").asText()) ? TagPolicy.FOLLOW : TagPolicy.IMMUTABLE,
        goModules(name, m.path("goModules")));
  }

  /**
   * {@code "goModules": {"<module>@<version>": "h1:...", ...}}; a region older than that field
   * (or one that says null) has built none as far as the comparison can tell.
   */
  private static Map<String, String> goModules(String name, JsonNode modules) {
    if (modules.isMissingNode() || modules.isNull()) {
      return Map.of();
    }
    if (!modules.isObject()) {
      throw new IllegalArgumentException(name + "'s goModules is not an object");
    }
    Map<String, String> map = new TreeMap<>();
    for (Map.Entry<String, JsonNode> e : modules.properties()) {
      if (!e.getValue().isTextual()) {
        throw new IllegalArgumentException(name + "'s goModules has no hash for " + e.getKey());
      }
      map.put(e.getKey(), e.getValue().asText());
    }
    return map;
  }

  private static String text(JsonNode o, String field) {
    JsonNode n = o.path(field);
    if (!n.isTextual() || n.asText().isEmpty()) {
      throw new IllegalArgumentException("no " + field);
    }
    return n.asText();
  }

  private static String firstLine(String body) {
    String line = body == null ? "" : body.strip().lines().findFirst().orElse("");
    return line.length() > 200 ? line.substring(0, 200) + "..." : line;
  }

  /** What a transport failure was, in a few words. */
  static String describe(Throwable failure) {
    Throwable t = failure instanceof CompletionException && failure.getCause() != null
        ? failure.getCause() : failure;
    if (t instanceof HttpTimeoutException) {
      return "no answer in time (" + t.getMessage() + ")";
    }
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    if (t instanceof ConnectException) {
      String why = null;
      for (Throwable c = t; c != null && why == null; c = c.getCause() == c ? null : c.getCause()) {
        why = c.getMessage();
      }
      // the JDK's client often says nothing more than the type: a refused or dropped connection
      return "cannot connect (" + (why != null ? why : "refused, or no route to it") + ")";
    }
    if (t instanceof SSLException) {
      return "TLS failed: " + root.getMessage() + " (is its certificate in peers.caFile?)";
    }
    String m = t.getMessage();
    return t.getClass().getSimpleName().replaceAll("Exception$", "").toLowerCase(Locale.ROOT)
        + (m != null ? ": " + m : "");
  }
}
