package io.gitedge.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitedge.auth.AccessToken;
import io.gitedge.testing.HttpBackendServer;
import io.gitedge.testing.Requires;
import io.gitedge.testing.TestUpstream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * R18: the real gateway process (the shipped launcher and jar) with its clock 5 minutes ahead of
 * or behind the rest of the world, under libfaketime. JWT decisions follow the configured
 * {@code identity.oidc.clockSkew} exactly as T03 fixes them (a token expired, or not yet valid,
 * by less than the skew on the gateway's clock is accepted, by more it is a 401), and the sync
 * schedule runs one sync per interval whether the clock is offset or jumps 10 minutes forward
 * and back while it runs. Tokens come from the mock OIDC provider on the true clock.
 *
 * <p>How libfaketime reaches the JVM: the launcher {@code exec}s {@code java}, so an
 * {@code LD_PRELOAD} in its environment is inherited by the JVM (the launcher's class-data-sharing
 * options do not interfere). What works for Java, found by trying:
 * <ul>
 *   <li>{@code FAKETIME_DONT_FAKE_MONOTONIC=1}: only the wall clock
 *       ({@code System.currentTimeMillis}, {@code Instant.now}) is faked; {@code CLOCK_MONOTONIC}
 *       ({@code System.nanoTime}, the JVM's timed waits, {@code ScheduledExecutorService}) stays
 *       real, so a jump of the faked clock cannot stall or fire the JVM's own timers.</li>
 *   <li>The clock is an offset in a file ({@code FAKETIME_TIMESTAMP_FILE}, e.g. {@code -5m}),
 *       re-read at most every second ({@code FAKETIME_CACHE_DURATION=1}), so one gateway serves
 *       every case and its clock can jump while it runs. Not the {@code faketime} wrapper: it
 *       sets {@code FAKETIME}, which wins over the file ({@code faketime -f '+5m' ./gitedge serve}
 *       works for a fixed offset).</li>
 * </ul>
 * Each case first reads the gateway's clock from its HTTP {@code Date} header, which proves the
 * fake clock is in force.
 */
class ClockSkewIT {
  private static final String MIRROR = "github.com/acme/lib";
  private static final Pattern SYNCS = Pattern.compile(
      "(?m)^gitedge_syncs_total\\{[^}]*mirror=\"" + Pattern.quote(MIRROR)
          + "\"[^}]*\\} ([0-9.E]+)$");
  private static final Pattern SERVER_ERROR = Pattern.compile(
      "(?m)ReadSession - \\S+ \\S+ \\S+ 5\\d\\d ");
  /** The configured skew: less than libfaketime's 5 minutes and than the 60 s default. */
  private static final Duration SKEW = Duration.ofSeconds(30);
  /** How far inside or outside the skew the boundary tokens sit (T03 checks ±1 s in-process). */
  private static final long MARGIN = 10;
  private static final Duration SYNC_INTERVAL = Duration.ofSeconds(2);

  @TempDir static Path dir;
  private static final HttpClient http = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(10)).build();
  private static MockOAuth2Server idp;
  private static TestUpstream upstream;
  private static AccessToken ops;
  private static Path clockFile;
  private static LauncherProcess gateway;
  private static String url;
  private static Path log;

  @BeforeAll
  static void startGateway() throws Exception {
    LauncherProcess.launcher(); // skipped outside failsafe
    Requires.that(libfaketime().isPresent(), "libfaketime is not installed (apt-get install"
        + " faketime, as .ci/run does)");
    idp = new MockOAuth2Server();
    idp.start(InetAddress.getByName("127.0.0.1"), 0);
    upstream = TestUpstream.create(dir);
    upstream.createRepo("acme/lib");
    upstream.commit("acme/lib", "main", Map.of("go.mod", "module github.com/acme/lib\n"), "init");
    HttpBackendServer server = upstream.serveHttp(null, null);
    ops = AccessToken.generate();
    Files.writeString(dir.resolve("identity.yaml"), """
        users:
          ops:
            groups: [admins]
            tokens: ["%s"]
        """.formatted(ops.hash().value()));
    Path config = dir.resolve("gitedge.yaml");
    Files.writeString(config, """
        region: skew
        dataDir: ./data
        http:
          listen: 127.0.0.1:0
          tls: off
        identity:
          file: identity.yaml
          oidc:
            issuer: "%s"
            audience: gitedge
            clockSkew: %ds
            timeout: 30s
        upstreams:
          - prefix: github.com/acme
            url: %s/acme
            repos: [lib]
            syncInterval: %ds
        """.formatted(idp.issuerUrl("default"), SKEW.toSeconds(), server.url(),
        SYNC_INTERVAL.toSeconds()));
    clockFile = dir.resolve("faketime.rc");
    Files.writeString(clockFile, "-5m\n");

    log = dir.resolve("gateway.log");
    // the fake clock and its first reads under a loaded machine: more time than a plain start
    gateway = LauncherProcess.start(dir, config, log, Map.of(
        "LD_PRELOAD", libfaketime().orElseThrow().toString(),
        "FAKETIME_TIMESTAMP_FILE", clockFile.toString(),
        "FAKETIME_CACHE_DURATION", "1",
        "FAKETIME_DONT_FAKE_MONOTONIC", "1"), Duration.ofMinutes(3));
    url = gateway.url();
  }

  @AfterAll
  static void stopGateway() throws Exception {
    if (gateway != null) {
      gateway.stop(Duration.ofSeconds(60));
    }
    if (idp != null) {
      idp.shutdown();
    }
    if (upstream != null) {
      upstream.close();
    }
  }

  // ------------------------------------------------------------------------- JWT decisions

  @Test
  void r18_gatewayFiveMinutesAhead_acceptsTokensExpiredWithinTheSkewOnItsClock_only()
      throws Exception {
    setClock("+5m", Duration.ofMinutes(5));

    assertEquals(200, status(token(Duration.ofHours(1), Map.of())).statusCode(),
        "R18: a token with an hour to live was refused by a gateway 5 min ahead");
    // exp 20 s before the gateway's now: within the 30 s skew
    Duration inside = Duration.ofMinutes(5).minus(SKEW).plusSeconds(MARGIN);
    HttpResponse<String> r = status(token(inside, Map.of()));
    assertEquals(200, r.statusCode(), "R18: a token expired " + (SKEW.toSeconds() - MARGIN)
        + " s ago on the gateway's clock, within its " + SKEW.toSeconds() + " s skew, was"
        + " refused: " + r.body());
    // exp 40 s before the gateway's now: a token still valid for 4m20s on the provider's clock
    Duration outside = Duration.ofMinutes(5).minus(SKEW).minusSeconds(MARGIN);
    assertRefused(token(outside, Map.of()), "R18: a token expired "
        + (SKEW.toSeconds() + MARGIN) + " s ago on the gateway's clock, beyond its "
        + SKEW.toSeconds() + " s skew");
    assertNoServerErrors();
  }

  @Test
  void r18_gatewayFiveMinutesBehind_refusesFreshTokens_andAcceptsNbfWithinTheSkewOnItsClock()
      throws Exception {
    setClock("-5m", Duration.ofMinutes(-5));

    // issued now: nbf 5 min in the future on the gateway's clock, beyond any allowed skew
    assertRefused(token(Duration.ofHours(1), Map.of()),
        "R18: a fresh token (nbf 5 min ahead of a gateway 5 min behind)");
    Instant now = Instant.now();
    Instant inside = now.minus(Duration.ofMinutes(5)).plus(SKEW).minusSeconds(MARGIN);
    HttpResponse<String> r = status(token(Duration.ofHours(1), Map.of("nbf", Date.from(inside))));
    assertEquals(200, r.statusCode(), "R18: a token valid from " + (SKEW.toSeconds() - MARGIN)
        + " s after the gateway's now, within its " + SKEW.toSeconds() + " s skew, was refused: "
        + r.body());
    Instant outside = now.minus(Duration.ofMinutes(5)).plus(SKEW).plusSeconds(MARGIN);
    assertRefused(token(Duration.ofHours(1), Map.of("nbf", Date.from(outside))),
        "R18: a token valid from " + (SKEW.toSeconds() + MARGIN) + " s after the gateway's now,"
            + " beyond its " + SKEW.toSeconds() + " s skew");
    assertNoServerErrors();
  }

  // ------------------------------------------------------------------------- schedules

  @Test
  void r18_clockOffsetThenJumpingForwardAndBack_syncsOncePerInterval_noBurstNoStall()
      throws Exception {
    setClock("-5m", Duration.ofMinutes(-5));
    awaitSyncs(1); // the start-up sync

    int intervals = 4;
    List<String> figures = new ArrayList<>();
    // clock 5 min behind: the schedule runs as on a right clock
    figures.add(phase(intervals, "5 min behind"));
    // jump forward 10 min: due times on the wall clock are all past; no catch-up burst
    Files.writeString(clockFile, "+5m\n");
    figures.add(phase(intervals, "after jumping 10 min forward"));
    assertClockOffset(Duration.ofMinutes(5));
    // jump back 10 min: due times on the wall clock are 10 min away; no stall
    Files.writeString(clockFile, "-5m\n");
    figures.add(phase(intervals, "after jumping 10 min back"));
    assertClockOffset(Duration.ofMinutes(-5));
    assertNoServerErrors();
    System.out.println("ClockSkewIT: " + String.join("; ", figures));
  }

  /**
   * Watches the sync counter (on the true, monotonic clock) for {@code intervals} intervals:
   * at least one sync and at most one per interval (+1), no two closer than half an interval (a
   * catch-up burst), no wait of three intervals (a stall: an interval, its jitter and a slow sync
   * on a loaded machine fit well inside).
   */
  private String phase(int intervals, String clock) throws Exception {
    long from = System.nanoTime();
    long end = from + SYNC_INTERVAL.multipliedBy(intervals).toNanos();
    double before = syncs();
    double last = before;
    long lastAt = from;
    List<Long> gaps = new ArrayList<>();
    long longest = 0;
    while (System.nanoTime() < end) {
      Thread.sleep(50);
      double n = syncs();
      long at = System.nanoTime();
      if (n > last) {
        if (last > before || n - last > 1) {
          gaps.add(Duration.ofNanos(at - lastAt).toMillis() / Math.max(1, (long) (n - last)));
        }
        last = n;
        lastAt = at;
      }
      longest = Math.max(longest, at - lastAt);
    }
    int done = (int) (last - before);
    String figure = done + " syncs in " + intervals + " intervals of "
        + SYNC_INTERVAL.toSeconds() + " s with the clock " + clock + " (gaps " + gaps + " ms)";
    // the interval runs from the end of the last sync, so a slow sync (a loaded machine) spaces
    // them more: at most one per interval (+1), at least one, none closer than half an interval
    assertTrue(done >= 1 && done <= intervals + 1, "R18: one sync per interval broke: " + figure);
    for (long gap : gaps) {
      assertTrue(gap >= SYNC_INTERVAL.toMillis() / 2, "R18: a burst of syncs: " + figure);
    }
    Duration stall = SYNC_INTERVAL.multipliedBy(3);
    assertTrue(longest < stall.toNanos(), "R18: a stall: no sync for "
        + Duration.ofNanos(longest).toMillis() + " ms: " + figure);
    return figure;
  }

  // ------------------------------------------------------------------------- helpers

  /** libfaketime's library, wherever the distribution puts it. */
  private static Optional<Path> libfaketime() throws IOException {
    for (Path d : List.of(Path.of("/usr/lib"), Path.of("/usr/lib64"))) {
      if (!Files.isDirectory(d)) {
        continue;
      }
      try (Stream<Path> all = Files.find(d, 3,
          (f, a) -> f.getFileName().toString().equals("libfaketime.so.1"))) {
        Optional<Path> found = all.findFirst();
        if (found.isPresent()) {
          return found;
        }
      }
    }
    return Optional.empty();
  }

  /** Sets the gateway's clock offset and waits until its {@code Date} header shows it. */
  private static void setClock(String offset, Duration expected) throws Exception {
    Files.writeString(clockFile, offset + "\n");
    assertClockOffset(expected);
  }

  /** A token from the provider (on the true clock) for an admin, {@code ttl} to live. */
  private static String token(Duration ttl, Map<String, Object> claims) {
    Map<String, Object> all = new HashMap<>(claims);
    all.put("preferred_username", "carol");
    all.put("groups", List.of("admins"));
    return idp.issueToken("default", "carol", "gitedge", all, ttl.toSeconds()).serialize();
  }

  private static HttpResponse<String> status(String bearer) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url + "/api/v1/mirrors"))
        .header("Authorization", "Bearer " + bearer).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static void assertRefused(String bearer, String what) throws Exception {
    HttpResponse<String> r = status(bearer);
    assertEquals(401, r.statusCode(), what + " was not refused with 401: " + r.body());
    assertTrue(r.body().contains("authentication required"),
        what + ": the refusal does not say why: " + r.body());
  }

  /** The gateway's clock, from its {@code Date} header, is {@code expected} off the true one. */
  private static void assertClockOffset(Duration expected) throws Exception {
    Duration off = Duration.ZERO;
    for (int i = 0; i < 100; i++) {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url + "/healthz"))
          .build(), HttpResponse.BodyHandlers.ofString());
      String date = r.headers().firstValue("Date").orElseThrow(
          () -> new AssertionError("the gateway sends no Date header"));
      off = Duration.between(Instant.now(),
          ZonedDateTime.parse(date, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
      if (off.minus(expected).abs().compareTo(Duration.ofSeconds(5)) < 0) {
        return;
      }
      Thread.sleep(100); // the clock file is re-read at most every second
    }
    throw new AssertionError("R18: libfaketime is not in force: the gateway's clock is " + off
        + " off, not " + expected);
  }

  private static double syncs() throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url + "/metrics"))
        .header("Authorization", "Bearer " + ops.reveal()).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    double total = 0;
    Matcher m = SYNCS.matcher(r.body());
    while (m.find()) {
      total += Double.parseDouble(m.group(1));
    }
    return total;
  }

  private static void awaitSyncs(int n) throws Exception {
    for (int i = 0; i < 1200 && syncs() < n; i++) {
      Thread.sleep(50);
    }
    assertTrue(syncs() >= n, "the first sync did not happen:\n" + Files.readString(log));
  }

  private static void assertNoServerErrors() throws IOException {
    String text = Files.readString(log);
    assertTrue(!SERVER_ERROR.matcher(text).find(),
        "R18: the gateway under a skewed clock answered with a 5xx:\n" + text);
  }
}
