package io.gitedge.gateway.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator.ExecutionStatus;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LogSetupTest {
  private final PrintStream stderr = System.err;

  @AfterEach
  void restore() {
    System.setErr(stderr);
    System.clearProperty("GITEDGE_LOG_LEVEL");
    System.clearProperty("logback.configurationFile");
  }

  @Test
  void ourLinesGoToStderr_atInfo_everyoneElsesAtWarn() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    LoggerContext ctx = configured();

    ctx.getLogger("io.gitedge.gateway.app.GatewayApp").info("serving {}", "https://edge");
    ctx.getLogger("io.gitedge.gateway.app.GatewayApp").debug("not shown");
    ctx.getLogger("org.eclipse.jetty.server.Server").info("not shown either");
    ctx.getLogger("org.eclipse.jetty.server.Server").warn("a jetty warning");

    String out = err.toString(StandardCharsets.UTF_8);
    assertTrue(out.matches("(?s)\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}(Z|[+-]\\d\\d:\\d\\d)"
        + " INFO  \\[[^]]+\\] i\\.g\\.g\\.app\\.GatewayApp - serving https://edge\n"
        + ".* WARN  .*a jetty warning\n"), out);
    assertEquals(2, out.lines().count(), out);
    ctx.stop();
  }

  @Test
  void gitedgeLogLevel_setsOurLevel() {
    System.setProperty("GITEDGE_LOG_LEVEL", "debug");
    LoggerContext ctx = configured();
    assertEquals(Level.DEBUG, ctx.getLogger("io.gitedge.store").getEffectiveLevel());
    assertEquals(Level.WARN, ctx.getLogger("org.eclipse.jgit").getEffectiveLevel());
    ctx.stop();
  }

  @Test
  void anOperatorsLogbackFile_replacesIt() {
    System.setProperty("logback.configurationFile", "/etc/gitedge/logback.xml");
    LoggerContext ctx = new LoggerContext();
    LogSetup setup = new LogSetup();
    setup.setContext(ctx);
    assertEquals(ExecutionStatus.INVOKE_NEXT_IF_ANY, setup.configure(ctx));
    assertFalse(ctx.getLogger("ROOT").iteratorForAppenders().hasNext(), "nothing of ours set up");
  }

  private static LoggerContext configured() {
    LoggerContext ctx = new LoggerContext();
    ctx.setMDCAdapter(new LogbackMDCAdapter()); // what logback's SLF4J provider gives its own
    LogSetup setup = new LogSetup();
    setup.setContext(ctx);
    assertEquals(ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY, setup.configure(ctx));
    return ctx;
  }
}
