package io.gitedge.auth;

import io.gitedge.config.ConfigException;
import io.gitedge.config.ConfigNode;
import java.net.URI;
import java.net.URISyntaxException;

/** Reads the URL of an identity service (a provider, an endpoint) from the config file. */
final class ServiceUrl {
  private ServiceUrl() {}

  /** An https:// (or http://) URL with a host and without credentials. */
  static URI read(ConfigNode node) throws ConfigException {
    String text = node.asNonBlankString();
    try {
      URI url = new URI(text);
      if (!"https".equals(url.getScheme()) && !"http".equals(url.getScheme())
          || url.getHost() == null) {
        throw node.error("expected an https:// URL, got \"" + text + "\"");
      }
      if (url.getUserInfo() != null) {
        throw node.error("credentials do not belong in the URL");
      }
      return url;
    } catch (URISyntaxException e) {
      throw node.error("not a URL: \"" + text + "\"");
    }
  }
}
