package io.gitedge.gateway;

import static io.gitedge.gateway.GatewayHarness.LIB;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import io.gitedge.testing.ClientHome;
import io.gitedge.testing.ProcessResult;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Catalogue row T08, for the HTTPS door: whatever callers send (good tokens, bad tokens, tokens
 * as user names), no log line of the gateway contains a token, and no response does either.
 */
class TokensNeverLoggedTest {
  @TempDir Path dir;

  @Test
  void tokensSentInEveryForm_neverReachTheLog() throws Exception {
    try (LogCapture log = new LogCapture(org.slf4j.Logger.ROOT_LOGGER_NAME, Level.INFO);
        LogCapture debug = new LogCapture("io.gitedge", Level.DEBUG);
        GatewayHarness gw = GatewayHarness.start(dir)) {
      String good = gw.token("alice");
      String bad = good.substring(0, good.length() - 4) + "AAAA";
      Path work = gw.workDir("t08");
      gw.clientWithNetrc("alice").git(work, "clone", gw.repoUrl(LIB), "lib").assertOk();
      ClientHome header = gw.client("header");
      String badOut = header.git(work, "-c", "http.extraHeader=Authorization: Bearer " + bad,
          "ls-remote", gw.repoUrl(LIB)).assertFailed().describe();
      String userOut = header.git(work, "ls-remote",
          gw.url().replace("https://", "https://" + bad + ":@") + "/" + LIB + ".git")
          .assertFailed().describe();
      ProcessResult push = header.git(work.resolve("lib"), "-c",
          "http.extraHeader=Authorization: Bearer " + good, "push", gw.repoUrl(LIB), "HEAD:main")
          .assertFailed();
      assertTrue(push.stderr().contains("read-only mirror"), push.describe());

      List<String> lines = new java.util.ArrayList<>(log.lines());
      lines.addAll(debug.lines());
      assertTrue(lines.size() > 5, "the gateway logged requests");
      for (String line : lines) {
        assertFalse(line.contains(good) || line.contains(bad), "token in log: " + line);
      }
      assertFalse(badOut.replace("Bearer " + bad, "").contains(bad), badOut);
      assertFalse(userOut.replace(bad + ":@", "").contains(bad), userOut);
    }
  }
}
