package io.gitedge.gateway.http;

import io.gitedge.gateway.events.PeerSecret;
import io.gitedge.gateway.git.GatewayException;
import io.gitedge.gateway.observe.GatewayMetrics;
import io.gitedge.sync.HookSignatures;
import io.gitedge.sync.IncomingEvents;
import io.gitedge.sync.SyncEvent;
import java.io.IOException;
import java.time.Clock;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code POST /hooks/peer}: another region's {@link SyncEvent}, signed with the secret all
 * regions share ({@code X-GitEdge-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>." +
 * body>}, within 5 minutes), handed to {@link IncomingEvents}. 202 for every event taken (synced,
 * level already, not mirrored here, a repeat), 401 for a wrong signature, 400 for a body that is
 * not an event, 413 past {@link SyncEvent#MAX_BYTES}. Thread-safe.
 */
public final class PeerEventEndpoint implements Endpoint {
  static final String PATH = "/hooks/peer";

  private final PeerSecret secret;
  private final IncomingEvents incoming;
  private final GatewayMetrics metrics;
  private final Clock clock;

  public PeerEventEndpoint(PeerSecret secret, IncomingEvents incoming, GatewayMetrics metrics,
      Clock clock) {
    this.secret = secret;
    this.incoming = incoming;
    this.metrics = metrics;
    this.clock = clock;
  }

  @Override
  public int serve(HttpCall call) throws IOException, GatewayException {
    call.require("POST", "gitedge: POST a webhook here");
    byte[] body;
    try {
      body = SignedBody.read(call.request(), SyncEvent.MAX_BYTES);
    } catch (GatewayException.TooLarge e) {
      received("too_large");
      throw e;
    }
    Optional<byte[]> key = secret.read();
    if (key.isEmpty() || !HookSignatures.timestamped(
        call.request().getHeader("X-GitEdge-Signature"), body, key.get(), clock.instant())) {
      received("bad_signature");
      throw new GatewayException.BadSignature("gitedge: peer event signature does not match");
    }
    SyncEvent event;
    try {
      event = SyncEvent.fromJson(body);
    } catch (IOException e) {
      received("malformed");
      throw new GatewayException.BadRequest("gitedge: malformed peer event");
    }
    IncomingEvents.Outcome outcome = incoming.receive(event);
    received(switch (outcome) {
      case DUPLICATE -> "duplicate";
      case NOT_MIRRORED -> "ignored";
      case LEVEL -> "level";
      case SYNCING -> "synced";
    });
    return call.line(202, switch (outcome) {
      case DUPLICATE -> "gitedge: event already received";
      case LEVEL -> "gitedge: already level";
      case NOT_MIRRORED, SYNCING -> "gitedge: accepted";
    });
  }

  private void received(String outcome) {
    metrics.peerEvent("received", outcome.toLowerCase(Locale.ROOT));
  }
}
