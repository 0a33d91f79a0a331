package io.gitedge.gateway;

import static io.gitedge.gateway.GatewayHarness.APP;
import static io.gitedge.gateway.GatewayHarness.LIB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitedge.store.SyncResult;
import io.gitedge.testing.ClientHome;
import io.gitedge.testing.ProcessResult;
import io.gitedge.testing.Requires;
import io.gitedge.testing.TrustingHttp;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Catalogue row R06 end to end, under the default tag policy (immutable): the upstream
 * force-pushes main onto a rewritten history, force-moves the release tags {@code v1.0.0} and
 * {@code v1.1.0} onto it, deletes a branch, and then deletes a whole repository. Branches follow,
 * the deleted branch is pruned, the tags keep the commits the go.sum recorded (so a fresh
 * {@code go mod download} against the old go.sum still verifies), the conflicts are counted in
 * the metrics, and the mirror of the deleted repository keeps serving its last state.
 */
class UpstreamRewritesTest {
  @TempDir Path dir;

  @Test
  void r06_forcePushesTagMovesAndDeletes_followThePolicy_andAnOldGoSumStillVerifies()
      throws Exception {
    Requires.tools("go");
    try (GatewayHarness gw = GatewayHarness.start(dir)) {
      ClientHome first = gw.clientWithNetrc("alice");
      first.git(dir, "config", "--global", "url." + gw.url() + "/github.com/.insteadOf",
          "https://github.com/").assertOk();
      Path consumer = gw.workDir("consumer");
      List<String> sums = ReadPathSpec.goSums(first, consumer);
      Map<String, String> tagsBefore = gw.upstream().refs("acme/lib");
      gw.upstream().commit("acme/lib", "old-feature", Map.of("f.txt", "f\n"), "a branch");
      assertTrue(gw.sync(LIB).succeeded());

      String rewritten = gw.upstream().rewriteHistory("acme/lib", "main", "v1.0.0", "v1.1.0");
      gw.upstream().git("acme/lib", "branch", "-D", "old-feature").assertOk();
      SyncResult r = gw.sync(LIB);

      assertTrue(r.succeeded(), "R06: the sync after the rewrite failed: " + r);
      Map<String, String> served = ReadPathSpec.lsRemote(first.git(dir, "ls-remote",
          gw.repoUrl(LIB)));
      assertEquals(rewritten, served.get("refs/heads/main"), "R06: main did not follow");
      assertFalse(served.containsKey("refs/heads/old-feature"), "R06: deleted branch kept");
      for (String tag : List.of("refs/tags/v1.0.0", "refs/tags/v1.1.0")) {
        assertEquals(tagsBefore.get(tag), served.get(tag), "R06: " + tag + " moved");
        assertNotEquals(tagsBefore.get(tag), gw.upstream().refs("acme/lib").get(tag));
      }
      assertEquals(2, r.newTagConflicts().size(), "R06: conflicts " + r.newTagConflicts());
      String metrics = TrustingHttp.client(gw.certificate()).send(HttpRequest.newBuilder(
              URI.create(gw.url() + "/metrics")).header("Authorization", "Bearer "
              + gw.token("ops")).build(), HttpResponse.BodyHandlers.ofString()).body();
      assertTrue(metrics.contains("gitedge_mirror_tag_conflicts{mirror=\"" + LIB
          + "\",region=\"test\"} 2.0"), "R06: the tag conflicts are not in the metrics:\n"
          + metrics.lines().filter(l -> l.contains("tag_conflicts")).toList());

      // a fresh machine with the project's go.mod and go.sum: everything still verifies
      ClientHome fresh = gw.clientWithNetrc("alice");
      fresh.git(dir, "config", "--global", "url." + gw.url() + "/github.com/.insteadOf",
          "https://github.com/").assertOk();
      Path again = gw.workDir("consumer-again");
      Files.copy(consumer.resolve("go.mod"), again.resolve("go.mod"));
      Files.copy(consumer.resolve("go.sum"), again.resolve("go.sum"));
      ClientHome go = fresh.with("GOPRIVATE", "github.com/acme").with("GOPROXY", "direct")
          .with("GONOSUMDB", "github.com/acme").with("GIT_TERMINAL_PROMPT", "0");
      ProcessResult download = go.go(again, "mod", "download", "-x");
      assertTrue(download.ok(), "R06: with the tags moved upstream, the old go.sum no longer"
          + " verifies: " + download.describe());
      go.go(again, "mod", "download", "github.com/acme/lib@v1.0.0").assertOk();
      go.go(again, "mod", "verify").assertOk();
      assertEquals(Files.readString(consumer.resolve("go.sum")),
          Files.readString(again.resolve("go.sum")), "R06: go.sum changed");
      assertEquals(6, sums.size());

      // the upstream deletes a repository: its mirror keeps serving what it had
      String appMain = gw.upstream().refs("acme/app").get("refs/heads/main");
      io.gitedge.testing.ClientProcess.run(dir, io.gitedge.testing.ClientProcess
          .baseEnvironment(), List.of("rm", "-rf", gw.upstream().bare("acme/app").toString()),
          null).assertOk();
      SyncResult gone = gw.sync(APP);
      assertFalse(gone.succeeded(), "R06: a sync of a deleted upstream repository succeeded");
      assertEquals(appMain, ReadPathSpec.lsRemote(first.git(dir, "ls-remote",
          gw.repoUrl(APP))).get("refs/heads/main"), "R06: the deleted repository's mirror"
          + " stopped serving its last state");
      assertTrue(Files.isDirectory(gw.mirrorDir(APP)), "R06: the mirror was deleted");
    }
  }
}
