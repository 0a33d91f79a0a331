package io.gitedge.gateway.events;

/**
 * Why Kafka did not take the fleet's events just now; the message completes a log line that
 * begins "Kafka " ("Kafka unreachable at k1:9092 (...)"). A trouble is logged when its kind
 * starts, not at every retry.
 */
final class KafkaTrouble extends Exception {
  private static final long serialVersionUID = 1L;

  /** What is wrong. */
  enum Kind {
    /** Neither the brokers nor their admin API answer (down, unknown names, network). */
    UNREACHABLE,
    /** The topic is missing and cannot be created, or was just created again. */
    TOPIC,
    /** Authentication or authorization failed. */
    REFUSED,
    /** The fleet's secret cannot be read, so nothing can be signed. */
    SECRET,
    /** The brokers answer but did not take the events (no leader yet, too few replicas). */
    FAILED
  }

  final Kind kind;
  /** Logged already where it was found. */
  final boolean announced;

  KafkaTrouble(Kind kind, String message) {
    this(kind, message, false);
  }

  KafkaTrouble(Kind kind, String message, boolean announced) {
    super(message, null, false, false);
    this.kind = kind;
    this.announced = announced;
  }

  static KafkaTrouble unreachable(String servers, Throwable e) {
    return new KafkaTrouble(Kind.UNREACHABLE, "unreachable at " + servers + " ("
        + rootMessage(e) + ")");
  }

  static KafkaTrouble refused(String servers, Throwable e) {
    return new KafkaTrouble(Kind.REFUSED, "at " + servers + " refused this gateway ("
        + rootMessage(e) + ")");
  }

  static String rootMessage(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null && c.getCause() != c) {
      c = c.getCause();
    }
    return c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
  }
}
