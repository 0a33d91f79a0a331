package io.gitedge.bench;

import io.gitedge.auth.AccessToken;
import io.gitedge.gateway.app.GatewayApp;
import io.gitedge.gateway.config.ConfigLoader;
import io.gitedge.store.MirrorName;
import io.gitedge.testing.ClientHome;
import io.gitedge.testing.HttpBackendServer;
import io.gitedge.testing.ProcessResult;
import io.gitedge.testing.TestUpstream;
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
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Push to visible: a real {@code git push} into an upstream whose {@code post-receive} hook
 * posts a GitHub-signed webhook (curl, as a Git host would), then the time until the pushed tag
 * is in the gateway's ref advertisement over HTTPS. The upstream itself (C git, {@code git
 * http-backend} on the pushed repository) shows the tag the moment the push returns, so that
 * moment is C git's figure in the same run.
 *
 * <p>Usage: {@code PushToVisible [pushes] [BENCHMARKS.md]}; prints a Markdown section and, with a
 * file, replaces the section between its {@code push-visible} markers (or appends it).
 */
public final class PushToVisible {
  private static final String BEGIN = "<!-- push-visible:begin -->";
  private static final String END = "<!-- push-visible:end -->";
  private static final String SECRET = "bench-webhook-secret";

  private PushToVisible() {}

  public static void main(String[] args) throws Exception {
    int pushes = args.length > 0 ? Integer.parseInt(args[0]) : 50;
    Path out = args.length > 1 ? Path.of(args[1]) : null;
    Path dir = Files.createTempDirectory("gitedge-bench-push-");
    TestUpstream upstream = TestUpstream.create(dir);
    upstream.createRepo("acme/lib");
    upstream.commit("acme/lib", "main", Map.of("go.mod", "module github.com/acme/lib\n\ngo 1.19\n",
        "lib.go", "package lib\n"), "first");
    HttpBackendServer http = upstream.serveHttp(null, null);
    AccessToken token = AccessToken.generate();
    Files.writeString(dir.resolve("webhook.secret"), SECRET + "\n");
    Files.writeString(dir.resolve("identity.yaml"), "users:\n  bench:\n    groups: [eng]\n"
        + "    tokens: [\"" + token.hash().value() + "\"]\n");
    Path config = dir.resolve("gitedge.yaml");
    Files.writeString(config, """
        region: bench
        dataDir: ./data
        http:
          listen: 127.0.0.1:0
        identity:
          file: identity.yaml
        access:
          rules:
            - { repos: "github.com/acme/**", groups: [eng] }
        upstreams:
          - prefix: github.com/acme
            url: %s/acme
            repos: [lib]
            syncInterval: 1h
            webhookSecretFile: webhook.secret
        """.formatted(http.url()));
    List<Double> visible = new ArrayList<>();
    List<Double> pushed = new ArrayList<>();
    try (GatewayApp app = GatewayApp.start(ConfigLoader.load(config))) {
      app.syncNow(MirrorName.parse("github.com/acme/lib")).get(2, TimeUnit.MINUTES);
      Path cert = app.tlsCertificate().orElseThrow();
      String gateway = app.publicUrl().toString();
      upstream.postWebhooksOnPush("acme/lib", "{\"ref\":\"refs/heads/main\",\"repository\":"
          + "{\"clone_url\":\"" + http.url() + "/acme/lib.git\"}}", SECRET, cert,
          gateway + "/hooks/github");
      HttpClient client = TrustingHttp.client(cert);
      HttpRequest refs = HttpRequest.newBuilder(URI.create(gateway
              + "/github.com/acme/lib.git/info/refs?service=git-upload-pack"))
          .header("Authorization", "Bearer " + token.reveal()).build();
      ClientHome dev = ClientHome.create(Files.createDirectories(dir.resolve("dev")));
      Path clone = dir.resolve("clone");
      dev.git(dir, "clone", "-q", upstream.bare("acme/lib").toString(), clone.toString())
          .assertOk();
      int warmup = 5;
      for (int i = 0; i < warmup + pushes; i++) {
        String tag = "v1.0." + i;
        dev.git(clone, "commit", "-q", "--allow-empty", "-m", "release " + tag).assertOk();
        dev.git(clone, "tag", tag).assertOk();
        long t0 = System.nanoTime();
        ProcessResult push = dev.git(clone, "push", "-q", "origin", "main", tag).assertOk();
        long t1 = System.nanoTime();
        if (!push.stderr().contains("webhook answered 202")) {
          throw new IllegalStateException("the hook did not deliver: " + push.stderr());
        }
        String want = "refs/tags/" + tag + "\n";
        long deadline = t0 + TimeUnit.SECONDS.toNanos(30);
        while (!client.send(refs, HttpResponse.BodyHandlers.ofString()).body().contains(want)) {
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException(tag + " not visible after 30 s");
          }
          Thread.sleep(2);
        }
        long t2 = System.nanoTime();
        if (i >= warmup) {
          pushed.add((t1 - t0) / 1e6);
          visible.add((t2 - t0) / 1e6);
        }
      }
    } finally {
      upstream.close();
    }
    String section = report(pushes, pushed, visible);
    System.out.println(section);
    if (out != null) {
      Markdown.replaceSection(out, BEGIN, END, section);
    }
  }

  private static String report(int pushes, List<Double> pushed, List<Double> visible)
      throws Exception {
    Stats v = new Stats(visible);
    Stats c = new Stats(pushed);
    double p50 = v.percentile(50);
    double p99 = v.percentile(99);
    double c50 = c.percentile(50);
    double c99 = c.percentile(99);
    return String.format(Locale.ROOT, """
        ## Push → visible (issue 5)

        A real `git push` of a commit and a tag into the upstream; its `post-receive` hook posts a
        GitHub-signed webhook with curl; the clock stops when the tag is in the gateway's HTTPS ref
        advertisement (polled every 2 ms). C git (`git http-backend` on the pushed repository)
        shows the tag as soon as the push returns, so the push's own duration is its figure.
        %d pushes after 5 warm-up pushes, loopback, %s.

        | | p50 | p99 | max |
        |---|---|---|---|
        | GitEdge: push → visible through the gateway | %.0f ms | %.0f ms | %.0f ms |
        | C git: push → visible at the upstream (= the push) | %.0f ms | %.0f ms | %.0f ms |
        | ratio GitEdge / C git | %.2f× | %.2f× | |

        Goal p99 ≤ 1 s: %s. What the gateway adds is the webhook's round trip, one ref listing
        and one fetch from the upstream (each a fresh HTTP exchange with http-backend).
        Reproduce: `bench/run push-visible`.

        """, pushes, Machine.describe(), p50, p99, v.max(), c50, c99, c.max(), p50 / c50,
        p99 / c99, p99 <= 1000 ? "met" : "MISSED");
  }
}
