package io.gitedge.gateway.observe;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.encoder.EncoderBase;
import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Set;
import org.slf4j.event.KeyValuePair;

/**
 * Log events as one JSON object per line ({@code GITEDGE_LOG_FORMAT=json}), for log pipelines:
 *
 * <pre>{@code
 * {"time":"2026-12-05T16:31:02.417Z","level":"INFO","logger":"io.gitedge.gateway.git.ReadSession",
 *  "thread":"qtp-12","message":"https GET /github.com/acme/lib.git/info/refs?... 200 alice 412B 9ms",
 *  "door":"https","request":"GET /github.com/acme/lib.git/info/refs?...","service":"info-refs",
 *  "status":200,"caller":"alice","bytes":412,"durationMs":9}
 * }</pre>
 *
 * (one line in reality). Always {@code time} (UTC, milliseconds), {@code level}, {@code logger}
 * (the full name), {@code thread} and {@code message} (the text line's message, formatted); then
 * the event's key-value pairs (SLF4J's {@code addKeyValue}) as fields of their own, numbers as
 * numbers (a key that clashes with one of the fixed fields gets a {@code kv_} prefix); and an
 * exception as {@code exception}, one string with its stack trace as the text format prints it.
 * Control characters and line breaks are escaped, so every event is exactly one line. Nothing is
 * added that the text line does not carry: what the text format never logs (tokens, passwords,
 * Authorization headers), this does not either.
 */
public final class JsonLogEncoder extends EncoderBase<ILoggingEvent> {
  private static final JsonFactory JSON = new JsonFactory();
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX").withZone(ZoneOffset.UTC);
  private static final Set<String> FIXED =
      Set.of("time", "level", "logger", "thread", "message", "exception");

  @Override
  public byte[] headerBytes() {
    return null;
  }

  @Override
  public byte[] encode(ILoggingEvent event) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(384);
    try (JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8)) {
      g.writeStartObject();
      g.writeStringField("time", TIME.format(event.getInstant()));
      g.writeStringField("level", event.getLevel().toString());
      g.writeStringField("logger", event.getLoggerName());
      g.writeStringField("thread", event.getThreadName());
      g.writeStringField("message", event.getFormattedMessage());
      List<KeyValuePair> pairs = event.getKeyValuePairs();
      if (pairs != null) {
        for (KeyValuePair kv : pairs) {
          g.writeFieldName(FIXED.contains(kv.key) ? "kv_" + kv.key : kv.key);
          value(g, kv.value);
        }
      }
      IThrowableProxy thrown = event.getThrowableProxy();
      if (thrown != null) {
        g.writeStringField("exception", ThrowableProxyUtil.asString(thrown));
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // writing to memory
    }
    out.write('\n');
    return out.toByteArray();
  }

  private static void value(JsonGenerator g, Object v) throws IOException {
    if (v == null) {
      g.writeNull();
    } else if (v instanceof Integer || v instanceof Long || v instanceof Short
        || v instanceof Byte) {
      g.writeNumber(((Number) v).longValue());
    } else if (v instanceof Double || v instanceof Float) {
      g.writeNumber(((Number) v).doubleValue());
    } else if (v instanceof BigInteger b) {
      g.writeNumber(b);
    } else if (v instanceof BigDecimal b) {
      g.writeNumber(b);
    } else if (v instanceof Boolean b) {
      g.writeBoolean(b);
    } else {
      g.writeString(String.valueOf(v));
    }
  }

  @Override
  public byte[] footerBytes() {
    return null;
  }
}
