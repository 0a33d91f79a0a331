package io.gitedge.gateway;

import static io.gitedge.gateway.GatewayHarness.LIB;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.gitedge.testing.ClientHome;
import io.gitedge.testing.ProcessResult;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Catalogue row T08, for the HTTPS door: whatever callers send (good tokens, bad tokens, tokens
 * as user names), no log line of the gateway contains a token, and no response does either.
 */
class TokensNeverLoggedTest {
  @TempDir Path dir;

  @Test
  void tokensSentInEveryForm_neverReachTheLog() throws Exception {
    LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
    Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    Logger gitedge = ctx.getLogger("io.gitedge");
    ListAppender<ILoggingEvent> events = new ListAppender<>();
    events.setContext(ctx);
    events.start();
    root.addAppender(events);
    ch.qos.logback.classic.Level before = gitedge.getLevel();
    gitedge.setLevel(ch.qos.logback.classic.Level.DEBUG);
    try (GatewayHarness gw = GatewayHarness.start(dir)) {
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

      assertTrue(events.list.size() > 5, "the gateway logged requests");
      for (ILoggingEvent e : events.list) {
        String line = e.getFormattedMessage()
            + (e.getThrowableProxy() == null ? "" : e.getThrowableProxy().getMessage());
        assertFalse(line.contains(good) || line.contains(bad), "token in log: " + line);
      }
      assertFalse(badOut.replace("Bearer " + bad, "").contains(bad), badOut);
      assertFalse(userOut.replace(bad + ":@", "").contains(bad), userOut);
    } finally {
      gitedge.setLevel(before);
      root.detachAppender(events);
    }
  }
}
