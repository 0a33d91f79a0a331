package io.gitedge.gateway.http;

import io.gitedge.gateway.git.GatewayException;
import io.gitedge.gateway.observe.GatewayMetrics;
import io.gitedge.sync.WebhookProvider;
import io.gitedge.sync.WebhookReceiver;
import java.io.IOException;
import java.util.Locale;
import java.util.Optional;

/**
 * Where upstreams announce pushes, without credentials (the body's signature is the credential):
 * {@code POST /hooks/github | gitlab | gitea | bitbucket | generic}. The answer is 202 for a
 * delivery taken (or ignored, or a repeat), 200 for GitHub's ping, and a refusal otherwise: a
 * wrong signature 401, a malformed body 400, a body over {@link WebhookReceiver#MAX_BODY} 413
 * ({@link SignedBody}), a method other than POST 405. Thread-safe.
 */
public final class HookEndpoint implements Endpoint {
  static final String PREFIX = "/hooks/";

  private final WebhookReceiver webhooks;
  private final GatewayMetrics metrics;

  public HookEndpoint(WebhookReceiver webhooks, GatewayMetrics metrics) {
    this.webhooks = webhooks;
    this.metrics = metrics;
  }

  @Override
  public int serve(HttpCall call) throws IOException, GatewayException {
    Optional<WebhookProvider> provider = WebhookProvider.byPath(
        call.path().substring(PREFIX.length()));
    if (provider.isEmpty()) {
      throw new GatewayException.MirrorNotFound();
    }
    String source = provider.get().path();
    call.require("POST", "gitedge: POST a webhook here");
    byte[] body;
    try {
      body = SignedBody.read(call.request(), WebhookReceiver.MAX_BODY);
    } catch (GatewayException.TooLarge e) {
      metrics.webhook(source, "too_large");
      throw e;
    }
    WebhookReceiver.Answer a = webhooks.receive(provider.get(),
        name -> call.request().getHeader(name), body);
    metrics.webhook(source, a.outcome().name().toLowerCase(Locale.ROOT));
    return switch (a.outcome()) {
      case BAD_SIGNATURE -> throw new GatewayException.BadSignature(a.body());
      case MALFORMED -> throw new GatewayException.BadRequest(a.body());
      case PING -> call.line(200, a.body());
      case ACCEPTED, IGNORED, DUPLICATE -> call.line(202, a.body());
    };
  }
}
