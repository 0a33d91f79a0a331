package io.gitedge.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.regex.Pattern;

/**
 * How an identity file stores a token: {@code sha256:<64 lower-case hex digits>}, the SHA-256 of
 * the token's UTF-8 bytes. Tokens themselves are never stored. Immutable.
 */
public record TokenHash(String value) {
  static final String PREFIX = "sha256:";
  private static final Pattern FORM = Pattern.compile("sha256:[0-9a-f]{64}");

  public TokenHash {
    if (value == null || !FORM.matcher(value).matches()) {
      throw new IllegalArgumentException(
          "expected sha256:<64 lower-case hex digits>, the SHA-256 of the token");
    }
  }

  /** Compares in time independent of where the two hashes differ. */
  public boolean matches(TokenHash other) {
    return MessageDigest.isEqual(value.getBytes(StandardCharsets.US_ASCII),
        other.value.getBytes(StandardCharsets.US_ASCII));
  }

  @Override
  public String toString() {
    return value;
  }
}
