package io.gitedge.gateway;

import static io.gitedge.gateway.GatewayHarness.LIB;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import io.gitedge.testing.ClientHome;
import io.gitedge.testing.ProcessResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Catalogue row T08, for the HTTPS door: whatever callers send (good tokens, bad tokens, tokens
 * as user names, webhooks signed with the right and a wrong secret), no log line of the gateway
 * contains a token or the webhook secret, and no response or metric does either.
 */
class TokensNeverLoggedTest {
  @TempDir Path dir;

  @Test
  void t08_tokensAndWebhookSecrets_sentInEveryForm_neverReachTheLog() throws Exception {
    String hookSecret = "w3bh00k-s3cr3t-" + System.nanoTime();
    java.nio.file.Files.writeString(dir.resolve("webhook.secret"), hookSecret + "\n");
    try (LogCapture log = new LogCapture(org.slf4j.Logger.ROOT_LOGGER_NAME, Level.INFO);
        LogCapture debug = new LogCapture("io.gitedge", Level.DEBUG);
        GatewayHarness gw = GatewayHarness.start(dir, GatewayHarness.Options.defaults()
            .withUpstream("webhookSecretFile", "webhook.secret"))) {
      String good = gw.token("alice");
      String bad = good.substring(0, good.length() - 4) + "AAAA";
      Path work = gw.workDir("t08");
      gw.clientWithNetrc("alice").git(work, "clone", gw.repoUrl(LIB), "lib").assertOk();
      ClientHome header = gw.client("header");
      String badOut = header.git(work, "-c", "http.extraHeader=Authorization: Bearer " + bad,
          "ls-remote", gw.repoUrl(LIB)).assertFailed().describe();
      String userOut = header.git(work, "ls-remote",
          gw.url().replace("https://", "https://" + bad + ":@") + "/" + LIB + ".git")
          .assertFailed().describe();
      ProcessResult push = header.git(work.resolve("lib"), "-c",
          "http.extraHeader=Authorization: Bearer " + good, "push", gw.repoUrl(LIB), "HEAD:main")
          .assertFailed();
      assertTrue(push.stderr().contains("read-only mirror"), push.describe());

      java.net.http.HttpClient http = io.gitedge.testing.TrustingHttp.client(gw.certificate());
      String body = "{\"repository\":{\"clone_url\":\"https://github.com/acme/lib.git\"}}";
      List<String> answers = new java.util.ArrayList<>();
      for (String secret : List.of(hookSecret, "not-" + hookSecret, "")) {
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(
            (secret.isEmpty() ? "x" : secret).getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String sig = "sha256=" + java.util.HexFormat.of().formatHex(
            mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
        for (String provider : List.of("github", "gitlab")) {
          var req = java.net.http.HttpRequest.newBuilder(java.net.URI.create(gw.url() + "/hooks/"
              + provider)).POST(java.net.http.HttpRequest.BodyPublishers.ofString(body));
          req = provider.equals("github") ? req.header("X-Hub-Signature-256", sig)
              : req.header("X-Gitlab-Token", secret.isEmpty() ? "x" : secret);
          var rsp = http.send(req.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
          answers.add(rsp.statusCode() + " " + rsp.headers().map() + " " + rsp.body());
        }
      }
      assertTrue(answers.get(0).startsWith("202"), "T08 setup: the signed webhook was not "
          + "taken: " + answers.get(0));
      var metrics = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(gw.url()
          + "/metrics")).header("Authorization", "Bearer " + gw.token("ops")).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString()).body();
      assertTrue(metrics.contains("gitedge_"), "T08 setup: no metrics");

      List<String> lines = new java.util.ArrayList<>(log.lines());
      lines.addAll(debug.lines());
      assertTrue(lines.size() > 5, "the gateway logged requests");
      for (String line : lines) {
        assertFalse(line.contains(good) || line.contains(bad), "T08: token in log: " + line);
        assertFalse(line.contains(hookSecret), "T08: webhook secret in log: " + line);
      }
      for (String a : answers) {
        assertFalse(a.contains(hookSecret), "T08: webhook secret in an answer: " + a);
      }
      assertFalse(metrics.contains(hookSecret) || metrics.contains(good),
          "T08: a secret in the metrics");
      assertFalse(badOut.replace("Bearer " + bad, "").contains(bad), badOut);
      assertFalse(userOut.replace(bad + ":@", "").contains(bad), userOut);
    }
  }
}
