package io.gitedge.config;

import java.util.Objects;

/**
 * A configuration file that cannot be used, located to the line and key that make it so.
 *
 * <p>The message always reads {@code <file>:<line>: <key>: <problem>} (line and key are left out
 * when unknown), so an operator can go straight to the offending line. Instances are immutable.
 */
public final class ConfigException extends Exception {
  private static final long serialVersionUID = 1L;

  private final String file;
  private final int line;
  private final String key;
  private final String problem;

  /**
   * @param file the file name as the operator gave it (never null)
   * @param line the 1-based line, or 0 when unknown
   * @param key the dotted key path such as {@code upstreams[0].syncInterval}, or empty
   * @param problem what is wrong, in words an operator can act on
   */
  public ConfigException(String file, int line, String key, String problem) {
    this(file, line, key, problem, null);
  }

  public ConfigException(String file, int line, String key, String problem, Throwable cause) {
    super(format(file, line, key, problem), cause);
    this.file = Objects.requireNonNull(file, "file");
    this.line = line;
    this.key = key == null ? "" : key;
    this.problem = Objects.requireNonNull(problem, "problem");
  }

  private static String format(String file, int line, String key, String problem) {
    StringBuilder b = new StringBuilder(file);
    if (line > 0) {
      b.append(':').append(line);
    }
    b.append(": ");
    if (key != null && !key.isEmpty()) {
      b.append(key).append(": ");
    }
    return b.append(problem).toString();
  }

  public String file() {
    return file;
  }

  /** The 1-based line, or 0 when the problem is not tied to a line. */
  public int line() {
    return line;
  }

  /** The dotted key path, or the empty string. */
  public String key() {
    return key;
  }

  /** The problem without its location. */
  public String problem() {
    return problem;
  }
}
