package io.gitedge.gateway.events;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * This gateway instance's identity on the fleet's event bus: 12 random hex digits made once and
 * kept in {@code <dataDir>/instance-id}, so it survives restarts and differs between replicas
 * (each has its own data folder; one gateway per data folder is enforced by its lock). It names
 * the instance's Kafka consumer group and marks the events it publishes, so it skips its own
 * events but not those of another replica of its region. A copied data folder copies the id:
 * delete the file in the copy.
 */
public final class InstanceId {
  static final String FILE = "instance-id";
  private static final Pattern VALID = Pattern.compile("[0-9a-f]{12}");

  private InstanceId() {}

  /**
   * The id kept in {@code dataDir}, made and written first if there is none (or the file holds
   * something else).
   *
   * @throws IOException when the file cannot be read or written
   */
  public static String loadOrCreate(Path dataDir) throws IOException {
    Path file = dataDir.resolve(FILE);
    if (Files.isRegularFile(file)) {
      String id = Files.readString(file, StandardCharsets.US_ASCII).strip();
      if (VALID.matcher(id).matches()) {
        return id;
      }
    }
    byte[] random = new byte[6];
    new SecureRandom().nextBytes(random);
    String id = HexFormat.of().formatHex(random);
    Files.createDirectories(dataDir);
    Path tmp = Files.createTempFile(dataDir, FILE, ".tmp");
    try {
      Files.writeString(tmp, id + "\n", StandardCharsets.US_ASCII);
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
    return id;
  }
}
