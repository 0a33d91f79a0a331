package io.gitedge.testing;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The secrets a test handed the system (access tokens, OAuth client secrets, webhook and peer
 * secrets, upstream credentials), and the check that none of them comes back out: in a log line,
 * the {@code /metrics} text, a response body, a client's stderr. A secret is found as it is and
 * URL-encoded. Messages name the secret by its label and show where it was found with the secret
 * itself masked, so a failing test does not print it either. Immutable; {@link #and} returns a
 * copy.
 *
 * <pre>{@code
 * SecretScan secrets = SecretScan.none().and("alice's token", token)
 *     .and("webhook secret", "s3cret-of-the-hook");
 * secrets.assertNotIn("S12: log", log.lines());
 * secrets.assertNotIn("S12: /metrics", metricsText);
 * }</pre>
 */
public final class SecretScan {
  /** Shorter values would turn up by chance (in ids, hashes, base64). */
  private static final int MIN_LENGTH = 8;

  private final Map<String, String> secrets;

  private SecretScan(Map<String, String> secrets) {
    this.secrets = Map.copyOf(secrets);
  }

  /** A scan for no secret yet. */
  public static SecretScan none() {
    return new SecretScan(Map.of());
  }

  /**
   * A copy that also looks for {@code secret}, named {@code label} in messages.
   *
   * @throws IllegalArgumentException for a secret shorter than 8 characters, which would match
   *     by chance
   */
  public SecretScan and(String label, String secret) {
    if (secret == null || secret.length() < MIN_LENGTH) {
      throw new IllegalArgumentException("secret " + label + " is shorter than " + MIN_LENGTH
          + " characters: it would be found by chance");
    }
    Map<String, String> m = new LinkedHashMap<>(secrets);
    m.put(label, secret);
    return new SecretScan(m);
  }

  /** The labels of the secrets looked for. */
  public List<String> labels() {
    return List.copyOf(secrets.keySet());
  }

  /**
   * Fails if any secret occurs in {@code text}.
   *
   * @param where the row and the place searched, first in the message: {@code "S12: /metrics"}
   */
  public void assertNotIn(String where, String text) {
    List<String> found = find(text);
    if (!found.isEmpty()) {
      throw new AssertionError(where + " holds a secret: " + String.join("; ", found));
    }
  }

  /** Fails if any secret occurs in any of {@code lines} (log lines, say). */
  public void assertNotIn(String where, Collection<String> lines) {
    List<String> found = new ArrayList<>();
    int n = 0;
    for (String line : lines) {
      n++;
      for (String f : find(line)) {
        found.add("line " + n + ": " + f);
      }
    }
    if (!found.isEmpty()) {
      throw new AssertionError(where + " holds a secret in " + found.size() + " place(s): "
          + String.join("; ", found.subList(0, Math.min(5, found.size()))));
    }
  }

  /** Where each secret occurs in {@code text}: label and masked context. */
  public List<String> find(String text) {
    List<String> found = new ArrayList<>();
    if (text == null) {
      return found;
    }
    for (Map.Entry<String, String> s : secrets.entrySet()) {
      for (String form : List.of(s.getValue(),
          URLEncoder.encode(s.getValue(), StandardCharsets.UTF_8))) {
        int at = text.indexOf(form);
        if (at >= 0) {
          found.add(s.getKey() + (form.equals(s.getValue()) ? "" : " (URL-encoded)")
              + " in \"" + masked(text, at, form.length()) + "\"");
          break;
        }
      }
    }
    return found;
  }

  private String masked(String text, int at, int length) {
    String around = text.substring(Math.max(0, at - 60), Math.min(text.length(),
        at + length + 60));
    for (String secret : secrets.values()) {
      around = around.replace(secret, "<secret>")
          .replace(URLEncoder.encode(secret, StandardCharsets.UTF_8), "<secret>");
    }
    return around.replace("\n", "\\n");
  }
}
