package io.gitedge.gateway.config;

import io.gitedge.config.ConfigException;
import io.gitedge.config.ConfigMap;
import io.gitedge.config.ConfigNode;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Reads the {@code peers:} section into {@link PeersConfig}. */
final class PeersConfigReader {
  private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  private PeersConfigReader() {}

  static PeersConfig read(ConfigNode section) throws ConfigException {
    if (section.isList()) {
      throw section.error("expected a mapping: urls (the other regions' gateways), secretFile"
          + " (the secret all regions share), and optionally tokenFile, caFile and timeout");
    }
    ConfigMap keys = section.asMap();
    List<URI> urls = new ArrayList<>();
    for (ConfigNode node : keys.require("urls").asList()) {
      URI url = HttpConfigReader.readPublicUrl(node);
      if (urls.contains(url)) {
        throw node.error("listed twice");
      }
      urls.add(url);
    }
    PeersConfig peers = new PeersConfig(urls, keys.require("secretFile").asExistingFile(),
        keys.get("tokenFile", ConfigNode::asExistingFile),
        keys.get("caFile", ConfigNode::asExistingFile),
        keys.getOrDefault("timeout", ConfigNode::asDuration, DEFAULT_TIMEOUT));
    keys.finish();
    return peers;
  }
}
