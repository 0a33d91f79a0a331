package io.gitedge.bench;

import io.gitedge.gateway.fleet.Fleet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Counts the packs the fleet's origin serves: C git's {@code uploadpack.packObjectsHook}, set in
 * the global config of the user {@code http-backend} runs as, wraps every {@code git
 * pack-objects} that {@code upload-pack} starts for a fetch in a script that appends one byte to
 * a file, then runs it. A ref listing ({@code GET info/refs}, or protocol v2's {@code ls-refs},
 * which is a {@code POST} like a fetch) starts no pack-objects, so the count is the fetches that
 * got objects, whatever the protocol version. The hook costs one {@code sh} per fetch.
 */
final class OriginPacks implements AutoCloseable {
  private final Fleet fleet;
  private final Path counter;

  private OriginPacks(Fleet fleet, Path counter) {
    this.fleet = fleet;
    this.counter = counter;
  }

  /** Installs the hook for the origin of {@code fleet}, its script and counter in {@code dir}. */
  static OriginPacks install(Fleet fleet, Path dir) throws IOException {
    Files.createDirectories(dir);
    Path counter = Files.writeString(dir.resolve("packs-served"), "");
    Path script = dir.resolve("count-pack.sh");
    Files.writeString(script, "#!/bin/sh\nprintf . >> '" + counter + "'\nexec \"$@\"\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    // upload-pack honours this setting only from the system or global config, never from the
    // repository's own: the origin's http-backend runs with the origin author's HOME
    fleet.origin().git("acme/lib", "config", "--global", "uploadpack.packObjectsHook",
        script.toString()).assertOk();
    return new OriginPacks(fleet, counter);
  }

  /** Packs served since the hook was installed. */
  long served() throws IOException {
    return Files.size(counter);
  }

  /** Removes the hook: the origin serves as before. */
  @Override
  public void close() {
    fleet.origin().git("acme/lib", "config", "--global", "--unset",
        "uploadpack.packObjectsHook").assertOk();
  }
}
