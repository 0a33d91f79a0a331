package io.gitedge.gateway;

import static io.gitedge.gateway.GatewayHarness.LIB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitedge.testing.ClientHome;
import io.gitedge.testing.ClientProcess;
import io.gitedge.testing.PktLines;
import io.gitedge.testing.ProcessResult;
import io.gitedge.testing.TrustingHttp;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Catalogue row H03 (Gerrit issue 10262): a caller who may read {@code acme/lib} asks, by object
 * id, for commits it must not get through that repository: one of a repository it cannot read,
 * one the upstream force-pushed away (still in the mirror's object store, reachable from no ref),
 * and one that only a ref the mirror does not serve ({@code refs/pull/1/head}) reaches; and it
 * sends {@code want-ref}, which the gateway does not offer. Each over HTTPS and SSH, protocol v0
 * and v2, with the real git client (and raw pkt-lines for want-ref, which git sends only when
 * offered). Pass: every request fails and not one object reaches the client.
 */
class WantAuthorizationTest {
  @TempDir Path dir;
  GatewayHarness gw;

  @BeforeEach
  void start() throws Exception {
    gw = GatewayHarness.start(dir);
  }

  @AfterEach
  void stop() {
    if (gw != null) {
      gw.close();
    }
  }

  /** Object files in a client repository: none may be there after a refused fetch. */
  private static List<String> objectFiles(Path repo) throws Exception {
    try (Stream<Path> all = Files.walk(repo.resolve(".git/objects"))) {
      return all.filter(Files::isRegularFile).map(p -> repo.relativize(p).toString()).toList();
    }
  }

  @Test
  void h03_commitsNoServedRefReaches_andWantRef_getNoObjects_overBothDoorsAndProtocols()
      throws Exception {
    // a commit the upstream force-pushes away after the mirror has it
    String gone = gw.upstream().commit("acme/lib", "topic", Map.of("gone.txt", "gone\n"),
        "soon force-pushed away");
    assertTrue(gw.sync(LIB).succeeded());
    String main = gw.upstream().refs("acme/lib").get("refs/heads/main");
    gw.upstream().git("acme/lib", "update-ref", "refs/heads/topic", main).assertOk();
    // a commit only a pull-request ref reaches, which the mirror does not serve
    String pull = gw.upstream().commit("acme/lib", "pr", Map.of("pr.txt", "pr\n"), "a PR");
    gw.upstream().git("acme/lib", "update-ref", "refs/pull/1/head", pull).assertOk();
    gw.upstream().git("acme/lib", "branch", "-D", "pr").assertOk();
    assertTrue(gw.sync(LIB).succeeded());
    ClientHome probe = gw.client("probe");
    probe.git(gw.mirrorDir(LIB), "cat-file", "-e", gone + "^{commit}").assertOk();
    assertFalse(probe.git(gw.mirrorDir(LIB), "for-each-ref", "--contains", gone).assertOk()
        .stdout().contains("refs/"), "H03 setup: the force-pushed commit is still reachable");
    String vault = gw.upstream().refs("secret/vault").get("refs/heads/main");

    Map<String, String> wants = new LinkedHashMap<>();
    wants.put("commit of a repository alice cannot read", vault);
    wants.put("commit force-pushed away upstream", gone);
    wants.put("commit reachable only from refs/pull/1/head", pull);
    Map<String, ClientHome> doors = Map.of(
        "https", gw.clientWithNetrc("alice"), "ssh", gw.clientWithSshKey("alice"));
    List<String> refused = new ArrayList<>();
    for (var door : doors.entrySet()) {
      String url = door.getKey().equals("https") ? gw.repoUrl(LIB) : gw.sshUrl(LIB);
      for (int protocol : new int[] {0, 2}) {
        for (var want : wants.entrySet()) {
          String what = "H03 " + door.getKey() + " v" + protocol + ", " + want.getKey();
          Path repo = gw.workDir("h03-" + refused.size());
          door.getValue().git(repo, "init", "-q").assertOk();
          ProcessResult r = door.getValue().git(repo, "-c", "protocol.version=" + protocol,
              "fetch", "--no-tags", url, want.getValue());
          assertFalse(r.ok(), what + ": the fetch succeeded\n" + r.describe());
          assertEquals(List.of(), objectFiles(repo), what + ": objects reached the client\n"
              + r.describe());
          refused.add(what);
        }
      }
      // the same client, same door, still gets what the branches reach
      Path ok = gw.workDir("h03-ok-" + door.getKey());
      door.getValue().git(ok, "init", "-q").assertOk();
      door.getValue().git(ok, "fetch", "-q", url, main).assertOk();
    }
    assertEquals(12, refused.size());

    // want-ref: not offered (no ref-in-want), so refused whatever it names, v0 and v2
    for (String ref : List.of("refs/heads/main", "refs/pull/1/head")) {
      for (int protocol : new int[] {0, 2}) {
        byte[] request = protocol == 2
            ? PktLines.of("command=fetch", "0001", "want-ref " + ref, "done", "0000")
            : PktLines.of("want-ref " + ref, "0000", "done");
        String http = httpsUploadPack(request, protocol);
        assertFalse(http.contains("PACK"), "H03 https v" + protocol + " want-ref " + ref
            + ": a pack was sent");
        String ssh = sshUploadPack(request, protocol);
        assertFalse(ssh.contains("PACK"), "H03 ssh v" + protocol + " want-ref " + ref
            + ": a pack was sent");
        assertTrue(ssh.startsWith("exit=128") || ssh.startsWith("exit=1 "), "H03 ssh v"
            + protocol + " want-ref " + ref + ": not refused: " + ssh);
      }
    }
  }

  /** Status and body of a raw upload-pack POST as alice ({@code version=2} when v2). */
  private String httpsUploadPack(byte[] body, int protocol) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gw.repoUrl(LIB)
        + "/git-upload-pack"))
        .header("Authorization", "Bearer " + gw.token("alice"))
        .header("Content-Type", "application/x-git-upload-pack-request")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (protocol == 2) {
      b.header("Git-Protocol", "version=2");
    }
    HttpResponse<byte[]> r = TrustingHttp.client(gw.certificate()).send(b.build(),
        HttpResponse.BodyHandlers.ofByteArray());
    String text = new String(r.body(), StandardCharsets.ISO_8859_1);
    boolean error = r.statusCode() >= 400 || text.contains("ERR ");
    assertTrue(error, "H03 https v" + protocol + ": a want-ref request was not refused: "
        + r.statusCode() + " " + text);
    return r.statusCode() + " " + text;
  }

  /** Exit status, stderr and stdout of {@code git-upload-pack} run over OpenSSH as alice. */
  private String sshUploadPack(byte[] request, int protocol) {
    List<String> base = List.of(gw.sshCommand(gw.key("alice")).split(" "));
    List<String> cmd = new ArrayList<>(base);
    if (protocol == 2) {
      cmd.addAll(List.of("-o", "SetEnv=GIT_PROTOCOL=version=2"));
    }
    cmd.addAll(List.of("-p", Integer.toString(gw.sshPort()), "git@127.0.0.1",
        "git-upload-pack 'github.com/acme/lib.git'"));
    ProcessResult r = ClientProcess.run(dir, ClientProcess.baseEnvironment(), cmd, request);
    return "exit=" + r.exitCode() + " " + r.stderr() + " " + r.stdout();
  }
}
