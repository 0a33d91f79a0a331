package io.gitedge.gateway;

import static io.gitedge.gateway.GatewayHarness.LIB;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gitedge.testing.ClientHome;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Mirrors follow their upstream every syncInterval, without any other trigger (W06). */
class ScheduledSyncTest {
  @TempDir Path dir;

  @Test
  void w06_a100PushesWhoseWebhooksWereLost_reachClientsWithinASyncInterval() throws Exception {
    try (GatewayHarness gw = GatewayHarness.start(dir,
        GatewayHarness.Options.defaults().withSyncInterval("2s"))) {
      ClientHome alice = gw.clientWithNetrc("alice");
      ClientHome dev = ClientHome.create(gw.workDir("dev-home"));
      Path clone = dir.resolve("dev-clone");
      dev.git(dir, "clone", "-q", gw.upstream().bare("acme/lib").toString(), clone.toString())
          .assertOk();
      // 100 pushes (branches, tags, a deletion) with no webhook configured: only the timer
      // can bring them
      dev.bash(clone, """
          set -e
          for i in $(seq 1 100); do
            echo "$i" > "f$((i % 7)).txt"; git add -A; git commit -qm "push $i"
            case $((i % 10)) in
              0) git tag "v2.$i.0"; git push -q origin HEAD:main "v2.$i.0" ;;
              5) git push -q origin "HEAD:refs/heads/topic-$i" ;;
              *) git push -q origin HEAD:main ;;
            esac
          done
          git push -q origin :refs/heads/topic-5
          """).assertOk();
      Map<String, String> upstream = new TreeMap<>(gw.upstream().refs("acme/lib"));
      upstream.remove("HEAD");

      Map<String, String> served = Map.of();
      for (int i = 0; i < 200 && !served.equals(upstream); i++) {
        Thread.sleep(100);
        served = lsRemote(alice, gw);
      }

      assertEquals(upstream, served, "the timer never brought the mirror level");
    }
  }

  private Map<String, String> lsRemote(ClientHome alice, GatewayHarness gw) {
    Map<String, String> refs = new TreeMap<>();
    alice.git(dir, "ls-remote", "--refs", gw.repoUrl(LIB)).assertOk().stdout().lines()
        .forEach(l -> refs.put(l.split("\t")[1], l.split("\t")[0]));
    return refs;
  }
}
