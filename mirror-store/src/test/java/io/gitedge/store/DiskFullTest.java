package io.gitedge.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import io.gitedge.testing.Requires;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitedge.testing.ClientHome;
import io.gitedge.testing.ProcessResult;
import io.gitedge.testing.TestUpstream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * R03: the mirrors' disk fills up during a fetch. The sync fails cleanly, the mirror keeps
 * serving its old state (fsck clean, refs unchanged, no temporary files), the failure is
 * recorded, and once there is room again the next sync succeeds. Needs a tmpfs mount (root).
 */
class DiskFullTest {
  @TempDir Path dir;

  private static ProcessResult run(Path dir, String script) {
    return ClientHome.create(dir.resolve("shell")).bash(dir, script);
  }

  @Test
  void r03_aFetchThatFillsTheDisk_failsCleanly_andTheNextSyncAfterCleanupWorks() throws Exception {
    Path small = Files.createDirectories(dir.resolve("small"));
    Files.createDirectories(dir.resolve("shell"));
    Requires.that(run(dir, "mount -t tmpfs -o size=24m tmpfs '" + small + "'").ok(),
        "cannot mount a tmpfs here (not root?)");
    TestUpstream upstream = TestUpstream.create(dir);
    try (MirrorStore store = MirrorStore.open(StoreConfig.defaults(small.resolve("mirrors")))) {
      upstream.createRepo("acme/lib");
      upstream.commit("acme/lib", "main", Map.of("go.mod", "module github.com/acme/lib\n"), "1");
      MirrorName lib = MirrorName.parse("github.com/acme/lib");
      Upstream up = new Upstream(upstream.fileUrl() + "/acme/lib.git", Optional.empty());
      assertTrue(store.sync(lib, up).succeeded());
      Path mirror = small.resolve("mirrors/github.com/acme/lib.git");
      Map<String, String> before = refs(mirror);
      byte[] noise = new byte[30 << 20];
      new Random(3).nextBytes(noise);
      upstream.commit("acme/lib", "main", Map.of("big.bin",
          Base64.getEncoder().encodeToString(noise)), "40 MB that do not compress");

      SyncResult full = store.sync(lib, up);

      assertEquals(SyncResult.Outcome.FAILED, full.outcome());
      assertEquals(before, refs(mirror));
      run(dir, "git --git-dir='" + mirror + "' fsck --no-progress").assertOk();
      assertEquals(List.of(), leftovers(small.resolve("mirrors")));
      assertTrue(store.state(lib).orElseThrow().lastError().isPresent());

      run(dir, "mount -o remount,size=256m '" + small + "'").assertOk();
      SyncResult after = store.sync(lib, up);

      assertEquals(SyncResult.Outcome.UPDATED, after.outcome(), after.error().orElse(""));
      assertEquals(upstream.refs("acme/lib").get("refs/heads/main"),
          refs(mirror).get("refs/heads/main"));
    } finally {
      upstream.close();
      run(dir, "umount '" + small + "'");
    }
  }

  private static Map<String, String> refs(Path bare) {
    Map<String, String> out = new TreeMap<>();
    run(bare.getParent(), "git --git-dir='" + bare + "' for-each-ref"
        + " --format='%(refname) %(objectname)'").assertOk().stdout().lines()
        .forEach(l -> out.put(l.split(" ")[0], l.split(" ")[1]));
    return out;
  }

  private static List<String> leftovers(Path root) throws Exception {
    try (Stream<Path> all = Files.walk(root)) {
      return all.filter(Files::isRegularFile).map(p -> root.relativize(p).toString())
          .filter(r -> !r.equals(".lock") && (r.endsWith(".lock") || r.contains("incoming_")
              || r.endsWith(".keep") || r.endsWith(".tmp") || r.startsWith(".incoming/")))
          .toList();
    }
  }
}
