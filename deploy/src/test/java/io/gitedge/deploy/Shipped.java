package io.gitedge.deploy;

import io.gitedge.config.ConfigException;
import io.gitedge.gateway.config.ConfigLoader;
import io.gitedge.gateway.config.GatewayConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;

/** The files this module ships, found from the module's folder, and what they have in common. */
final class Shipped {
  private Shipped() {}

  /** The module's folder, {@code deploy/}, where the shipped files live. */
  static Path deploy() {
    Path here = Path.of("").toAbsolutePath();
    return Files.isDirectory(here.resolve("systemd")) ? here : here.resolve("deploy");
  }

  /** The repository's root: the launcher, the Dockerfile, the modules. */
  static Path repository() {
    return deploy().getParent();
  }

  static String read(Path file) throws IOException {
    return Files.readString(file);
  }

  /**
   * Loads {@code yaml} with the gateway's own loader, as the config file {@code configDir/name},
   * after creating each of {@code files} (relative to {@code configDir}) that the config names:
   * the loader checks that they exist, and their contents are the operator's.
   */
  static GatewayConfig load(String yaml, Path configDir, String name, Collection<String> files)
      throws IOException, ConfigException {
    Files.createDirectories(configDir);
    for (String f : files) {
      Path p = configDir.resolve(f).normalize();
      Files.createDirectories(p.getParent());
      Files.writeString(p, "");
    }
    Path config = configDir.resolve(name);
    Files.writeString(config, yaml);
    return ConfigLoader.load(config);
  }
}
