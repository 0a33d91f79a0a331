package io.gitedge.gateway.observe;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.spi.ContextAwareBase;
import org.slf4j.Logger;

/**
 * The gateway's logging, set up in code rather than from an XML file (parsing one took a fifth
 * of the start-up time): one line per event on stderr, so that commands printing results
 * ({@code token create}, {@code demo}) keep stdout for what the user pastes; GitEdge's own
 * loggers at {@code GITEDGE_LOG_LEVEL} (environment or system property; default {@code info}),
 * everything else at {@code warn} (Kafka's clients at {@code error}); as text for people, or with
 * {@code GITEDGE_LOG_FORMAT=json} as one JSON object per line ({@link JsonLogEncoder}; an unknown
 * format is text here, and {@code Main} refuses to start with it, see {@link LogFormat}).
 * {@code -Dlogback.configurationFile=FILE} replaces all of it.
 *
 * <p>Found by logback through {@code META-INF/services}.
 */
public final class LogSetup extends ContextAwareBase implements Configurator {
  static final String PATTERN =
      "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level [%thread] %logger{24} - %msg%n";

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    if (System.getProperty("logback.configurationFile") != null) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY; // the operator's own file
    }
    Encoder<ILoggingEvent> encoder = encoder(context, LogFormat.configuredOrText());
    ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
    stderr.setContext(context);
    stderr.setName("STDERR");
    stderr.setTarget("System.err");
    stderr.setEncoder(encoder);
    stderr.start();
    ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.WARN);
    root.addAppender(stderr);
    context.getLogger("io.gitedge").setLevel(Level.toLevel(level(), Level.INFO));
    // Kafka's clients warn at every reconnect attempt while a broker is down (twice a second);
    // the gateway's own lines say when Kafka goes away and comes back
    context.getLogger("org.apache.kafka").setLevel(Level.ERROR);
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  private static Encoder<ILoggingEvent> encoder(LoggerContext context, LogFormat format) {
    if (format == LogFormat.JSON) {
      JsonLogEncoder json = new JsonLogEncoder();
      json.setContext(context);
      json.start();
      return json;
    }
    PatternLayoutEncoder text = new PatternLayoutEncoder();
    text.setContext(context);
    text.setPattern(PATTERN);
    text.start();
    return text;
  }

  private static String level() {
    String p = System.getProperty("GITEDGE_LOG_LEVEL");
    return p != null ? p : System.getenv("GITEDGE_LOG_LEVEL");
  }
}
