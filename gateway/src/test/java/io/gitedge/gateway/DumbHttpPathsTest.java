package io.gitedge.gateway;

import static io.gitedge.gateway.GatewayHarness.LIB;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitedge.testing.ClientHome;
import io.gitedge.testing.ProcessResult;
import io.gitedge.testing.TrustingHttp;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Catalogue row H02: the dumb HTTP transport is not served. Every path a dumb client (or a
 * curious one) reads from a bare repository, including the mirror's real pack files and the
 * object paths of its real commits, is refused to a caller who may read the repository, and no
 * object byte comes back; the receive-pack advertisement (H01) is refused too; smart clones work.
 */
class DumbHttpPathsTest {
  @TempDir Path dir;

  @Test
  void h02_dumbPathsLooseObjectsAndPacks_returnNoObjectBytes_andSmartCloneWorks()
      throws Exception {
    try (GatewayHarness gw = GatewayHarness.start(dir)) {
      Path mirror = gw.mirrorDir(LIB);
      List<String> paths = new ArrayList<>(List.of("/HEAD", "/info/refs", "/config",
          "/description", "/packed-refs", "/refs/heads/main", "/objects/info/packs",
          "/objects/info/alternates", "/objects/info/http-alternates",
          "/info/refs?service=git-receive-pack"));
      String head = gw.upstream().refs("acme/lib").get("refs/heads/main");
      paths.add("/objects/" + head.substring(0, 2) + "/" + head.substring(2));
      try (Stream<Path> packs = Files.list(mirror.resolve("objects/pack"))) {
        for (Path p : packs.toList()) {
          paths.add("/objects/pack/" + p.getFileName());
        }
      }
      assertTrue(paths.stream().anyMatch(p -> p.endsWith(".pack")),
          "H02 setup: the mirror has no pack to ask for: " + paths);
      HttpClient http = TrustingHttp.client(gw.certificate());
      List<String> served = new ArrayList<>();
      for (String repo : List.of("/" + LIB + ".git", "/" + LIB)) {
        for (String p : paths) {
          HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(gw.url() + repo
              + p)).header("Authorization", "Bearer " + gw.token("alice")).build(),
              HttpResponse.BodyHandlers.ofByteArray());
          String body = new String(r.body(), StandardCharsets.ISO_8859_1);
          if (r.statusCode() < 400 || body.contains("PACK") || body.contains("refs/heads")
              || body.contains(head) || r.body().length > 200) {
            served.add(r.statusCode() + " " + repo + p + " (" + r.body().length + " bytes)");
          }
        }
      }
      assertTrue(served.isEmpty(), "H02: dumb paths answered with content: " + served);

      ClientHome alice = gw.clientWithNetrc("alice");
      ProcessResult dumb = alice.with("GIT_SMART_HTTP", "0").git(gw.workDir("h02"), "clone",
          gw.repoUrl(LIB), "dumb");
      assertFalse(dumb.ok(), "H02: a dumb-HTTP clone worked: " + dumb.describe());
      alice.git(gw.workDir("h02"), "clone", gw.repoUrl(LIB), "smart").assertOk();
    }
  }
}
