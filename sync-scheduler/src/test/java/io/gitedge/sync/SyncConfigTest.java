package io.gitedge.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.gitedge.config.ConfigException;
import io.gitedge.config.ConfigNode;
import io.gitedge.store.IngestLimits;
import java.io.StringReader;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The {@code sync:} section as the config file writes it. */
class SyncConfigTest {
  private static SyncConfig read(String yaml) throws ConfigException {
    return SyncConfig.read(ConfigNode.parse("gitedge.yaml", Path.of("/etc/gitedge"),
        new StringReader(yaml)).asMap().require("sync"));
  }

  @Test
  void anEmptySection_meansTheDefaults_withTenPercentJitter() throws Exception {
    SyncConfig c = read("sync: {}\n");
    assertEquals(SyncConfig.DEFAULT, c);
    assertEquals(4, c.workers());
    assertEquals(Duration.ofMinutes(2), c.fetchTimeout());
    assertEquals(IngestLimits.DEFAULT, c.ingest());
    assertEquals(0.1, c.jitter());
  }

  @Test
  void everyKey_isRead() throws Exception {
    assertEquals(new SyncConfig(8, Duration.ofMinutes(3), Duration.ofSeconds(20),
        Duration.ofSeconds(2), Duration.ofSeconds(1), new IngestLimits(1000, 1L << 30, false),
        0.1, Duration.ofMinutes(20)), read("""
        sync:
          workers: 8
          fetchTimeout: 3m
          firstSyncWait: 20s
          backoffInitial: 2s
          readWait: 1s
          maxObjects: 1_000
          maxObjectBytes: 1GiB
          checkObjects: false
          maxFetchTime: 20m
        """));
  }

  @Test
  void badValues_andUnknownKeys_areNamedWithTheirLine() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> read("sync:\n  readWait: 1s\n  workers: 65\n"));
    assertEquals("gitedge.yaml:3: sync.workers: must be between 1 and 64, got 65",
        e.getMessage());
    e = assertThrows(ConfigException.class, () -> read("sync:\n  jitter: 0.5\n"));
    assertEquals(2, e.line());
    assertEquals("sync.jitter", e.key());
    e = assertThrows(ConfigException.class, () -> read("sync:\n  backoffInitial: 0s\n"));
    assertEquals("gitedge.yaml:2: sync.backoffInitial: must be greater than zero",
        e.getMessage());
  }
}
