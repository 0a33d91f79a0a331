package io.gitedge.gateway.git;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitedge.store.MirrorName;
import io.gitedge.store.MirrorStore;
import io.gitedge.store.StoreConfig;
import io.gitedge.store.SyncResult;
import io.gitedge.store.Upstream;
import io.gitedge.testing.TestUpstream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WarmupTest {
  @TempDir Path dir;

  @Test
  void warmsEveryReadableMirror_andSkipsOnesThatAreMissingOrBroken() throws Exception {
    TestUpstream upstream = TestUpstream.create(dir);
    MirrorName a = MirrorName.parse("github.com/acme/a");
    MirrorName b = MirrorName.parse("github.com/acme/b");
    try (upstream) {
      for (String repo : List.of("acme/a", "acme/b")) {
        upstream.createRepo(repo);
        upstream.commit(repo, "main", Map.of("README.md", repo + "\n"), "first");
      }
      try (MirrorStore store = MirrorStore.open(StoreConfig.defaults(dir.resolve("mirrors")))) {
        for (MirrorName n : List.of(a, b)) {
          SyncResult r = store.sync(n, new Upstream(upstream.fileUrl() + "/"
              + n.value().substring("github.com/".length()) + ".git", Optional.empty()));
          assertEquals(SyncResult.Outcome.CREATED, r.outcome(), r.toString());
        }
      }
    }
    UploadPackFactory uploadPacks = new UploadPackFactory(Duration.ofMinutes(1), null);
    MirrorName missing = MirrorName.parse("github.com/acme/missing");
    try (MirrorStore store = MirrorStore.open(StoreConfig.defaults(dir.resolve("mirrors")))) {
      assertEquals(2, Warmup.run(store, uploadPacks, List.of(a, missing, b),
          Duration.ofMinutes(1)));
    }
    Path packs = dir.resolve("mirrors").resolve(b.relativeDirectory()).resolve("objects/pack");
    try (Stream<Path> files = Files.list(packs)) {
      for (Path p : files.toList()) {
        Files.delete(p);
      }
    }
    try (MirrorStore store = MirrorStore.open(StoreConfig.defaults(dir.resolve("mirrors")))) {
      assertEquals(1, Warmup.run(store, uploadPacks, List.of(a, b), Duration.ofMinutes(1)));
      assertTrue(store.find(a).isPresent());
    }
  }
}
