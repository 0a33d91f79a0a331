package io.gitedge.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitedge.auth.SshKey;
import io.gitedge.testing.ClientHome;
import io.gitedge.testing.ClientProcess;
import io.gitedge.testing.HttpStub;
import io.gitedge.testing.ProcessResult;
import java.net.InetAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Who may read what, cell by cell: 5 identities (from the identity file, the OIDC provider,
 * introspection and the central key service) x 6 repositories x both doors x protocol v0/v2.
 * The expected answer of each cell is worked out here from the rules as written, not from the
 * gateway; a cell that may not read must get the same "not found" as a repository that does not
 * exist.
 */
class AccessMatrixTest {
  @TempDir Path dir;

  private static final List<String> REPOS = List.of("github.com/acme/lib", "github.com/acme/app",
      "github.com/acme/super", "github.com/acme/hosted", "github.com/secret/vault",
      "github.com/secret/missing");

  /** The rules of this gateway, restated: who reads which repository. */
  private static boolean expected(String who, Set<String> groups, String repo) {
    if (repo.endsWith("/missing")) {
      return false;
    }
    if (repo.startsWith("github.com/acme/") && groups.contains("eng")) {
      return true;
    }
    if (repo.equals("github.com/acme/hosted") && who.equals("dave")) {
      return true;
    }
    return repo.startsWith("github.com/secret/") && groups.contains("security");
  }

  private record Identity(String name, Set<String> groups, ClientHome https, ClientHome ssh) {}

  @Test
  void everyIdentityReadsExactlyWhatTheRulesAllow_onBothDoorsAndBothProtocols()
      throws Exception {
    MockOAuth2Server idp = new MockOAuth2Server();
    idp.start(InetAddress.getByName("127.0.0.1"), 0);
    Map<String, String> opaque = Map.of("opaque-dave", "dave");
    Map<String, String> keyOwners = new java.util.concurrent.ConcurrentHashMap<>();
    Map<String, String> keyGroups = new java.util.concurrent.ConcurrentHashMap<>();
    try (HttpStub central = HttpStub.start()) {
      central.route("POST", "/introspect", r -> {
        String t = URLDecoder.decode(r.body().replaceAll("^token=([^&]*).*$", "$1"),
            StandardCharsets.UTF_8);
        return HttpStub.Response.ok(!opaque.containsKey(t) ? "{\"active\":false}"
            : "{\"active\":true,\"aud\":\"gitedge\",\"username\":\"" + opaque.get(t) + "\",\"groups\":"
                + "[\"security\"],\"exp\":" + Instant.now().plusSeconds(3600).getEpochSecond()
                + "}");
      });
      central.route("GET", "/ssh-keys", r -> {
        String fp = URLDecoder.decode(r.query().replace("fingerprint=", ""),
            StandardCharsets.UTF_8);
        return keyOwners.containsKey(fp)
            ? HttpStub.Response.ok("{\"user\":\"" + keyOwners.get(fp) + "\",\"groups\":"
                + keyGroups.get(fp) + "}")
            : new HttpStub.Response(404, "");
      });
      Path secret = Files.writeString(dir.resolve("idp.secret"), "s\n");
      try (GatewayHarness gw = GatewayHarness.start(dir.resolve("gw"), GatewayHarness.Options
          .defaults()
          .withIdentity("oidc", "{ issuer: \"" + idp.issuerUrl("default")
              + "\", audience: gitedge }")
          .withIdentity("introspection", "{ url: \"" + central.url("/introspect")
              + "\", clientId: gitedge, audience: gitedge, clientSecretFile: " + secret + " }")
          .withIdentity("httpKeys", "{ url: \"" + central.url("/ssh-keys") + "\" }")
          .withRule("github.com/acme/hosted", "users: [dave]"))) {
        gw.upstream().commit("acme/super", "main", Map.of("README.md", "super\n"), "first");
        assertTrue(gw.sync("github.com/acme/super").succeeded());
        List<Identity> identities = new ArrayList<>();
        for (String[] u : new String[][] {{"alice", "eng"}, {"bob", "security"},
            {"ops", "admins"}}) {
          identities.add(new Identity(u[0], Set.of(u[1]), gw.clientWithNetrc(u[0]),
              gw.clientWithSshKey(u[0])));
        }
        String carolJwt = idp.issueToken("default", "carol", "gitedge",
            Map.of("preferred_username", "carol", "groups", List.of("eng", "security")), 3600)
            .serialize();
        identities.add(central(gw, "carol", Set.of("eng", "security"), carolJwt, keyOwners,
            keyGroups));
        identities.add(central(gw, "dave", Set.of("security"), "opaque-dave", keyOwners,
            keyGroups));

        Map<String, String> wrong = new LinkedHashMap<>();
        int cells = 0;
        for (Identity id : identities) {
          for (String repo : REPOS) {
            boolean allowed = expected(id.name(), id.groups(), repo);
            for (String door : List.of("https", "ssh")) {
              for (int protocol : new int[] {0, 2}) {
                cells++;
                ClientHome c = door.equals("https") ? id.https() : id.ssh();
                String url = door.equals("https") ? gw.repoUrl(repo) : gw.sshUrl(repo);
                ProcessResult r = c.git(dir, "-c", "protocol.version=" + protocol, "ls-remote",
                    url);
                boolean read = r.ok() && r.stdout().contains("refs/");
                boolean notFound = !r.ok() && r.stderr().contains("repository not found");
                if (allowed ? !read : !notFound) {
                  wrong.put(id.name() + " " + door + " v" + protocol + " " + repo,
                      r.describe());
                }
              }
            }
          }
        }
        assertEquals(5 * 6 * 2 * 2, cells);
        assertTrue(wrong.isEmpty(), wrong.size() + " cells wrong:\n" + String.join("\n\n",
            wrong.entrySet().stream().map(e -> e.getKey() + "\n" + e.getValue()).toList()));
      }
    } finally {
      idp.shutdown();
    }
  }

  /** A user known only centrally: a token for HTTPS and a key in the central key service. */
  private Identity central(GatewayHarness gw, String name, Set<String> groups, String token,
      Map<String, String> keyOwners, Map<String, String> keyGroups) {
    Path key = dir.resolve("keys").resolve(name);
    ClientProcess.run(dir, ClientProcess.baseEnvironment(), List.of("bash", "-c", "mkdir -p "
        + key.getParent() + " && ssh-keygen -q -t ed25519 -N '' -f " + key), null).assertOk();
    String fp = SshKey.fromOpenSshLine(GatewayHarness.publicKeyLine(key)).fingerprint();
    keyOwners.put(fp, name);
    keyGroups.put(fp, groups.stream().map(g -> "\"" + g + "\"").toList().toString());
    ClientHome https = gw.client(name + "-https");
    https.addNetrc("127.0.0.1", name, token);
    ClientHome ssh = gw.client(name + "-ssh").with("GIT_SSH_COMMAND", gw.sshCommand(key));
    return new Identity(name, groups, https, ssh);
  }
}
