package io.gitedge.gateway.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An instance's id on the event bus: kept across restarts, its own per data folder. */
class InstanceIdTest {
  @TempDir Path dir;

  @Test
  void isMadeOnce_keptAcrossRestarts_andDiffersBetweenDataFolders() throws Exception {
    String first = InstanceId.loadOrCreate(dir.resolve("a"));
    assertTrue(first.matches("[0-9a-f]{12}"), first);
    assertEquals(first, InstanceId.loadOrCreate(dir.resolve("a")));
    assertEquals(first + "\n", Files.readString(dir.resolve("a/instance-id")));
    assertNotEquals(first, InstanceId.loadOrCreate(dir.resolve("b")), "another replica");
    try (var files = Files.list(dir.resolve("a"))) {
      assertEquals(1, files.count(), "no temporary file left behind");
    }
  }

  @Test
  void aDamagedFile_isReplacedByANewId() throws Exception {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("instance-id"), "not an id\n");
    String id = InstanceId.loadOrCreate(dir);
    assertTrue(id.matches("[0-9a-f]{12}"), id);
    assertEquals(id, InstanceId.loadOrCreate(dir));
  }
}
