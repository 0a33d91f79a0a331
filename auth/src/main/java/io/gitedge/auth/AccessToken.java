package io.gitedge.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A bearer token as a caller presented it. Its {@link #toString()} never shows the secret, so a
 * token that reaches a log line by accident is still safe. Immutable.
 */
public final class AccessToken implements Credential {
  /** Prefix of tokens minted by {@link #generate()}, so secret scanners can recognise them. */
  public static final String PREFIX = "gte_";

  private final String secret;

  private AccessToken(String secret) {
    this.secret = Objects.requireNonNull(secret);
  }

  /** Wraps a presented token. */
  public static AccessToken of(String secret) {
    return new AccessToken(secret);
  }

  /** A new random token: {@value #PREFIX} followed by 256 random bits in URL-safe base64. */
  public static AccessToken generate() {
    byte[] b = new byte[32];
    new SecureRandom().nextBytes(b);
    return new AccessToken(PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(b));
  }

  /** The secret itself: only for showing it once to whoever created it. */
  public String reveal() {
    return secret;
  }

  /** The hash under which an identity file stores this token. */
  public TokenHash hash() {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
      return new TokenHash(TokenHash.PREFIX + HexFormat.of().formatHex(d));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String toString() {
    return "AccessToken[redacted]";
  }
}
