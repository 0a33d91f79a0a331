package io.gitedge.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * One value of a YAML document together with where it stands: the file, the 1-based line and the
 * dotted key path ({@code upstreams[0].credentials.tokenFile}). Every conversion either returns a
 * typed value or throws a {@link ConfigException} naming that place, so loaders never have to
 * build error messages themselves.
 *
 * <p>Immutable and thread-safe. A YAML {@code null} (or an empty value) reads as an empty map or
 * list where one is expected, and is reported as missing where a scalar is required.
 */
public final class ConfigNode {
  private static final int MAX_DOCUMENT_CODE_POINTS = 1 << 20;

  private final String file;
  private final Path baseDir;
  private final String path;
  private final Node node;

  private ConfigNode(String file, Path baseDir, String path, Node node) {
    this.file = file;
    this.baseDir = baseDir;
    this.path = path;
    this.node = node;
  }

  /**
   * Reads {@code file} as one YAML document. Relative paths in it resolve against the folder that
   * holds it.
   *
   * @throws ConfigException when the file is missing, unreadable or not well-formed YAML
   */
  public static ConfigNode read(Path file) throws ConfigException {
    String name = file.toString();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return parse(name, file.toAbsolutePath().getParent(), r);
    } catch (NoSuchFileException e) {
      throw new ConfigException(name, 0, "", "file not found");
    } catch (IOException e) {
      throw new ConfigException(name, 0, "", "cannot read: " + e.getMessage(), e);
    }
  }

  /** Parses YAML text; {@code file} only names it in messages. */
  public static ConfigNode parse(String file, Path baseDir, Reader text) throws ConfigException {
    LoadSettings settings = LoadSettings.builder()
        .setLabel(file)
        .setAllowDuplicateKeys(false)
        .setMaxAliasesForCollections(20)
        .setCodePointLimit(MAX_DOCUMENT_CODE_POINTS)
        .build();
    try {
      Node root = new Compose(settings).composeReader(text).orElse(null);
      return new ConfigNode(file, baseDir, "", root);
    } catch (MarkedYamlEngineException e) {
      int line = e.getProblemMark().or(e::getContextMark).map(m -> m.getLine() + 1).orElse(0);
      throw new ConfigException(file, line, "", "not valid YAML: " + e.getProblem(), e);
    } catch (YamlEngineException e) {
      throw new ConfigException(file, 0, "", "not valid YAML: " + e.getMessage(), e);
    }
  }

  ConfigNode child(String childPath, Node child) {
    return new ConfigNode(file, baseDir, childPath, child);
  }

  /** The dotted key path of this value; empty for the document root. */
  public String path() {
    return path;
  }

  /** The file name as given to {@link #read}. */
  public String file() {
    return file;
  }

  /** The 1-based line the value starts on, or 0 for an absent document. */
  public int line() {
    return node == null ? 0 : node.getStartMark().map(Mark::getLine).orElse(-1) + 1;
  }

  /** A {@link ConfigException} located at this value. */
  public ConfigException error(String problem) {
    return new ConfigException(file, line(), path, problem);
  }

  /** A {@link ConfigException} located at this value, keeping the cause. */
  public ConfigException error(String problem, Throwable cause) {
    return new ConfigException(file, line(), path, problem, cause);
  }

  /** True for YAML {@code null}, {@code ~} and empty values. */
  public boolean isNull() {
    return node == null || (node instanceof ScalarNode s && s.getTag().equals(Tag.NULL));
  }

  public boolean isList() {
    return node instanceof SequenceNode;
  }

  public boolean isScalar() {
    return node instanceof ScalarNode && !isNull();
  }

  /** The scalar's text, whatever YAML type it resolved to. */
  public String asString() throws ConfigException {
    if (isNull()) {
      throw error("a value is required");
    }
    if (!(node instanceof ScalarNode s)) {
      throw error("expected a single value, found a " + kind());
    }
    return s.getValue();
  }

  /** The scalar as a non-blank string. */
  public String asNonBlankString() throws ConfigException {
    String s = asString();
    if (s.isBlank()) {
      throw error("must not be blank");
    }
    return s;
  }

  public boolean asBoolean() throws ConfigException {
    String s = asString();
    return switch (s) {
      case "true" -> true;
      case "false" -> false;
      default -> throw error("expected true or false, got \"" + s + "\"");
    };
  }

  /** An integer within {@code [min, max]}. */
  public int asInt(int min, int max) throws ConfigException {
    return (int) asLong(min, max);
  }

  /** A whole number within {@code [min, max]}; {@code _} may group digits. */
  public long asLong(long min, long max) throws ConfigException {
    String s = asString();
    final long v;
    try {
      v = Long.parseLong(s.replace("_", ""));
    } catch (NumberFormatException e) {
      throw error("expected a whole number, got \"" + s + "\"");
    }
    if (v < min || v > max) {
      throw error("must be between " + min + " and " + max + ", got " + v);
    }
    return v;
  }

  /**
   * A size in bytes, at least 1: a whole number with an optional unit {@code KiB}, {@code MiB},
   * {@code GiB} or {@code TiB} ({@code 512MiB}, {@code 32GiB}).
   */
  public long asByteSize() throws ConfigException {
    String s = asString().strip();
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("([0-9_]+)\\s*(KiB|MiB|GiB|TiB)?")
        .matcher(s);
    if (!m.matches()) {
      throw error("expected a size such as 512MiB or 32GiB, got \"" + s + "\"");
    }
    int shift = m.group(2) == null ? 0 : switch (m.group(2)) {
      case "KiB" -> 10;
      case "MiB" -> 20;
      case "GiB" -> 30;
      default -> 40;
    };
    long n;
    try {
      n = Long.parseLong(m.group(1).replace("_", ""));
    } catch (NumberFormatException e) {
      throw error("too large: \"" + s + "\"");
    }
    if (n < 1 || n > (Long.MAX_VALUE >> shift)) {
      throw error("must be at least 1 byte and fit in 8 EiB, got \"" + s + "\"");
    }
    return n << shift;
  }

  /** A duration such as {@code 30s}, {@code 5m} or {@code 1h30m}; see {@link Durations}. */
  public Duration asDuration() throws ConfigException {
    String s = asString();
    try {
      return Durations.parse(s);
    } catch (IllegalArgumentException e) {
      throw error(e.getMessage());
    }
  }

  /** A positive duration. */
  public Duration asPositiveDuration() throws ConfigException {
    Duration d = asDuration();
    if (d.isZero()) {
      throw error("must be greater than zero");
    }
    return d;
  }

  /**
   * A path; a relative one resolves against the folder of the file it was read from, so a config
   * means the same thing whatever the working directory of the process.
   */
  public Path asPath() throws ConfigException {
    String s = asNonBlankString();
    try {
      Path p = Path.of(s);
      return p.isAbsolute() || baseDir == null ? p.normalize() : baseDir.resolve(p).normalize();
    } catch (RuntimeException e) {
      throw error("not a usable path: \"" + s + "\"");
    }
  }

  /** A path (see {@link #asPath}) to a regular file this process can read. */
  public Path asExistingFile() throws ConfigException {
    Path resolved = asPath();
    if (!Files.isRegularFile(resolved)) {
      throw error("file not found: " + resolved);
    }
    if (!Files.isReadable(resolved)) {
      throw error("file not readable: " + resolved);
    }
    return resolved;
  }

  /** The elements of a sequence; a null value reads as an empty list. */
  public List<ConfigNode> asList() throws ConfigException {
    if (isNull()) {
      return List.of();
    }
    if (!(node instanceof SequenceNode seq)) {
      throw error("expected a list, found a " + kind());
    }
    List<ConfigNode> out = new ArrayList<>();
    List<Node> items = seq.getValue();
    for (int i = 0; i < items.size(); i++) {
      out.add(child(path + "[" + i + "]", items.get(i)));
    }
    return List.copyOf(out);
  }

  /** A sequence of scalars. */
  public List<String> asStringList() throws ConfigException {
    List<String> out = new ArrayList<>();
    for (ConfigNode n : asList()) {
      out.add(n.asNonBlankString());
    }
    return List.copyOf(out);
  }

  /** The entries of a mapping; a null value reads as an empty map. */
  public ConfigMap asMap() throws ConfigException {
    if (isNull()) {
      return new ConfigMap(this, List.of());
    }
    if (!(node instanceof MappingNode map)) {
      throw error("expected a mapping of keys to values, found a " + kind());
    }
    return new ConfigMap(this, map.getValue());
  }

  /**
   * The line of every value in this one, itself included, by key path ({@code http.listen},
   * {@code upstreams[0].url}); null values and the document root are left out. Lets a problem
   * found after reading (an address already in use) still be reported at its line.
   */
  public Map<String, Integer> lines() throws ConfigException {
    Map<String, Integer> lines = new HashMap<>();
    collectLines(lines);
    return Map.copyOf(lines);
  }

  private void collectLines(Map<String, Integer> lines) throws ConfigException {
    if (isNull()) {
      return;
    }
    if (!path.isEmpty()) {
      lines.put(path, line());
    }
    if (node instanceof MappingNode) {
      ConfigMap map = asMap();
      for (String key : map.keys()) {
        Optional<ConfigNode> value = map.get(key);
        if (value.isPresent()) {
          value.get().collectLines(lines);
        }
      }
    } else if (node instanceof SequenceNode) {
      for (ConfigNode item : asList()) {
        item.collectLines(lines);
      }
    }
  }

  Optional<Node> node() {
    return Optional.ofNullable(node);
  }

  private String kind() {
    if (node instanceof MappingNode) {
      return "mapping";
    }
    if (node instanceof SequenceNode) {
      return "list";
    }
    return "single value";
  }
}
