package io.gitedge.sync;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Compares repository URLs the way webhooks and configs write them: {@code
 * https://github.com/acme/lib.git}, {@code https://github.com/acme/lib}, {@code
 * git@github.com:acme/lib.git} and {@code ssh://git@github.com/acme/lib} all name
 * {@code github.com/acme/lib}. A key is the lower-case host (with its port when not the scheme's
 * default), a slash and the path without {@code .git} and trailing slashes. Nothing is fetched.
 */
final class RepoUrls {
  private static final Pattern SCP_LIKE = Pattern.compile("^[^/@:]+@([^/:]+):(?!//)(.+)$");

  private RepoUrls() {}

  static Optional<String> key(String url) {
    if (url == null || url.length() > 2048) {
      return Optional.empty();
    }
    String s = url.strip();
    Matcher scp = SCP_LIKE.matcher(s);
    if (scp.matches()) {
      return path(scp.group(1).toLowerCase(Locale.ROOT), scp.group(2));
    }
    try {
      URI u = new URI(s);
      String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
      if (u.getHost() == null || !(scheme.equals("https") || scheme.equals("http")
          || scheme.equals("ssh") || scheme.equals("git"))) {
        return Optional.empty();
      }
      int port = u.getPort();
      boolean defaultPort = port == -1 || (scheme.equals("https") && port == 443)
          || (scheme.equals("http") && port == 80) || (scheme.equals("ssh") && port == 22)
          || (scheme.equals("git") && port == 9418);
      String host = u.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
      return path(host, u.getPath() == null ? "" : u.getPath());
    } catch (URISyntaxException e) {
      return Optional.empty();
    }
  }

  private static Optional<String> path(String host, String path) {
    String p = path.replaceAll("^/+", "").replaceAll("/+$", "");
    if (p.endsWith(".git")) {
      p = p.substring(0, p.length() - 4);
    }
    if (p.isEmpty() || p.contains("..")) {
      return Optional.empty();
    }
    return Optional.of(host + "/" + p);
  }
}
