package io.gitedge.gateway.fleet;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The admins token other regions accept ({@code peers.tokenFile}), read from its file at every
 * use so a rotated token needs no restart. Thread-safe.
 */
public final class PeerToken {
  private final Path file;

  public PeerToken(Path file) {
    this.file = file;
  }

  /**
   * The token, stripped of surrounding white space.
   *
   * @throws IOException naming the file when it is missing, unreadable or empty
   */
  public String read() throws IOException {
    String s;
    try {
      s = Files.readString(file, StandardCharsets.UTF_8).strip();
    } catch (NoSuchFileException e) {
      throw new IOException("peers.tokenFile " + file + " not found", e);
    } catch (IOException e) {
      throw new IOException("cannot read peers.tokenFile " + file + ": " + e.getMessage(), e);
    }
    if (s.isEmpty()) {
      throw new IOException("peers.tokenFile " + file + " is empty");
    }
    return s;
  }

  @Override
  public String toString() {
    return file.toString();
  }
}
