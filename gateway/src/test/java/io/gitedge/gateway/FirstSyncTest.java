package io.gitedge.gateway;

import static io.gitedge.gateway.GatewayHarness.LIB;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitedge.testing.ClientHome;
import io.gitedge.testing.ProcessResult;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A configured mirror whose first sync has not succeeded yet. */
class FirstSyncTest {
  @TempDir Path dir;
  GatewayHarness gw;

  @AfterEach
  void stop() {
    if (gw != null) {
      gw.close();
    }
  }

  @Test
  void cloneBeforeTheFirstSync_isToldToRetry_andWorksOnceTheUpstreamIsBack() throws Exception {
    gw = GatewayHarness.start(dir, GatewayHarness.Options.defaults()
        .withSync("firstSyncWait", "2s").withUpstreamDownAtStart());
    ClientHome alice = gw.clientWithNetrc("alice");
    Path work = gw.workDir("first");

    ProcessResult early = alice.git(work, "clone", gw.repoUrl(LIB), "lib").assertFailed();

    assertTrue(early.stderr().contains("remote: gitedge: the mirror of " + LIB
        + " is not ready yet (last attempt failed: the upstream could not be fetched); try"
        + " again shortly"), early.describe());
    assertTrue(!Files.exists(work.resolve("lib/.git")), "nothing was cloned");

    gw.upstreamHttp().setDown(false);
    alice.git(work, "clone", gw.repoUrl(LIB), "lib").assertOk();
    assertTrue(Files.readString(work.resolve("lib/lib.go")).contains("v1.1.0"));
  }
}
