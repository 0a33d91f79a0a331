package io.gitedge.auth;

import io.gitedge.config.ConfigException;
import io.gitedge.config.ConfigMap;
import io.gitedge.config.ConfigNode;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.StreamDataWriter;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.common.FlowStyle;
import org.snakeyaml.engine.v2.common.ScalarStyle;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * Reads and amends the identity file:
 *
 * <pre>
 * users:
 *   alice:
 *     groups: [eng]
 *     tokens: ["sha256:9f86d081..."]
 *     sshKeys: ["ssh-ed25519 AAAA... alice@laptop"]
 * </pre>
 *
 * <p>Reading is strict: unknown keys, malformed hashes or keys, and a hash or key listed under
 * two users are errors naming file, line and key. {@link #addToken} keeps the operator's comments and layout
 * and replaces the file atomically, so a reader never sees half a file. Stateless.
 */
public final class IdentityFile {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,127}");

  private IdentityFile() {}

  /** Parses {@code file}; see the class comment for the format. */
  static Identities read(Path file) throws ConfigException {
    return parse(ConfigNode.read(file));
  }

  private static Identities parse(ConfigNode root) throws ConfigException {
    ConfigMap top = root.asMap();
    Map<String, Identities.User> users = new LinkedHashMap<>();
    Map<String, String> ownerOfHash = new HashMap<>();
    Map<String, String> ownerOfKey = new HashMap<>();
    Optional<ConfigNode> usersNode = top.get("users");
    if (usersNode.isPresent()) {
      ConfigMap um = usersNode.get().asMap();
      for (String name : um.keys()) {
        ConfigNode userNode = um.require(name);
        if (!NAME.matcher(name).matches()) {
          throw userNode.error("user names are letters, digits and . _ @ - (at most 128)");
        }
        ConfigMap u = userNode.asMap();
        Set<String> groups = new LinkedHashSet<>();
        for (ConfigNode g : u.list("groups")) {
          String group = g.asNonBlankString();
          if (!NAME.matcher(group).matches()) {
            throw g.error("group names are letters, digits and . _ @ - (at most 128)");
          }
          groups.add(group);
        }
        List<TokenHash> tokens = new ArrayList<>();
        for (ConfigNode t : u.list("tokens")) {
          String v = t.asNonBlankString();
          final TokenHash h;
          try {
            h = new TokenHash(v);
          } catch (IllegalArgumentException e) {
            throw t.error(e.getMessage() + " (./gitedge token create writes one)");
          }
          String other = ownerOfHash.putIfAbsent(h.value(), name);
          if (other != null) {
            throw t.error("this token hash is already listed under user " + other);
          }
          tokens.add(h);
        }
        List<SshKey> keys = new ArrayList<>();
        for (ConfigNode k : u.list("sshKeys")) {
          final SshKey key;
          try {
            key = SshKey.fromOpenSshLine(k.asNonBlankString());
          } catch (IllegalArgumentException e) {
            throw k.error(e.getMessage());
          }
          String other = ownerOfKey.putIfAbsent(key.fingerprint(), name);
          if (other != null) {
            throw k.error("this key (" + key + ") is already listed under user " + other);
          }
          keys.add(key);
        }
        u.finish();
        users.put(name, new Identities.User(name, groups, tokens, keys));
      }
    }
    top.finish();
    return new Identities(users);
  }

  /**
   * Adds {@code hash} to {@code user}'s tokens, creating the user (with {@code groupsForNewUser})
   * and the file as needed. Comments and the order of entries are kept.
   *
   * @throws ConfigException if the current file is invalid (it is left unchanged)
   * @throws IOException if the file cannot be written (it is left unchanged)
   */
  public static void addToken(Path file, String user, Set<String> groupsForNewUser, TokenHash hash)
      throws ConfigException, IOException {
    if (!NAME.matcher(user).matches()) {
      throw new IllegalArgumentException(
          "user names are letters, digits and . _ @ - (at most 128), got \"" + user + "\"");
    }
    String text = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    read(file.toString(), text); // refuse to amend a file that is already broken
    Node root = new Compose(LoadSettings.builder().setParseComments(true).build())
        .composeString(text)
        .orElseGet(() -> new MappingNode(Tag.MAP, new ArrayList<>(), FlowStyle.BLOCK));
    MappingNode top = (MappingNode) root;
    MappingNode users = (MappingNode) child(top, "users")
        .filter(MappingNode.class::isInstance)
        .orElseGet(() -> put(top, "users", new MappingNode(Tag.MAP, new ArrayList<>(),
            FlowStyle.BLOCK)));
    MappingNode u = (MappingNode) child(users, user).filter(MappingNode.class::isInstance)
        .orElseGet(() -> {
          MappingNode fresh = new MappingNode(Tag.MAP, new ArrayList<>(), FlowStyle.BLOCK);
          List<Node> groups = new ArrayList<>();
          groupsForNewUser.forEach(g -> groups.add(scalar(g, ScalarStyle.PLAIN)));
          put(fresh, "groups", new SequenceNode(Tag.SEQ, groups, FlowStyle.FLOW));
          return put(users, user, fresh);
        });
    SequenceNode tokens = (SequenceNode) child(u, "tokens")
        .filter(SequenceNode.class::isInstance)
        .orElseGet(() -> put(u, "tokens", new SequenceNode(Tag.SEQ, new ArrayList<>(),
            FlowStyle.FLOW)));
    tokens.getValue().add(scalar(hash.value(), ScalarStyle.DOUBLE_QUOTED));

    StringWriter out = new StringWriter();
    DumpSettings ds = DumpSettings.builder().setDumpComments(true)
        .setDefaultFlowStyle(FlowStyle.BLOCK).setIndent(2).setIndicatorIndent(2)
        .setIndentWithIndicator(true).build();
    new Dump(ds).dumpNode(root, new StreamDataWriter() {
      @Override
      public void write(String s) {
        out.write(s);
      }

      @Override
      public void write(String s, int off, int len) {
        out.write(s, off, len);
      }
    });
    String updated = out.toString();
    read(file.toString(), updated); // never write a file the gateway would refuse
    writeAtomically(file, updated);
  }

  private static Identities read(String name, String text) throws ConfigException {
    return parse(ConfigNode.parse(name, null, new StringReader(text)));
  }

  private static Optional<Node> child(MappingNode m, String key) {
    for (NodeTuple t : m.getValue()) {
      if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key)) {
        return Optional.of(t.getValueNode());
      }
    }
    return Optional.empty();
  }

  private static <N extends Node> N put(MappingNode m, String key, N value) {
    m.getValue().removeIf(t -> t.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key));
    m.getValue().add(new NodeTuple(scalar(key, ScalarStyle.PLAIN), value));
    return value;
  }

  private static ScalarNode scalar(String v, ScalarStyle style) {
    return new ScalarNode(Tag.STR, v, style);
  }

  private static void writeAtomically(Path file, String content) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try {
      if (Files.exists(file)) {
        Files.setPosixFilePermissions(tmp, Files.getPosixFilePermissions(file));
      }
      try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
        w.write(content);
      }
      try (var ch = java.nio.channels.FileChannel.open(tmp,
          java.nio.file.StandardOpenOption.WRITE)) {
        ch.force(true);
      }
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
