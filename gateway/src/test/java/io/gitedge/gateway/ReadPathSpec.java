package io.gitedge.gateway;

import static io.gitedge.gateway.GatewayHarness.APP;
import io.gitedge.testing.Requires;
import static io.gitedge.gateway.GatewayHarness.LIB;
import static io.gitedge.gateway.GatewayHarness.VAULT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitedge.store.SyncResult;
import io.gitedge.testing.ClientHome;
import io.gitedge.testing.ProcessResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a developer does through any front door, with the real git and go clients. Subclasses
 * only say how to reach the gateway: the URL of a repository, and a client that holds a user's
 * credentials for that door.
 */
abstract class ReadPathSpec {
  @TempDir Path dir;
  GatewayHarness gw;

  @BeforeEach
  void startGateway() throws Exception {
    gw = GatewayHarness.start(dir);
  }

  @AfterEach
  void stopGateway() {
    if (gw != null) {
      gw.close();
    }
  }

  /** The URL of {@code repo} (a gateway name such as {@code github.com/acme/lib}) here. */
  abstract String url(String repo);

  /** What {@code https://github.com/} is rewritten to for this door. */
  abstract String githubBase();

  /** A fresh client holding {@code user}'s credentials for this door. */
  abstract ClientHome clientFor(String user);

  /** Refs the way {@code git ls-remote} prints them, without peeled tags and HEAD. */
  static Map<String, String> lsRemote(ProcessResult r) {
    return Arrays.stream(r.assertOk().stdout().split("\n"))
        .filter(l -> !l.isBlank() && !l.endsWith("^{}") && !l.endsWith("\tHEAD"))
        .map(l -> l.split("\t"))
        .collect(Collectors.toMap(p -> p[1], p -> p[0], (a, b) -> a, TreeMap::new));
  }

  static Map<String, String> branchesAndTags(Map<String, String> refs) {
    return refs.entrySet().stream()
        .filter(e -> e.getKey().startsWith("refs/heads/") || e.getKey().startsWith("refs/tags/"))
        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a,
            TreeMap::new));
  }

  // ------------------------------------------------------------------------- clone

  @ParameterizedTest(name = "protocol v{0}")
  @ValueSource(ints = {0, 2})
  void clone_servesTheUpstreamsBranchesTagsAndFiles(int protocol) throws Exception {
    ClientHome alice = clientFor("alice").with("GIT_TRACE_PACKET", "1");
    Path work = gw.workDir("clone-v" + protocol);

    ProcessResult clone = alice.git(work, "-c", "protocol.version=" + protocol, "clone",
        url(LIB), "lib").assertOk();

    // the packet trace names the process: "git<" through git-remote-https, "clone<" over ssh
    boolean v2 = clone.stderr().lines().anyMatch(l -> l.matches(".*packet: +\\S+< version 2"));
    assertEquals(protocol == 2, v2, "protocol v" + protocol + " expected, trace:\n"
        + clone.stderr().lines().limit(8).collect(java.util.stream.Collectors.joining("\n")));
    Path lib = work.resolve("lib");
    assertTrue(Files.readString(lib.resolve("lib.go")).contains("v1.1.0"));
    assertEquals(gw.upstream().refs("acme/lib").get("refs/heads/main"),
        alice.git(lib, "rev-parse", "HEAD").assertOk().stdout().trim());
    Map<String, String> served = lsRemote(alice.git(work, "-c", "protocol.version=" + protocol,
        "ls-remote", url(LIB)));
    assertEquals(branchesAndTags(gw.upstream().refs("acme/lib")), served);
    alice.git(lib, "fsck", "--full").assertOk();
  }

  @Test
  void shallowClone_getsOneCommit() throws Exception {
    ClientHome alice = clientFor("alice");
    Path work = gw.workDir("shallow");

    alice.git(work, "clone", "--depth", "1", url(LIB), "lib").assertOk();

    Path lib = work.resolve("lib");
    assertEquals("1", alice.git(lib, "rev-list", "--count", "HEAD").assertOk().stdout().trim());
    assertEquals("true",
        alice.git(lib, "rev-parse", "--is-shallow-repository").assertOk().stdout().trim());
    assertTrue(Files.readString(lib.resolve("lib.go")).contains("v1.1.0"));
  }

  @Test
  void partialClone_leavesBlobsBehindAndFetchesThemOnDemand() throws Exception {
    ClientHome alice = clientFor("alice");
    Path work = gw.workDir("partial");

    alice.git(work, "clone", "--filter=blob:none", url(LIB), "lib").assertOk();

    Path lib = work.resolve("lib");
    assertEquals("blob:none", alice.git(lib, "config", "remote.origin.partialclonefilter")
        .assertOk().stdout().trim());
    String missing = alice.git(lib, "rev-list", "--objects", "--missing=print", "--all")
        .assertOk().stdout();
    assertTrue(missing.lines().anyMatch(l -> l.startsWith("?")),
        "older blobs should not have been sent:\n" + missing);
    assertTrue(Files.readString(lib.resolve("lib.go")).contains("v1.1.0"));
    // an old version's blob is fetched lazily, through the gateway
    String old = alice.git(lib, "show", "v1.0.0:lib.go").assertOk().stdout();
    assertTrue(old.contains("v1.0.0"), old);
  }

  // ------------------------------------------------------------------------- fetch

  @Test
  void fetch_seesANewUpstreamCommit_onceTheMirrorHasSynced() throws Exception {
    ClientHome alice = clientFor("alice");
    Path work = gw.workDir("fetch");
    alice.git(work, "clone", url(LIB), "lib").assertOk();
    Path lib = work.resolve("lib");
    String pushed = gw.upstream().commit("acme/lib", "main", Map.of("new.go", "package lib\n"),
        "a new commit");

    assertEquals(SyncResult.Outcome.UPDATED, gw.sync(LIB).outcome());
    alice.git(lib, "fetch").assertOk();

    assertEquals(pushed, alice.git(lib, "rev-parse", "origin/main").assertOk().stdout().trim());
  }

  @Test
  void fetchByCommitId_servesAnyCommitReachableFromABranchOrTag_andNothingElse()
      throws Exception {
    ClientHome alice = clientFor("alice");
    Path repo = gw.workDir("by-id");
    alice.git(repo, "init", "-q").assertOk();
    String v1 = gw.upstream().refs("acme/lib").get("refs/tags/v1.0.0");

    alice.git(repo, "fetch", "-q", url(LIB), v1).assertOk();

    assertEquals(v1, alice.git(repo, "rev-parse", "FETCH_HEAD").assertOk().stdout().trim());
    String elsewhere = gw.upstream().refs("secret/vault").get("refs/heads/main");
    ProcessResult foreign = alice.git(repo, "fetch", "-q", url(LIB), elsewhere).assertFailed();
    assertFalse(alice.git(repo, "cat-file", "-e", elsewhere).ok(),
        "a commit of another repository must not be served:\n" + foreign.describe());
  }

  // ------------------------------------------------------------------------- refusals

  @Test
  void unknownAndForbiddenRepositories_lookAlike() throws Exception {
    ClientHome alice = clientFor("alice");
    Path work = gw.workDir("alike");

    ProcessResult forbidden = alice.git(work, "ls-remote", url(VAULT)).assertFailed();
    ProcessResult unknown = alice.git(work, "ls-remote", url("github.com/secret/nope"))
        .assertFailed();

    assertEquals(forbidden.exitCode(), unknown.exitCode());
    assertEquals(forbidden.stderr().replace("vault", "X"), unknown.stderr().replace("nope", "X"));
    assertFalse(forbidden.stderr().contains("top secret"));
    // and bob, who may read it, can
    clientFor("bob").git(work, "ls-remote", url(VAULT)).assertOk();
  }

  /**
   * H01: an authenticated push (to an existing and to a new branch) is refused with the upstream
   * to push to, and the mirror's folder is byte-for-byte what it was: every file, its size and
   * its modification time, refs and objects alike.
   */
  @Test
  void h01_push_isRefusedWithTheUpstreamToPushTo_andChangesNothing() throws Exception {
    ClientHome alice = clientFor("alice");
    Path work = gw.workDir("push");
    alice.git(work, "clone", url(LIB), "lib").assertOk();
    Path lib = work.resolve("lib");
    Files.writeString(lib.resolve("evil.go"), "package lib\n");
    alice.git(lib, "add", "evil.go").assertOk();
    alice.git(lib, "commit", "-m", "should not land").assertOk();
    Map<String, String> before = lsRemote(alice.git(work, "ls-remote", url(LIB)));
    Map<String, String> upstreamBefore = gw.upstream().refs("acme/lib");
    String onDisk = mirrorOnDisk(alice);
    Map<String, String> files = mirrorFiles();

    ProcessResult push = alice.git(lib, "push", "origin", "HEAD:main").assertFailed();

    assertTrue(push.stderr().contains("read-only mirror of " + gw.upstreamHttp().url()
        + "/acme/lib.git; push there"), push.describe());
    alice.git(lib, "push", "origin", "HEAD:refs/heads/new-branch").assertFailed();
    assertEquals(before, lsRemote(alice.git(work, "ls-remote", url(LIB))));
    assertEquals(upstreamBefore, gw.upstream().refs("acme/lib"));
    assertEquals(onDisk, mirrorOnDisk(alice), "H01: the mirror's refs or objects changed");
    assertEquals(files, mirrorFiles(), "H01: a file of the mirror was written by a push");
  }

  /** Every file of the mirror's folder with its size and modification time. */
  private Map<String, String> mirrorFiles() throws Exception {
    Path mirror = gw.mirrorDir(LIB);
    try (var all = Files.walk(mirror)) {
      Map<String, String> out = new TreeMap<>();
      for (Path p : all.filter(Files::isRegularFile).toList()) {
        out.put(mirror.relativize(p).toString(), Files.size(p) + " "
            + Files.getLastModifiedTime(p).toMillis());
      }
      return out;
    }
  }

  /** The mirror's refs and object counts, read straight from its folder with git. */
  private String mirrorOnDisk(ClientHome git) {
    Path mirror = gw.mirrorDir(LIB);
    return git.git(mirror, "for-each-ref").assertOk().stdout()
        + git.git(mirror, "count-objects", "-v").assertOk().stdout();
  }

  // ------------------------------------------------------------------------- submodules

  @Test
  void submoduleUpdate_fetchesThePinnedCommitThroughTheGateway() throws Exception {
    String pinned = gw.upstream().refs("acme/lib").get("refs/tags/v1.0.0");
    gw.upstream().commitSubmodule("acme/super", "main", "vendor/lib", url(LIB), pinned);
    assertTrue(gw.sync("github.com/acme/super").succeeded());
    ClientHome alice = clientFor("alice");
    Path work = gw.workDir("submodule");
    alice.git(work, "clone", url("github.com/acme/super"), "super").assertOk();
    Path sup = work.resolve("super");

    alice.git(sup, "submodule", "update", "--init").assertOk();

    Path sub = sup.resolve("vendor/lib");
    assertEquals(pinned, alice.git(sub, "rev-parse", "HEAD").assertOk().stdout().trim());
    assertTrue(Files.readString(sub.resolve("lib.go")).contains("v1.0.0"));
  }

  /**
   * R17: a superproject whose submodules are named as its upstream names them, one by a
   * relative URL ({@code ../lib.git}, resolved against wherever the superproject was cloned
   * from: the gateway) and one by its upstream's absolute URL (rewritten to the gateway by
   * {@code insteadOf}); {@code clone --recurse-submodules} checks both out at the recorded
   * commits, through the gateway only.
   */
  @Test
  void r17_cloneRecurseSubmodules_withRelativeAndInsteadOfUrls_checksOutTheRecordedCommits()
      throws Exception {
    String pinnedLib = gw.upstream().refs("acme/lib").get("refs/tags/v1.0.0");
    String pinnedApp = gw.upstream().refs("acme/app").get("refs/heads/main");
    gw.upstream().commitSubmodule("acme/super", "main", "vendor/lib", "../lib.git", pinnedLib);
    gw.upstream().commitSubmodule("acme/super", "main", "vendor/app",
        "https://github.com/acme/app.git", pinnedApp);
    assertTrue(gw.sync("github.com/acme/super").succeeded());
    ClientHome alice = clientFor("alice");
    alice.git(dir, "config", "--global", "url." + githubBase() + ".insteadOf",
        "https://github.com/").assertOk();
    Path work = gw.workDir("r17-submodules");

    ProcessResult clone = alice.git(work, "clone", "--recurse-submodules",
        url("github.com/acme/super"), "super");

    assertTrue(clone.ok(), "R17: clone --recurse-submodules failed: " + clone.describe());
    Path sup = work.resolve("super");
    assertEquals(pinnedLib, alice.git(sup.resolve("vendor/lib"), "rev-parse", "HEAD")
        .assertOk().stdout().trim(), "R17: relative submodule not at its recorded commit");
    assertEquals(pinnedApp, alice.git(sup.resolve("vendor/app"), "rev-parse", "HEAD")
        .assertOk().stdout().trim(), "R17: insteadOf submodule not at its recorded commit");
    String remotes = alice.git(sup, "submodule", "foreach", "-q", "git remote get-url origin")
        .assertOk().stdout();
    String gateway = url(LIB).substring(0, url(LIB).indexOf("github.com/"));
    for (String remote : remotes.strip().split("\n")) {
      assertTrue(remote.startsWith(gateway),
          "R17: a submodule was fetched from somewhere else than the gateway: " + remote);
    }
    assertFalse(remotes.contains(gw.upstreamHttp().url()), "R17: the upstream was contacted");
    alice.git(sup.resolve("vendor/lib"), "fsck", "--full").assertOk();
  }

  // ------------------------------------------------------------------------- go

  /**
   * R17 (Go): {@code GOPRIVATE} + {@code GOPROXY=direct} through this door gives the go.sum the
   * upstream itself gives, and a fresh client gives the same go.sum again after the gateway
   * restarted (new port, same data folder).
   */
  @Test
  void r17_goModDownload_givesTheSameSumsAsTheUpstreamItself_andAgainAfterARestart()
      throws Exception {
    Requires.tools("go");
    ClientHome viaGateway = clientFor("alice");
    viaGateway.git(dir, "config", "--global", "url." + githubBase() + ".insteadOf",
        "https://github.com/").assertOk();
    ClientHome direct = gw.client("direct");
    direct.git(dir, "config", "--global", "url." + gw.upstreamHttp().url() + "/.insteadOf",
        "https://github.com/").assertOk();
    direct.addNetrc("127.0.0.1", "x-access-token", "upstream-secret");

    List<String> throughGateway = goSums(viaGateway, gw.workDir("go-gateway"));
    List<String> fromUpstream = goSums(direct, gw.workDir("go-direct"));

    assertEquals(fromUpstream, throughGateway, "R17: go.sum through the gateway differs");
    assertEquals(6, throughGateway.size(), String.join("\n", throughGateway));

    gw.restart(data -> { });
    Files.deleteIfExists(dir.resolve("known_hosts")); // it names the old SSH port
    ClientHome afterRestart = clientFor("alice");
    afterRestart.git(dir, "config", "--global", "url." + githubBase() + ".insteadOf",
        "https://github.com/").assertOk();
    assertEquals(throughGateway, goSums(afterRestart, gw.workDir("go-after-restart")),
        "R17: go.sum changed across a gateway restart");
  }

  /** go.sum lines of lib v1.0.0 and v1.1.0 (downloaded) and app v1.0.0 with its dependency. */
  static List<String> goSums(ClientHome client, Path work) throws Exception {
    ClientHome go = client.with("GOPRIVATE", "github.com/acme").with("GOPROXY", "direct")
        .with("GOFLAGS", "-mod=mod -modcacherw").with("GIT_TERMINAL_PROMPT", "0");
    go.go(work, "mod", "init", "example.com/consumer").assertOk();
    go.go(work, "get", "github.com/acme/app@v1.0.0").assertOk();
    ProcessResult dl = go.go(work, "mod", "download", "-json", "github.com/acme/lib@v1.0.0")
        .assertOk();
    String sum = field(dl.stdout(), "Sum");
    String modSum = field(dl.stdout(), "GoModSum");
    List<String> lines = new java.util.ArrayList<>(
        Files.readString(work.resolve("go.sum")).lines().toList());
    lines.add("github.com/acme/lib v1.0.0 " + sum);
    lines.add("github.com/acme/lib v1.0.0/go.mod " + modSum);
    lines.sort(null);
    for (String l : lines) {
      assertTrue(l.matches("github\\.com/acme/(lib|app) v1\\.[01]\\.0(/go\\.mod)? h1:\\S{44}"),
          l);
    }
    assertNotEquals(lines.get(0), lines.get(1));
    return lines;
  }

  private static String field(String json, String name) {
    var m = java.util.regex.Pattern.compile("\"" + name + "\": \"([^\"]+)\"").matcher(json);
    assertTrue(m.find(), json);
    return m.group(1);
  }
}
