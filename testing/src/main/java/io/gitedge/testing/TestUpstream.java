package io.gitedge.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The Git host of the tests: bare repositories made and changed with the real git CLI under one
 * project root, served by C git's {@code http-backend} ({@link #serveHttp}) or read as
 * {@code file://} URLs. Commits are made in a work clone beside the root and pushed, the way a
 * developer changes a repository.
 */
public final class TestUpstream implements AutoCloseable {
  private final Path root;
  private final Path work;
  private final ClientHome author;
  private HttpBackendServer server;

  private TestUpstream(Path dir) {
    try {
      this.root = Files.createDirectories(dir.resolve("upstream"));
      this.work = Files.createDirectories(dir.resolve("upstream-work"));
      this.author = ClientHome.create(Files.createDirectories(dir.resolve("upstream-author")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A new, empty upstream in {@code dir}. */
  public static TestUpstream create(Path dir) {
    return new TestUpstream(dir);
  }

  /**
   * A new upstream in {@code dir} holding copies of {@code template}'s repositories (same
   * commits, same ids), without running git: seeding the same repositories for every test again
   * costs dozens of git processes each time. Work clones are made again when first needed.
   */
  public static TestUpstream copyOf(TestUpstream template, Path dir) {
    TestUpstream copy = new TestUpstream(dir);
    try (Stream<Path> files = Files.walk(template.root)) {
      for (Path from : files.toList()) {
        Path to = copy.root.resolve(template.root.relativize(from).toString());
        if (Files.isDirectory(from)) {
          Files.createDirectories(to);
        } else {
          Files.copy(from, to, StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return copy;
  }

  /** The folder holding the bare repositories (the http-backend project root). */
  public Path root() {
    return root;
  }

  /** The bare repository for {@code repo} (e.g. {@code acme/lib} is {@code acme/lib.git}). */
  public Path bare(String repo) {
    return root.resolve(repo + ".git");
  }

  /** Creates an empty bare repository whose HEAD names {@code main}. */
  public TestUpstream createRepo(String repo) {
    Path bare = bare(repo);
    author.git(root, "init", "--bare", "--initial-branch=main", bare.toString()).assertOk();
    return this;
  }

  /**
   * Writes {@code files} (path to content; a null content deletes) on {@code branch}, commits and
   * pushes. Returns the new commit id.
   */
  public String commit(String repo, String branch, Map<String, String> files, String message) {
    Path clone = branchClone(repo, branch);
    if (!author.git(clone, "rev-parse", "--verify", "-q", "HEAD").ok()) {
      author.git(clone, "rm", "-rfq", "--ignore-unmatch", ".").assertOk();
    }
    try {
      for (Map.Entry<String, String> f : files.entrySet()) {
        Path p = clone.resolve(f.getKey());
        if (f.getValue() == null) {
          Files.deleteIfExists(p);
        } else {
          Files.createDirectories(p.getParent());
          Files.writeString(p, f.getValue());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    author.git(clone, "add", "-A").assertOk();
    return commitAndPush(clone, branch, message);
  }

  /**
   * Makes {@code tree} (a folder: every file in it, binary or not, with its executable bit and
   * symbolic links as links) the whole content of {@code branch}: files of the previous commit
   * that {@code tree} lacks are deleted, files ignored by a {@code .gitignore} in it are added
   * all the same (a release tree is what it is). Commits and pushes; returns the new commit id.
   */
  public String commitTree(String repo, String branch, Path tree, String message) {
    if (Files.exists(tree.resolve(".git"), LinkOption.NOFOLLOW_LINKS)) {
      throw new IllegalArgumentException(tree + " holds a .git of its own");
    }
    Path clone = branchClone(repo, branch);
    author.git(clone, "rm", "-rfq", "--ignore-unmatch", ".").assertOk();
    author.git(clone, "clean", "-fdxq").assertOk();
    try (Stream<Path> files = Files.walk(tree)) {
      for (Path from : files.toList()) {
        Path to = clone.resolve(tree.relativize(from).toString());
        if (from.equals(tree)) {
          continue;
        } else if (Files.isDirectory(from, LinkOption.NOFOLLOW_LINKS)) {
          Files.createDirectories(to);
        } else {
          Files.copy(from, to, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    author.git(clone, "add", "-A", "-f").assertOk();
    return commitAndPush(clone, branch, message);
  }

  /**
   * The work clone of {@code repo} on {@code branch} as the upstream has it (forced over
   * whatever an earlier commit left), or on a new orphan {@code branch} without a commit yet.
   */
  private Path branchClone(String repo, String branch) {
    Path clone = workClone(repo);
    author.git(clone, "fetch", "-q", "origin").assertOk();
    if (author.git(clone, "rev-parse", "--verify", "-q", "refs/remotes/origin/" + branch).ok()) {
      author.git(clone, "checkout", "-q", "-f", "-B", branch, "origin/" + branch).assertOk();
    } else {
      author.git(clone, "checkout", "-q", "-f", "--orphan", branch).assertOk();
    }
    return clone;
  }

  /** Commits what is staged in {@code clone} (even nothing), pushes it; returns its id. */
  private String commitAndPush(Path clone, String branch, String message) {
    author.git(clone, "commit", "-q", "--allow-empty", "-m", message).assertOk();
    author.git(clone, "push", "-q", "origin", "HEAD:refs/heads/" + branch).assertOk();
    return author.git(clone, "rev-parse", "HEAD").assertOk().stdout().trim();
  }

  /**
   * Commits a {@code .gitmodules} naming {@code url} for {@code path} and a gitlink at
   * {@code path} pinned to {@code commit}, as {@code git submodule add} would, and pushes.
   */
  public String commitSubmodule(String repo, String branch, String path, String url,
      String commit) {
    Path clone = branchClone(repo, branch);
    author.git(clone, "config", "-f", ".gitmodules", "submodule." + path + ".path", path)
        .assertOk();
    author.git(clone, "config", "-f", ".gitmodules", "submodule." + path + ".url", url)
        .assertOk();
    author.git(clone, "update-index", "--add", "--cacheinfo", "160000," + commit + "," + path)
        .assertOk();
    author.git(clone, "add", ".gitmodules").assertOk();
    return commitAndPush(clone, branch, "add submodule " + path);
  }

  /**
   * Rewrites {@code repo}'s history as a force push of a rebased branch would leave it: a new root
   * commit with the tree of {@code branch}'s tip becomes the branch and {@code tags} (moved by
   * force), and everything no ref reaches any more is pruned.
   *
   * @return the new commit
   */
  public String rewriteHistory(String repo, String branch, String... tags) {
    String tree = git(repo, "rev-parse", branch + "^{tree}").assertOk().stdout().trim();
    String rewritten = git(repo, "commit-tree", tree, "-m", "rewritten").assertOk().stdout()
        .trim();
    git(repo, "update-ref", "refs/heads/" + branch, rewritten).assertOk();
    for (String t : tags) {
      tag(repo, t, rewritten, true);
    }
    git(repo, "reflog", "expire", "--expire=now", "--all").assertOk();
    git(repo, "gc", "--prune=now", "-q").assertOk();
    return rewritten;
  }

  /** Creates (or, with {@code force}, moves) lightweight tag {@code tag} at {@code rev}. */
  public void tag(String repo, String tag, String rev, boolean force) {
    author.git(bare(repo), force ? new String[] {"tag", "-f", tag, rev}
        : new String[] {"tag", tag, rev}).assertOk();
  }

  /**
   * Pushes lightweight tag {@code tag} at {@code rev} from a work clone, as a developer releases
   * a version: the upstream's hooks run.
   */
  public void pushTag(String repo, String tag, String rev) {
    Path clone = workClone(repo);
    author.git(clone, "fetch", "-q", "origin").assertOk();
    author.git(clone, "push", "-q", "origin", rev + ":refs/tags/" + tag).assertOk();
  }

  /**
   * Makes every push into {@code repo} post {@code payload} to {@code hookUrl} the way GitHub
   * does (a {@code post-receive} hook running curl: {@code X-GitHub-Event: push}, a fresh
   * {@code X-GitHub-Delivery}, {@code X-Hub-Signature-256} over the body with {@code secret}),
   * trusting {@code caCert}. The push prints {@code webhook answered <status>}.
   */
  public void postWebhooksOnPush(String repo, String payload, String secret, Path caCert,
      String hookUrl) {
    Path hook = bare(repo).resolve("hooks/post-receive");
    try {
      Files.writeString(hook, """
          #!/bin/sh
          # what a Git host does after a push: a signed webhook
          body='%s'
          sig=$(printf '%%s' "$body" | openssl dgst -sha256 -hmac '%s' | sed 's/^.* //')
          curl -sS -o /dev/null -w 'webhook answered %%{http_code}\\n' --cacert '%s' \\
            -H 'Content-Type: application/json' -H 'X-GitHub-Event: push' \\
            -H "X-GitHub-Delivery: $(cat /proc/sys/kernel/random/uuid)" \\
            -H "X-Hub-Signature-256: sha256=$sig" --data-binary "$body" '%s' >&2
          """.formatted(payload, secret, caCert, hookUrl));
      Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwxr-xr-x"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Creates annotated tag {@code tag} at {@code rev}. */
  public void annotatedTag(String repo, String tag, String rev) {
    author.git(bare(repo), "tag", "-a", "-m", "release " + tag, tag, rev).assertOk();
  }

  /** Runs git in the bare repository of {@code repo}. */
  public ProcessResult git(String repo, String... args) {
    return author.git(bare(repo), args);
  }

  /** Every ref of {@code repo} as name to object id, as {@code git for-each-ref} shows them. */
  public Map<String, String> refs(String repo) {
    Map<String, String> refs = new LinkedHashMap<>();
    String out = author.git(bare(repo), "for-each-ref", "--format=%(refname) %(objectname)")
        .assertOk().stdout();
    Arrays.stream(out.split("\n")).filter(l -> !l.isBlank()).forEach(l -> {
      String[] p = l.split(" ");
      refs.put(p[0], p[1]);
    });
    return refs;
  }

  /** The {@code file://} URL of the folder holding the repositories. */
  public String fileUrl() {
    return root.toUri().toString().replaceAll("/$", "");
  }

  /**
   * Serves the repositories over HTTP with C git's http-backend; with a user, Basic credentials
   * are required. Closed with this upstream.
   */
  public HttpBackendServer serveHttp(String user, String password) {
    if (server != null) {
      throw new IllegalStateException("already serving at " + server.url());
    }
    server = HttpBackendServer.start(root, author.home(), user, password);
    return server;
  }

  private Path workClone(String repo) {
    Path clone = work.resolve(repo);
    if (!Files.exists(clone.resolve(".git"))) {
      author.git(work, "clone", "-q", bare(repo).toString(), clone.toString()).assertOk();
    }
    return clone;
  }

  @Override
  public void close() {
    if (server != null) {
      server.close();
    }
  }
}
