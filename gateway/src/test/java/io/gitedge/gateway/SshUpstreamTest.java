package io.gitedge.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import io.gitedge.testing.Requires;
import ch.qos.logback.classic.Level;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitedge.auth.AccessToken;
import io.gitedge.auth.IdentityFile;
import io.gitedge.gateway.app.GatewayApp;
import io.gitedge.gateway.config.ConfigLoader;
import io.gitedge.store.MirrorName;
import io.gitedge.testing.ClientHome;
import io.gitedge.testing.MirrorInvariants;
import io.gitedge.testing.OpenSshServer;
import io.gitedge.testing.TestUpstream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A gateway whose upstream is reached over SSH (OpenSSH's sshd and C git's upload-pack). */
class SshUpstreamTest {
  @TempDir Path dir;

  @Test
  void mirrorsFromAnSshUpstream_withAKeyAndAPinnedHostKey() throws Exception {
    Requires.that(OpenSshServer.available(), OpenSshServer.NEEDS);
    try (TestUpstream upstream = TestUpstream.create(dir);
        OpenSshServer sshd = OpenSshServer.start(dir.resolve("sshd"))) {
      upstream.createRepo("acme/lib");
      String main = upstream.commit("acme/lib", "main", Map.of("go.mod", "module x\n"), "first");
      Files.writeString(dir.resolve("known_hosts"), sshd.knownHostsLine() + "\n");
      AccessToken token = AccessToken.generate();
      IdentityFile.addToken(dir.resolve("identity.yaml"), "alice", Set.of("eng"), token.hash());
      Path config = Files.writeString(dir.resolve("gitedge.yaml"), """
          http:
            listen: 127.0.0.1:0
          identity:
            file: identity.yaml
          access:
            rules:
              - repos: "github.com/acme/**"
                groups: [eng]
          sync:
            progressInterval: 20ms
          upstreams:
            - prefix: github.com/acme
              url: %s
              credentials: { sshKeyFile: %s, knownHostsFile: known_hosts }
              repos: [lib]
          """.formatted(sshd.url(upstream.root().resolve("acme")), sshd.clientKey()));

      try (LogCapture log = new LogCapture("io.gitedge.store", Level.INFO);
          GatewayApp app = GatewayApp.start(ConfigLoader.load(config))) {
        assertTrue(app.syncNow(MirrorName.parse("github.com/acme/lib")).get(60, TimeUnit.SECONDS)
            .succeeded());
        ClientHome alice = ClientHome.create(dir.resolve("alice"))
            .trusting(app.tlsCertificate().orElseThrow());
        alice.addNetrc("127.0.0.1", "alice", token.reveal());
        Path work = Files.createDirectories(dir.resolve("work"));

        alice.git(work, "clone", app.publicUrl() + "/github.com/acme/lib.git", "lib").assertOk();

        assertEquals(main, alice.git(work.resolve("lib"), "rev-parse", "HEAD").assertOk()
            .stdout().trim());
        // progress every 20 ms: a sync over SSH (a key exchange, git upload-pack) takes longer,
        // and its summary counts the bytes that came over the SSH channel
        assertTrue(log.lines().stream().anyMatch(l -> l.matches("sync github\\.com/acme/lib"
            + " received \\d+ objects, \\d+(\\.\\d)? (B|KiB) in \\d+\\.\\d s \\(.*/s\\)")),
            "the bytes of an SSH upstream are counted: " + log.lines());
      }
      MirrorInvariants.check(dir.resolve("data/mirrors"));
    }
  }
}
