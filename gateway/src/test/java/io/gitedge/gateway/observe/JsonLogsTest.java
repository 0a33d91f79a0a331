package io.gitedge.gateway.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator.ExecutionStatus;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gitedge.gateway.app.Main;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code GITEDGE_LOG_FORMAT}: {@code json} writes one strict JSON object per line with the
 * event's key-values as fields and an exception as one string; the text format is the same as
 * ever, key-values or not; an unknown format stops every command at start.
 */
class JsonLogsTest {
  /** Strict: no trailing tokens, no duplicate keys. */
  static final ObjectMapper STRICT = new ObjectMapper()
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  private final PrintStream stderr = System.err;
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @AfterEach
  void restore() {
    System.setErr(stderr);
    System.clearProperty(LogFormat.VARIABLE);
  }

  @Test
  void json_oneObjectPerLine_withKeyValuesAsFields_andTheStackTraceAsAString() throws Exception {
    System.setProperty(LogFormat.VARIABLE, "json");
    LoggerContext ctx = configured();
    var access = ctx.getLogger("io.gitedge.gateway.git.ReadSession");
    access.atInfo().addKeyValue("door", "https").addKeyValue("status", 200)
        .addKeyValue("caller", "alice").addKeyValue("bytes", 412L).addKeyValue("gone", (Object) null)
        .addKeyValue("message", "a clash").addKeyValue("ok", true)
        .log("{} {} {}", "https", "GET /x\nforged line \u0007 \u00e9", 200);
    IOException cause = new IOException("disk on fire");
    ctx.getLogger("io.gitedge.store.FileMirrorStore").warn("sync {} failed", "github.com/a/b",
        new IllegalStateException("a bug", cause));
    ctx.getLogger("org.eclipse.jetty.server.Server").info("not shown");
    ctx.stop();

    List<String> lines = err.toString(StandardCharsets.UTF_8).lines().toList();
    assertEquals(2, lines.size(), err.toString(StandardCharsets.UTF_8));
    JsonNode a = STRICT.readTree(lines.get(0));
    assertTrue(a.get("time").asText().matches(
        "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z"), a.toString());
    assertEquals("INFO", a.get("level").asText());
    assertEquals("io.gitedge.gateway.git.ReadSession", a.get("logger").asText());
    assertEquals(Thread.currentThread().getName(), a.get("thread").asText());
    assertEquals("https GET /x\nforged line \u0007 \u00e9 200", a.get("message").asText(),
        "the text line's message, its line break escaped inside the one JSON line");
    assertEquals("https", a.path("door").asText(), "a key-value as a field: " + a);
    assertTrue(a.get("status").isInt() && a.get("status").asInt() == 200, a.toString());
    assertTrue(a.get("bytes").isIntegralNumber() && a.get("bytes").asLong() == 412, a.toString());
    assertEquals("alice", a.path("caller").asText(), a.toString());
    assertTrue(a.get("gone").isNull(), a.toString());
    assertTrue(a.get("ok").isBoolean() && a.get("ok").asBoolean(), a.toString());
    assertEquals("a clash", a.get("kv_message").asText(), "a key-value never hides a fixed field");
    assertFalse(a.has("exception"), a.toString());

    JsonNode w = STRICT.readTree(lines.get(1));
    assertEquals("WARN", w.get("level").asText());
    assertEquals("sync github.com/a/b failed", w.get("message").asText());
    String trace = w.get("exception").asText();
    assertTrue(trace.startsWith("java.lang.IllegalStateException: a bug\n"), trace);
    assertTrue(trace.contains("\tat io.gitedge.gateway.observe.JsonLogsTest."), trace);
    assertTrue(trace.contains("Caused by: java.io.IOException: disk on fire"), trace);
  }

  @Test
  void text_isAsEver_keyValuesOrNot() {
    LoggerContext ctx = configured();
    ctx.getLogger("io.gitedge.gateway.git.ReadSession").atInfo().addKeyValue("door", "ssh")
        .addKeyValue("status", 0).log("{} {} {} {} {}B {}ms", "ssh",
            "git-upload-pack 'github.com/acme/lib.git'", 0, "alice", 1234, 56);
    ctx.stop();
    String out = err.toString(StandardCharsets.UTF_8);
    assertTrue(out.matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}(Z|[+-]\\d\\d:\\d\\d)"
        + " INFO  \\[[^]]+\\] i\\.g\\.g\\.git\\.ReadSession - ssh git-upload-pack"
        + " 'github\\.com/acme/lib\\.git' 0 alice 1234B 56ms\n"), out);
  }

  @Test
  void unknownFormat_stopsEveryCommandAtStart_withExit2() {
    System.setProperty(LogFormat.VARIABLE, "xml");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream problems = new ByteArrayOutputStream();
    int code = Main.run(new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(problems, true, StandardCharsets.UTF_8), "--version");
    assertEquals(2, code);
    assertEquals("gitedge: GITEDGE_LOG_FORMAT: unknown log format \"xml\" (use text or json)\n",
        problems.toString(StandardCharsets.UTF_8));
    assertEquals("", out.toString(StandardCharsets.UTF_8));

    System.setProperty(LogFormat.VARIABLE, " JSON ");
    assertEquals(0, Main.run(new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(problems, true, StandardCharsets.UTF_8), "--version"));
    assertEquals(LogFormat.TEXT, LogFormat.parse(""));
    assertThrows(IllegalArgumentException.class, () -> LogFormat.parse("logfmt"));
  }

  /** A fresh logback context set up by {@link LogSetup}, writing to {@link #err}. */
  private LoggerContext configured() {
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    LoggerContext ctx = new LoggerContext();
    ctx.setMDCAdapter(new LogbackMDCAdapter());
    LogSetup setup = new LogSetup();
    setup.setContext(ctx);
    assertEquals(ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY, setup.configure(ctx));
    return ctx;
  }
}
