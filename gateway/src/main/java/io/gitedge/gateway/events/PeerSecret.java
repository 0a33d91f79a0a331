package io.gitedge.gateway.events;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The secret the fleet's gateways share to sign their events to each other (over HTTP peers and
 * over Kafka), read from its file at every use, so rotating it needs no restart. Thread-safe.
 */
public final class PeerSecret {
  private static final Logger log = LoggerFactory.getLogger(PeerSecret.class);

  private final Path file;

  public PeerSecret(Path file) {
    this.file = file;
  }

  /** The secret; empty (and logged) when the file cannot be read or is empty. */
  public Optional<byte[]> read() {
    try {
      String s = Files.readString(file, StandardCharsets.UTF_8).strip();
      return s.isEmpty() ? Optional.empty() : Optional.of(s.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      log.warn("cannot read the fleet's event secret {}: {}", file, e.toString());
      return Optional.empty();
    }
  }
}
