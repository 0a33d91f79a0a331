package io.gitedge.gateway.http;

import java.net.URI;
import java.util.regex.Pattern;

/**
 * The page {@code go get} reads for {@code ?go-get=1}: one three-field go-import tag (Go 1.19 to
 * 1.24 accept only three) whose prefix is the repository root, so a module in a subfolder works
 * too. The prefix's host is the one the request was made to, so a module path on a global name
 * that GeoDNS sends to this region gets a prefix that matches it; the repository URL is this
 * gateway's public URL.
 */
final class GoImportPage {
  private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.-]{1,253}");

  private GoImportPage() {}

  /** The go-import {@code content} value: {@code <host>/<repo> git <publicUrl>/<repo>}. */
  static String content(String requestHost, URI publicUrl, String repo) {
    String host = requestHost != null && HOST.matcher(requestHost).matches() ? requestHost
        : publicUrl.getHost();
    return host + "/" + repo + " git " + publicUrl + "/" + repo;
  }

  static String html(String content) {
    // content is built from validated host and mirror names: no character needs escaping
    String importPath = content.substring(0, content.indexOf(' '));
    return "<!DOCTYPE html>\n<html><head>\n"
        + "<meta name=\"go-import\" content=\"" + content + "\">\n"
        + "</head><body>go get " + importPath + "</body></html>\n";
  }
}
