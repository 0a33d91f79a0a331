package io.gitedge.gateway.app;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.TreeFormatter;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;

/**
 * The demo's sample upstream: bare repositories {@code acme/lib.git} (Go module
 * {@code github.com/acme/lib}, tags v1.0.0 and v1.1.0) and {@code acme/app.git} (module
 * {@code github.com/acme/app} v1.0.0, which requires lib v1.1.0). Commits have fixed authors and
 * dates, so every demo produces the same commit ids and the same {@code go.sum} lines.
 */
final class DemoUpstream {
  private static final PersonIdent AUTHOR = new PersonIdent("Acme Developer", "dev@acme.example",
      Instant.parse("2026-01-15T09:00:00Z"), ZoneOffset.UTC);

  private record Version(String tag, Map<String, String> files) {}

  private DemoUpstream() {}

  /** Creates the repositories under {@code root} unless they exist already. */
  static void create(Path root) throws IOException {
    Path acme = root.resolve("acme");
    repository(acme.resolve("lib.git"), List.of(
        new Version("v1.0.0", Map.of("go.mod", "module github.com/acme/lib\n\ngo 1.19\n",
            "lib.go", lib("Hello from acme/lib v1.0.0"))),
        new Version("v1.1.0", Map.of("go.mod", "module github.com/acme/lib\n\ngo 1.19\n",
            "lib.go", lib("Hello from acme/lib v1.1.0")))));
    repository(acme.resolve("app.git"), List.of(
        new Version("v1.0.0", Map.of(
            "go.mod", "module github.com/acme/app\n\ngo 1.19\n\n"
                + "require github.com/acme/lib v1.1.0\n",
            "main.go", "package main\n\nimport (\n\t\"fmt\"\n\n\t\"github.com/acme/lib\"\n)\n\n"
                + "func main() {\n\tfmt.Println(lib.Greeting())\n}\n"))));
  }

  private static String lib(String greeting) {
    return "// Package lib is the demo library of GitEdge's sample upstream.\npackage lib\n\n"
        + "// Greeting says hello.\nfunc Greeting() string {\n\treturn \"" + greeting + "\"\n}\n";
  }

  private static void repository(Path dir, List<Version> versions) throws IOException {
    if (Files.exists(dir)) {
      return;
    }
    Files.createDirectories(dir.getParent());
    try (Repository r = new FileRepositoryBuilder().setGitDir(dir.toFile()).build();
        ObjectInserter ins = r.newObjectInserter()) {
      r.create(true);
      ObjectId parent = null;
      int n = 0;
      for (Version v : versions) {
        TreeFormatter tree = new TreeFormatter();
        for (Map.Entry<String, String> f : new TreeMap<>(v.files()).entrySet()) {
          tree.append(f.getKey(), FileMode.REGULAR_FILE,
              ins.insert(Constants.OBJ_BLOB, f.getValue().getBytes(StandardCharsets.UTF_8)));
        }
        CommitBuilder c = new CommitBuilder();
        c.setTreeId(ins.insert(tree));
        PersonIdent when = new PersonIdent(AUTHOR,
            AUTHOR.getWhenAsInstant().plusSeconds(3600L * n++), ZoneOffset.UTC);
        c.setAuthor(when);
        c.setCommitter(when);
        c.setMessage("Release " + v.tag() + "\n");
        if (parent != null) {
          c.setParentId(parent);
        }
        parent = ins.insert(c);
        ins.flush();
        update(r, Constants.R_TAGS + v.tag(), parent);
      }
      update(r, Constants.R_HEADS + "main", parent);
      RefUpdate head = r.updateRef(Constants.HEAD);
      head.disableRefLog();
      head.link(Constants.R_HEADS + "main");
    }
  }

  private static void update(Repository r, String ref, ObjectId id) throws IOException {
    RefUpdate u = r.updateRef(ref);
    u.setNewObjectId(id);
    u.disableRefLog();
    RefUpdate.Result res = u.update();
    if (res != RefUpdate.Result.NEW && res != RefUpdate.Result.FAST_FORWARD) {
      throw new IOException("cannot create " + ref + " in the demo upstream: " + res);
    }
  }
}
