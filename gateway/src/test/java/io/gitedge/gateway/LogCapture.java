package io.gitedge.gateway;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Collects what the gateway logs while a test runs, for assertions on what a server-side check
 * decided (its reason codes) or on what must never be logged (secrets). Detaches when closed.
 */
final class LogCapture implements AutoCloseable {
  private final ListAppender<ILoggingEvent> events = new ListAppender<>();
  private final Logger logger;
  private final Level level;

  /** Captures {@code loggerName} and below, at {@code level} or above. */
  LogCapture(String loggerName, Level level) {
    LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
    this.logger = ctx.getLogger(loggerName);
    this.level = logger.getLevel();
    events.setContext(ctx);
    events.start();
    logger.setLevel(level);
    logger.addAppender(events);
  }

  /** Every captured message, formatted, with its exception's message if any. */
  List<String> lines() {
    // the appender adds under its own lock (AppenderBase.doAppend is synchronized), not the list's
    synchronized (events) {
      return events.list.stream().map(e -> e.getFormattedMessage()
          + (e.getThrowableProxy() == null ? "" : " " + e.getThrowableProxy().getMessage()))
          .toList();
    }
  }

  boolean any(String fragment) {
    return lines().stream().anyMatch(l -> l.contains(fragment));
  }

  @Override
  public void close() {
    logger.detachAppender(events);
    logger.setLevel(level);
  }
}
