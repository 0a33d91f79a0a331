package io.gitedge.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gitedge.auth.AccessToken;
import io.gitedge.testing.ClientHome;
import io.gitedge.testing.HttpBackendServer;
import io.gitedge.testing.Requires;
import io.gitedge.testing.TestUpstream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17, logs for machines: {@code ./gitedge serve} with {@code GITEDGE_LOG_FORMAT=json}
 * writes nothing but strict JSON objects, one per line; a real clone's access line and the
 * syncs' lines carry their fields as JSON fields (door, service, status, caller, bytes; mirror,
 * outcome, duration); and no token, password or Authorization header appears (T08 in JSON).
 */
@ExtendWith(LauncherProcess.Cleanup.class)
class JsonLogsIT {
  private static final ObjectMapper STRICT = new ObjectMapper()
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
  private static final String LIB = "github.com/acme/lib";

  @TempDir Path dir;

  @Test
  void jsonFormat_everyLineIsAnObject_accessAndSyncLinesHaveTheirFields_noSecrets()
      throws Exception {
    LauncherProcess.launcher(); // skipped outside failsafe
    Requires.tools("git");
    String upstreamSecret = "upstream-s3cret-" + System.nanoTime();
    AccessToken alice = AccessToken.generate();
    AccessToken ops = AccessToken.generate();
    String bad = alice.reveal().substring(0, alice.reveal().length() - 4) + "AAAA";
    try (TestUpstream upstream = TestUpstream.create(dir.resolve("upstream"))) {
      upstream.createRepo("acme/lib");
      upstream.commit("acme/lib", "main", Map.of("README", "hello\n"), "first");
      HttpBackendServer server = upstream.serveHttp("x-access-token", upstreamSecret);
      Files.writeString(dir.resolve("upstream.token"), upstreamSecret + "\n");
      Files.writeString(dir.resolve("identity.yaml"), """
          users:
            alice:
              groups: [eng]
              tokens: ["%s"]
            ops:
              groups: [admins]
              tokens: ["%s"]
          """.formatted(alice.hash().value(), ops.hash().value()));
      Path config = dir.resolve("gitedge.yaml");
      Files.writeString(config, """
          region: json
          dataDir: ./data
          http:
            listen: 127.0.0.1:0
            tls: off
          identity:
            file: identity.yaml
          access:
            rules:
              - repos: "github.com/acme/**"
                groups: [eng]
          sync:
            backoffInitial: 1h
          upstreams:
            - prefix: github.com/acme
              url: %s/acme
              credentials: { tokenFile: upstream.token, username: x-access-token }
              repos: [lib]
              syncInterval: 1h
          """.formatted(server.url()));
      LauncherProcess gw = LauncherProcess.start(dir, config, dir.resolve("gateway.log"),
          Map.of("GITEDGE_LOG_FORMAT", "json"), Duration.ofMinutes(2));
      try {
        awaitLog(gw, "\"outcome\":\"created\"");
        ClientHome client = ClientHome.create(Files.createDirectories(dir.resolve("client")));
        String repo = gw.url() + "/" + LIB + ".git";
        client.git(dir, "-c", "http.extraHeader=Authorization: Bearer " + alice.reveal(),
            "clone", "-q", repo, dir.resolve("lib").toString()).assertOk();
        client.git(dir, "-c", "http.extraHeader=Authorization: Bearer " + bad, "ls-remote",
            repo).assertFailed();
        HttpResponse<String> sync = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create(gw.url() + "/api/v1/mirrors/" + LIB + "/sync?wait=true"))
            .header("Authorization", "Bearer " + ops.reveal())
            .POST(HttpRequest.BodyPublishers.noBody()).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(200, sync.statusCode(), sync.body());
        assertTrue(gw.stop(Duration.ofSeconds(60)), "the gateway stopped on SIGTERM");
      } finally {
        gw.kill();
      }

      String log = gw.log();
      List<JsonNode> events = new ArrayList<>();
      for (String line : log.split("\n", -1)) {
        if (line.isEmpty()) {
          continue; // the end of the file
        }
        JsonNode e;
        try {
          e = STRICT.readTree(line);
        } catch (Exception notJson) {
          throw new AssertionError("a line that is not JSON: " + line + "\n" + notJson);
        }
        assertTrue(e.isObject(), line);
        for (String field : List.of("time", "level", "logger", "thread", "message")) {
          assertTrue(e.hasNonNull(field) && e.get(field).isTextual(), field + " in " + line);
        }
        events.add(e);
      }
      assertTrue(log.endsWith("\n"), "whole lines");

      // the clone: its advertisement, then (protocol v2) an ls-refs and a fetch POST; the fetch
      // sent the pack, the most bytes
      List<JsonNode> posts = events.stream().filter(e -> e.path("caller").asText()
          .equals("alice") && e.path("request").asText().startsWith("POST ")).toList();
      assertFalse(posts.isEmpty(), "alice's upload-pack requests:\n" + log);
      JsonNode clone = posts.stream().max((a, b) -> Long.compare(a.get("bytes").asLong(),
          b.get("bytes").asLong())).orElseThrow();
      assertEquals("git-upload-pack", clone.get("service").asText(), clone.toString());
      assertEquals("io.gitedge.gateway.git.ReadSession", clone.get("logger").asText());
      assertEquals("INFO", clone.get("level").asText());
      assertEquals("https", clone.get("door").asText());
      assertEquals(200, clone.get("status").asInt());
      assertTrue(clone.get("status").isInt() && clone.get("bytes").isIntegralNumber()
          && clone.get("durationMs").isIntegralNumber(), "numbers as numbers: " + clone);
      assertTrue(clone.get("bytes").asLong() > 0, clone.toString());
      assertEquals("POST /" + LIB + ".git/git-upload-pack", clone.get("request").asText());
      assertTrue(clone.get("message").asText().startsWith("https POST /" + LIB
          + ".git/git-upload-pack 200 alice "), "the text line's message: " + clone);
      assertTrue(events.stream().anyMatch(e -> e.path("status").asInt() == 401
          && e.path("door").asText().equals("https") && e.has("caller")),
          "the refused token's access line: " + log);

      JsonNode created = one(events, e -> e.path("outcome").asText().equals("created"),
          "the first sync's line", log);
      assertEquals("io.gitedge.store.FileMirrorStore", created.get("logger").asText());
      assertEquals(LIB, created.get("mirror").asText());
      assertEquals(server.url() + "/acme/lib.git", created.get("upstream").asText());
      assertTrue(created.get("refsChanged").asInt() >= 1, created.toString());
      assertTrue(created.get("durationMs").isIntegralNumber(), created.toString());
      JsonNode again = one(events, e -> e.path("outcome").asText().equals("unchanged"),
          "the admin's sync's line", log);
      assertEquals(LIB, again.get("mirror").asText());
      assertEquals(0, again.get("refsChanged").asInt());

      System.out.println("JsonLogsIT: " + clone + "\nJsonLogsIT: " + created);
      String basic = Base64.getEncoder().encodeToString(("x-access-token:" + upstreamSecret)
          .getBytes(StandardCharsets.UTF_8));
      for (String secret : List.of(alice.reveal(), ops.reveal(), bad, upstreamSecret, basic)) {
        assertFalse(log.contains(secret), "T08: a secret in the JSON log: " + secret + "\n"
            + log);
      }
      assertFalse(log.contains("Bearer "), "T08: an Authorization header in the log\n" + log);
    }
  }

  /** The one event {@code which} matches. */
  private static JsonNode one(List<JsonNode> events, Predicate<JsonNode> which, String what,
      String log) {
    List<JsonNode> found = events.stream().filter(which).toList();
    assertEquals(1, found.size(), what + ":\n" + log);
    return found.get(0);
  }

  private static void awaitLog(LauncherProcess gw, String fragment) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!gw.log().contains(fragment)) {
      assertTrue(System.nanoTime() < deadline, "no " + fragment + " in\n" + gw.log());
      Thread.sleep(50);
    }
  }
}
