package io.gitedge.gateway.doctor;

import io.gitedge.auth.IdentityProbe;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * This machine's clock against the HTTP {@code Date} header of each upstream and identity
 * service (one request per origin): JWTs ({@code exp}, {@code nbf}) and SSH certificates (their
 * validity window) are checked against the local clock, so a clock {@link #FAIL_ABOVE} off lets
 * expired credentials in or keeps valid ones out. Over {@link #WARN_ABOVE} warns. The header has
 * whole seconds; the estimate takes the middle of the request and half a second for the
 * truncation, so it is good to about a second.
 */
final class ClockCheck {
  /** A clock further off than this fails: OIDC's clockSkew is at most 60 s. */
  static final Duration FAIL_ABOVE = Duration.ofSeconds(60);
  /** A clock further off than this warns. */
  static final Duration WARN_ABOVE = Duration.ofSeconds(5);

  /** A service to compare with: where to ask, whom to trust there, and what it is to us. */
  record Target(URI url, Optional<SSLContext> ssl, String role) {}

  private ClockCheck() {}

  /** A probe per origin among {@code targets}. */
  static List<Probe> check(List<Target> targets, Duration timeout) {
    Map<String, List<Target>> byOrigin = new LinkedHashMap<>();
    for (Target t : targets) {
      String origin = t.url().getScheme() + "://" + t.url().getRawAuthority();
      byOrigin.computeIfAbsent(origin, o -> new ArrayList<>()).add(t);
    }
    List<Probe> out = new ArrayList<>();
    byOrigin.forEach((origin, ts) -> {
      String subject = "clock vs " + origin + " (" + String.join(", ",
          ts.stream().map(Target::role).distinct().toList()) + ")";
      out.add(Probe.of(subject, () -> compare(subject, ts.get(0), timeout)));
    });
    return out;
  }

  private static Outcome compare(String subject, Target t, Duration timeout) {
    HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(timeout)
        .followRedirects(HttpClient.Redirect.NEVER);
    t.ssl().ifPresent(b::sslContext);
    HttpResponse<Void> rsp;
    Instant sent = Instant.now();
    try {
      rsp = b.build().send(HttpRequest.newBuilder(t.url()).timeout(timeout)
          .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
          HttpResponse.BodyHandlers.discarding());
    } catch (IOException e) {
      return Outcome.warn(subject, "not compared: no answer (" + IdentityProbe.describe(e) + ")");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Outcome.warn(subject, "not compared: interrupted");
    }
    Instant received = Instant.now();
    Optional<String> date = rsp.headers().firstValue("Date");
    if (date.isEmpty()) {
      return Outcome.ok(subject, "not compared: it sends no Date header");
    }
    Instant theirs;
    try {
      theirs = ZonedDateTime.parse(date.get(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant()
          .plusMillis(500);
    } catch (DateTimeParseException e) {
      return Outcome.ok(subject, "not compared: its Date header is not an HTTP date ("
          + date.get() + ")");
    }
    Instant ours = sent.plus(Duration.between(sent, received).dividedBy(2));
    return judge(subject, Duration.between(ours, theirs));
  }

  /** The line for a clock {@code behind} theirs (negative: ahead of it). */
  static Outcome judge(String subject, Duration behind) {
    Duration off = behind.abs();
    String apart = "this machine's clock is " + seconds(off) + " "
        + (behind.isNegative() ? "ahead of" : "behind") + " its Date header";
    if (off.compareTo(FAIL_ABOVE) > 0) {
      return Outcome.fail(subject, apart + ": OIDC tokens and SSH certificates are checked"
          + " against this clock (identity.oidc.clockSkew allows at most 60 s); set the time"
          + " with NTP (timedatectl set-ntp true, chrony)");
    }
    if (off.compareTo(WARN_ABOVE) > 0) {
      return Outcome.warn(subject, apart + ": more than " + WARN_ABOVE.toSeconds() + " s;"
          + " check NTP (timedatectl status)");
    }
    return Outcome.ok(subject, "within " + WARN_ABOVE.toSeconds() + " s ("
        + seconds(off) + " apart)");
  }

  private static String seconds(Duration d) {
    return String.format("%.1f s", d.toMillis() / 1000.0);
  }
}
