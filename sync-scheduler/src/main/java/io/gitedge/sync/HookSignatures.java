package io.gitedge.sync;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import java.util.function.Function;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks webhook signatures over the raw body, exactly as each provider computes them. Every
 * comparison of secret-derived bytes runs in constant time ({@link MessageDigest#isEqual}); a
 * signature that is missing, in another scheme (GitHub's old {@code sha1=}), or not hex is simply
 * wrong. Public for the fleet's own events ({@link #sign}, {@link #timestamped},
 * {@link #signed}), which the gateway signs and checks like generic webhooks.
 */
public final class HookSignatures {
  /** How far a generic or peer signature's timestamp may be from now. */
  static final Duration TOLERANCE = Duration.ofMinutes(5);

  private HookSignatures() {}

  /**
   * @param headers a request header by lower-case name, null when absent
   */
  static boolean verify(WebhookProvider p, Function<String, String> headers, byte[] body,
      byte[] secret, Instant now) {
    return switch (p) {
      case GITHUB -> prefixedHmac(headers.apply("x-hub-signature-256"), body, secret);
      case BITBUCKET -> prefixedHmac(headers.apply("x-hub-signature"), body, secret);
      case GITEA -> hexEquals(headers.apply("x-gitea-signature"), hmac(secret, body));
      case GITLAB -> tokenEquals(headers.apply("x-gitlab-token"), secret);
      case GENERIC -> timestamped(headers.apply("x-gitedge-signature"), body, secret, now);
    };
  }

  /** The {@code X-GitEdge-Signature} value for {@code body} at {@code t}. */
  public static String sign(byte[] body, byte[] secret, Instant t) {
    long seconds = t.getEpochSecond();
    return "t=" + seconds + ",v1=" + HexFormat.of().formatHex(hmac(secret,
        concat((seconds + ".").getBytes(StandardCharsets.US_ASCII), body)));
  }

  /**
   * Whether {@code header} is a valid {@code X-GitEdge-Signature} of {@code body} made within
   * {@link #TOLERANCE} of {@code now}; a missing or malformed header is simply not valid.
   */
  public static boolean timestamped(String header, byte[] body, byte[] secret, Instant now) {
    Optional<Long> t = signedAt(header, body, secret);
    // compared as numbers: an absurd t must not overflow Instant (a 500 for anyone who asks)
    return t.isPresent() && Math.abs(t.get() - now.getEpochSecond()) <= TOLERANCE.toSeconds();
  }

  /**
   * Whether {@code header} is a valid {@code X-GitEdge-Signature} of {@code body}, however old.
   * For events kept in a log (a Kafka topic), where an old event is a late one (read after an
   * outage or a restart) rather than a replay, and taking one twice costs at most a ref listing.
   */
  public static boolean signed(String header, byte[] body, byte[] secret) {
    return signedAt(header, body, secret).isPresent();
  }

  /** The signing time of a valid {@code X-GitEdge-Signature}, empty when it is not valid. */
  private static Optional<Long> signedAt(String header, byte[] body, byte[] secret) {
    if (header == null) {
      return Optional.empty();
    }
    Optional<Long> t = Optional.empty();
    String v1 = null;
    for (String part : header.split(",")) {
      String[] kv = part.trim().split("=", 2);
      if (kv.length != 2) {
        return Optional.empty();
      }
      if (kv[0].equals("t")) {
        try {
          t = Optional.of(Long.parseLong(kv[1]));
        } catch (NumberFormatException e) {
          return Optional.empty();
        }
      } else if (kv[0].equals("v1")) {
        v1 = kv[1];
      }
    }
    if (t.isEmpty() || v1 == null) {
      return Optional.empty();
    }
    return hexEquals(v1, hmac(secret, concat((t.get() + ".").getBytes(
        StandardCharsets.US_ASCII), body))) ? t : Optional.empty();
  }

  private static boolean prefixedHmac(String header, byte[] body, byte[] secret) {
    if (header == null || !header.startsWith("sha256=")) {
      return false;
    }
    return hexEquals(header.substring("sha256=".length()), hmac(secret, body));
  }

  private static boolean hexEquals(String hex, byte[] expected) {
    if (hex == null || hex.length() != expected.length * 2) {
      return false;
    }
    byte[] given;
    try {
      given = HexFormat.of().parseHex(hex);
    } catch (IllegalArgumentException e) {
      return false;
    }
    return MessageDigest.isEqual(given, expected);
  }

  /** Equal tokens, compared as SHA-256 digests so neither length nor content leaks. */
  private static boolean tokenEquals(String token, byte[] secret) {
    if (token == null) {
      return false;
    }
    return MessageDigest.isEqual(sha256(token.getBytes(StandardCharsets.UTF_8)), sha256(secret));
  }

  static byte[] hmac(byte[] secret, byte[] data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      return mac.doFinal(data);
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  private static byte[] sha256(byte[] b) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(b);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
