package io.gitedge.gateway.observe;

import java.util.Locale;

/**
 * How the gateway writes its log lines on stderr: {@code GITEDGE_LOG_FORMAT} (a system property
 * or the environment, like {@code GITEDGE_LOG_LEVEL}), {@code text} by default. An unknown value
 * stops every command at start with exit 2 ({@code Main}); until then, and for logback (which
 * must not fail), it means text.
 */
public enum LogFormat {
  /** One line per event for people: time, level, thread, logger, message. */
  TEXT,
  /** One JSON object per line for log pipelines ({@link JsonLogEncoder}). */
  JSON;

  /** The variable's name. */
  public static final String VARIABLE = "GITEDGE_LOG_FORMAT";

  /**
   * The format {@code raw} names, case aside; unset or blank is {@link #TEXT}.
   *
   * @throws IllegalArgumentException for anything else, with a message naming the choices
   */
  public static LogFormat parse(String raw) {
    if (raw == null || raw.isBlank()) {
      return TEXT;
    }
    return switch (raw.strip().toLowerCase(Locale.ROOT)) {
      case "text" -> TEXT;
      case "json" -> JSON;
      default -> throw new IllegalArgumentException(VARIABLE + ": unknown log format \""
          + LogText.printable(raw) + "\" (use text or json)");
    };
  }

  /**
   * The format the process was started with.
   *
   * @throws IllegalArgumentException if {@code GITEDGE_LOG_FORMAT} names none
   */
  public static LogFormat configured() {
    String p = System.getProperty(VARIABLE);
    return parse(p != null ? p : System.getenv(VARIABLE));
  }

  /** The same, or {@link #TEXT} when the setting names no format. */
  static LogFormat configuredOrText() {
    try {
      return configured();
    } catch (IllegalArgumentException e) {
      return TEXT;
    }
  }
}
