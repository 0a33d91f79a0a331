package io.gitedge.auth;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * An SSH public key, known by its SHA-256 fingerprint ({@code SHA256:<base64 without padding>},
 * as {@code ssh-keygen -l} prints it). As a {@link Credential} it stands for a key whose signature
 * the SSH layer has already verified. Immutable.
 */
public record SshKey(String fingerprint) implements Credential {
  private static final Pattern FINGERPRINT = Pattern.compile("SHA256:[A-Za-z0-9+/]{43}");
  private static final Set<String> TYPES = Set.of("ssh-ed25519", "ecdsa-sha2-nistp256",
      "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521", "ssh-rsa", "sk-ssh-ed25519@openssh.com",
      "sk-ecdsa-sha2-nistp256@openssh.com");

  public SshKey {
    Objects.requireNonNull(fingerprint, "fingerprint");
    if (!FINGERPRINT.matcher(fingerprint).matches()) {
      throw new IllegalArgumentException("not a SHA256 key fingerprint: " + fingerprint);
    }
  }

  /**
   * The key of an OpenSSH public key line ({@code ssh-ed25519 AAAA... comment}), as found in
   * {@code authorized_keys} and {@code .pub} files.
   *
   * @throws IllegalArgumentException for an unknown type, bad base64, or a key blob whose own type
   *     differs from the line's
   */
  public static SshKey fromOpenSshLine(String line) {
    String[] f = line.trim().split("\\s+");
    if (f.length < 2 || !TYPES.contains(f[0])) {
      throw new IllegalArgumentException("expected an OpenSSH public key such as"
          + " \"ssh-ed25519 AAAA... comment\" (types: " + String.join(", ", TYPES.stream()
              .sorted().toList()) + ")");
    }
    byte[] blob;
    try {
      blob = Base64.getDecoder().decode(f[1]);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the key data is not valid base64");
    }
    ByteBuffer b = ByteBuffer.wrap(blob);
    if (blob.length < 4 || b.getInt() != f[0].length() || blob.length < 4 + f[0].length()
        || !new String(blob, 4, f[0].length(), StandardCharsets.US_ASCII).equals(f[0])) {
      throw new IllegalArgumentException("the key data is not a " + f[0] + " key");
    }
    return new SshKey(fingerprintOf(blob));
  }

  /** {@code SHA256:<base64>} of a public key blob, as OpenSSH computes it. */
  public static String fingerprintOf(byte[] blob) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(blob);
      return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(d);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String toString() {
    return fingerprint;
  }
}
