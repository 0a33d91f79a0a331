package io.gitedge.gateway.http;

import io.gitedge.gateway.git.GatewayException;
import io.gitedge.gateway.observe.GatewayMetrics;
import io.gitedge.sync.PeerEvents;
import io.gitedge.sync.WebhookProvider;
import io.gitedge.sync.WebhookReceiver;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

/**
 * Where upstreams and peers announce pushes, without credentials (the body's signature is the
 * credential):
 *
 * <pre>
 * POST /hooks/github | gitlab | gitea | bitbucket | generic     an upstream's webhook
 * POST /hooks/peer                                             another region's sync event
 * </pre>
 *
 * Bodies over {@link WebhookReceiver#MAX_BODY} get 413, decided from a declared length or as soon
 * as they pass it; before answering, up to {@value #DRAIN_MAX} bytes of the rest are read and
 * dropped (never kept), so a sender still sending sees the 413 instead of a reset connection.
 * Thread-safe.
 */
public final class HookEndpoint {
  static final String PREFIX = "/hooks/";
  /** How much of an oversized body is read (and dropped) so that its sender gets the 413. */
  static final long DRAIN_MAX = 16L << 20;

  private final WebhookReceiver webhooks;
  private final Optional<PeerEvents> peers;
  private final GatewayMetrics metrics;

  public HookEndpoint(WebhookReceiver webhooks, Optional<PeerEvents> peers,
      GatewayMetrics metrics) {
    this.webhooks = webhooks;
    this.peers = peers;
    this.metrics = metrics;
  }

  /** Answers a request for {@code path} (which starts with {@value #PREFIX}). */
  int serve(HttpServletRequest req, HttpServletResponse rsp, String path)
      throws IOException, GatewayException {
    String kind = path.substring(PREFIX.length());
    Optional<WebhookProvider> provider = WebhookProvider.byPath(kind);
    boolean peer = kind.equals("peer") && peers.isPresent();
    if (provider.isEmpty() && !peer) {
      throw new GatewayException.MirrorNotFound();
    }
    if (!"POST".equals(req.getMethod())) {
      rsp.setHeader("Allow", "POST");
      return text(rsp, HttpServletResponse.SC_METHOD_NOT_ALLOWED, "gitedge: POST a webhook here");
    }
    byte[] body = body(req);
    if (body == null) {
      String source = peer ? "peer" : provider.get().path();
      if (peer) {
        metrics.peerEvent("received", "too_large");
      } else {
        metrics.webhook(source, "too_large");
      }
      drain(req);
      rsp.setHeader("Connection", "close");
      return text(rsp, HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE,
          "gitedge: webhook bodies are limited to " + (WebhookReceiver.MAX_BODY >> 20) + " MiB");
    }
    WebhookReceiver.Answer a;
    if (peer) {
      a = peers.get().receive(name -> req.getHeader(name), body);
    } else {
      a = webhooks.receive(provider.get(), name -> req.getHeader(name), body);
      metrics.webhook(provider.get().path(), a.outcome().name().toLowerCase(Locale.ROOT));
    }
    return text(rsp, a.status(), a.body());
  }

  /** The body, or null when it is larger than allowed. */
  private static byte[] body(HttpServletRequest req) throws IOException {
    long declared = req.getContentLengthLong();
    if (declared > WebhookReceiver.MAX_BODY) {
      return null;
    }
    try (InputStream in = req.getInputStream()) {
      byte[] b = in.readNBytes(WebhookReceiver.MAX_BODY + 1);
      return b.length > WebhookReceiver.MAX_BODY ? null : b;
    }
  }

  /** Reads and drops what is left of a refused body, up to {@link #DRAIN_MAX} bytes. */
  private static void drain(HttpServletRequest req) {
    byte[] buf = new byte[8192];
    long left = DRAIN_MAX;
    try {
      InputStream in = req.getInputStream();
      for (int n; left > 0 && (n = in.read(buf, 0, (int) Math.min(buf.length, left))) >= 0; ) {
        left -= n;
      }
    } catch (IOException e) {
      // the sender went away: nobody is left to read the answer
    }
  }

  private static int text(HttpServletResponse rsp, int status, String line) throws IOException {
    byte[] b = (line + "\n").getBytes(StandardCharsets.UTF_8);
    rsp.setStatus(status);
    rsp.setContentType("text/plain; charset=utf-8");
    rsp.setHeader("Cache-Control", "no-cache");
    rsp.setContentLength(b.length);
    rsp.getOutputStream().write(b);
    return status;
  }
}
