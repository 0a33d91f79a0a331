package io.gitedge.auth;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a principal from token claims: the user from {@code usernameClaim}, else {@code sub};
 * the groups from {@code groupsClaim}, a list of strings or one space-separated string. Names
 * that could not come from an identity file (control characters, slashes, very long) are refused.
 */
final class ClaimsPrincipal {
  private static final Pattern NAME = Pattern.compile("[\\p{L}\\p{N}._@+-]{1,256}");

  private ClaimsPrincipal() {}

  static Optional<Principal> of(Map<String, Object> claims, String usernameClaim,
      String groupsClaim) {
    Object user = claims.get(usernameClaim);
    if (!(user instanceof String) || ((String) user).isBlank()) {
      user = claims.get("sub");
    }
    if (!(user instanceof String name) || !NAME.matcher(name).matches()) {
      return Optional.empty();
    }
    Set<String> groups = new LinkedHashSet<>();
    Object g = claims.get(groupsClaim);
    if (g instanceof Collection<?> list) {
      for (Object o : list) {
        if (o instanceof String s && NAME.matcher(s).matches()) {
          groups.add(s);
        }
      }
    } else if (g instanceof String s) {
      for (String part : s.trim().split("\\s+")) {
        if (NAME.matcher(part).matches()) {
          groups.add(part);
        }
      }
    }
    return Optional.of(Principal.user(name, groups));
  }
}
