package io.gitedge.gateway;

import static io.gitedge.gateway.GatewayHarness.LIB;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitedge.testing.ClientHome;
import io.gitedge.testing.HttpStub;
import io.gitedge.testing.ProcessResult;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Catalogue row R16: the central identity source becomes unreachable the way a partition makes
 * it (it accepts nothing back: every call hangs until the gateway's timeout), for longer than
 * every cache time. Decisions follow the TTL table (cacheTtl 5m, staleIfError 1h, timeout 1s):
 *
 * <pre>
 *   time          token the source said yes to   token never seen   identity-file user
 *   fresh          yes                             -                  yes
 *   +6m, cut off   yes (stale copy)                503                yes
 *   +61m, cut off  no  (fail closed)               503                yes
 *   healed         yes                             yes                yes
 * </pre>
 *
 * and no git command waits much longer than the source's timeout for an answer.
 */
class IdentityPartitionTest {
  /** The source's timeout, and how long one git command may take while it is cut off. */
  private static final Duration TIMEOUT = Duration.ofSeconds(1);
  private static final Duration COMMAND_BOUND = Duration.ofSeconds(15);

  @TempDir Path dir;
  HttpStub central;
  GatewayHarness gw;
  final Map<String, String> active = new ConcurrentHashMap<>();

  @BeforeEach
  void start() throws Exception {
    central = HttpStub.start();
    central.route("POST", "/introspect", r -> {
      String token = URLDecoder.decode(r.body().replaceAll("^token=([^&]*).*$", "$1"),
          StandardCharsets.UTF_8);
      String user = active.get(token);
      return HttpStub.Response.ok(user == null ? "{\"active\":false}"
          : "{\"active\":true,\"aud\":[\"gitedge\"],\"username\":\"" + user
              + "\",\"groups\":[\"eng\"],\"exp\":"
              + Instant.now().plusSeconds(7200).getEpochSecond() + "}");
    });
    Path secret = Files.writeString(dir.resolve("idp.secret"), "client-secret\n");
    gw = GatewayHarness.start(dir.resolve("gw"), GatewayHarness.Options.defaults()
        .withIdentity("introspection", "{ url: \"" + central.url("/introspect")
            + "\", clientId: gitedge, audience: gitedge, clientSecretFile: " + secret
            + ", timeout: " + TIMEOUT.toSeconds() + "s }")
        .withIdentity("cacheTtl", "5m")
        .withIdentity("staleIfError", "1h"));
  }

  @AfterEach
  void stop() {
    if (gw != null) {
      gw.close();
    }
    central.close();
  }

  private ClientHome tokenClient(String token) {
    ClientHome c = gw.client("c-" + token);
    c.addNetrc("127.0.0.1", "dave", token);
    return c;
  }

  /** ls-remote of lib, checked to end within {@link #COMMAND_BOUND}. */
  private ProcessResult lsRemote(ClientHome c, String when, List<String> timings) {
    long start = System.nanoTime();
    ProcessResult r = c.git(gw.workDir("ls"), "ls-remote", gw.repoUrl(LIB));
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    timings.add(when + " " + took.toMillis() + " ms");
    assertTrue(took.compareTo(COMMAND_BOUND) < 0, "R16: " + when + ": a request was held "
        + took.toMillis() + " ms while the identity source was unreachable");
    return r;
  }

  @Test
  void r16_aPartitionedIdentitySource_isRiddenOutForStaleIfError_thenFailsClosed_andHeals() {
    active.put("opaque-known", "dave");
    active.put("opaque-new", "dave");
    ClientHome known = tokenClient("opaque-known");
    ClientHome fresh = tokenClient("opaque-new");
    ClientHome alice = gw.clientWithNetrc("alice");
    List<String> timings = new ArrayList<>();
    assertTrue(lsRemote(known, "fresh, known", timings).ok(), "R16: fresh: known refused");

    central.setDelay(Duration.ofSeconds(60)); // the partition: calls hang, nothing answers
    gw.clock().advance(Duration.ofMinutes(6));
    ProcessResult stale = lsRemote(known, "+6m cut off, known", timings);
    assertTrue(stale.ok(), "R16: +6m: a token seen before the cut was refused within "
        + "staleIfError: " + stale.describe());
    ProcessResult unseen = lsRemote(fresh, "+6m cut off, unseen", timings);
    assertTrue(!unseen.ok() && unseen.stderr().contains("503"), "R16: +6m: an unseen token "
        + "must get 503, got: " + unseen.describe());
    assertTrue(lsRemote(alice, "+6m cut off, file user", timings).ok(),
        "R16: +6m: an identity-file user was not served");

    gw.clock().advance(Duration.ofMinutes(55));
    ProcessResult closed = lsRemote(known, "+61m cut off, known", timings);
    assertTrue(!closed.ok(), "R16: +61m: past staleIfError the gateway must fail closed: "
        + closed.describe());
    assertTrue(lsRemote(alice, "+61m cut off, file user", timings).ok(),
        "R16: +61m: an identity-file user was not served");

    central.setDelay(Duration.ZERO);
    assertTrue(lsRemote(known, "healed, known", timings).ok(), "R16: healed: known refused");
    assertTrue(lsRemote(fresh, "healed, unseen", timings).ok(), "R16: healed: new refused");
    System.out.println("R16 figures: " + timings);
  }
}
