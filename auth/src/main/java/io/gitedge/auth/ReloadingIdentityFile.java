package io.gitedge.auth;

import io.gitedge.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The identity file as a source, picking up changes without a restart: at most once per
 * {@code checkEvery}, a lookup looks at the file's modification time and size, and reads it again
 * if they changed. A version that does not parse is ignored (the last good one stays, and the log
 * says why) until it is fixed. Thread-safe.
 */
public final class ReloadingIdentityFile implements IdentitySource {
  private static final Logger log = LoggerFactory.getLogger(ReloadingIdentityFile.class);

  private record Version(FileTime modified, long size) {}

  private final Path file;
  private final long checkEveryNanos;
  private final AtomicLong lastCheck = new AtomicLong();
  private volatile FileIdentitySource current;
  private Version seen; // guarded by this

  /**
   * Reads {@code file} now.
   *
   * @throws ConfigException when the file cannot be used at startup
   */
  public ReloadingIdentityFile(Path file, Duration checkEvery) throws ConfigException {
    this.file = file;
    this.checkEveryNanos = checkEvery.toNanos();
    this.seen = version();
    this.current = new FileIdentitySource(IdentityFile.read(file));
    this.lastCheck.set(System.nanoTime());
  }

  @Override
  public Decision decide(Credential credential) {
    return fresh().decide(credential);
  }

  /** The user called {@code name}, if the file lists one. */
  public Optional<Principal> user(String name) {
    return fresh().user(name);
  }

  private FileIdentitySource fresh() {
    long now = System.nanoTime();
    long last = lastCheck.get();
    // one caller per interval looks at the file; the others use what is loaded
    if (now - last >= checkEveryNanos && lastCheck.compareAndSet(last, now)) {
      synchronized (this) {
        Version v = version();
        if (v != null && !v.equals(seen)) {
          seen = v;
          try {
            current = new FileIdentitySource(IdentityFile.read(file));
            log.info("identity file {} reloaded", file);
          } catch (ConfigException e) {
            log.warn("identity file {} changed but cannot be used, keeping the previous"
                + " version: {}", file, e.getMessage());
          }
        }
      }
    }
    return current;
  }

  private Version version() {
    try {
      return new Version(Files.getLastModifiedTime(file), Files.size(file));
    } catch (IOException e) {
      log.warn("cannot look at identity file {}: {}", file, e.toString());
      return null;
    }
  }
}
