package io.gitedge.bench;

import io.gitedge.gateway.fleet.Fleet;
import io.gitedge.testing.ClientHome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A developer's clone of the fleet origin's {@code acme/lib}: real commits and lightweight tags,
 * pushed into the origin's bare repository with {@code git push}, as a release is pushed to a Git
 * host (which would then send its webhook; the benchmark sends it).
 */
final class DeveloperClone {
  private final ClientHome dev;
  private final Path clone;

  private DeveloperClone(ClientHome dev, Path clone) {
    this.dev = dev;
    this.clone = clone;
  }

  static DeveloperClone of(Fleet fleet, Path dir) throws IOException {
    ClientHome dev = ClientHome.create(Files.createDirectories(dir.resolve("developer")));
    Path clone = dir.resolve("developer-clone");
    dev.git(dir, "clone", "-q", fleet.origin().bare("acme/lib").toString(), clone.toString())
        .assertOk();
    return new DeveloperClone(dev, clone);
  }

  /** Writes {@code files}, commits on {@code main}; the new commit's id (not pushed yet). */
  String commit(Map<String, String> files, String message) throws IOException {
    for (Map.Entry<String, String> f : files.entrySet()) {
      Files.writeString(clone.resolve(f.getKey()), f.getValue());
    }
    dev.git(clone, "add", "-A").assertOk();
    dev.git(clone, "commit", "-q", "-m", message).assertOk();
    return dev.git(clone, "rev-parse", "HEAD").assertOk().stdout().trim();
  }

  /** Tags {@code HEAD} (lightweight, as {@code go} releases usually are; not pushed yet). */
  void tag(String name) {
    dev.git(clone, "tag", name).assertOk();
  }

  /** Pushes {@code main} and {@code tags} into the origin in one push. */
  void push(String... tags) {
    List<String> args = new ArrayList<>(List.of("push", "-q", "origin", "main"));
    args.addAll(List.of(tags));
    dev.git(clone, args.toArray(String[]::new)).assertOk();
  }

  /** A commit changing {@code bench.go} and a new tag on it, pushed; the commit id. */
  String release(String tag, int serial) throws IOException {
    String id = commit(Map.of("bench.go", "package lib\n\nconst Pushed = " + serial + "\n"),
        "release " + tag);
    tag(tag);
    push(tag);
    return id;
  }
}
