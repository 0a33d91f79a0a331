package io.gitedge.gateway.git;

import io.gitedge.gateway.observe.GatewayMetrics;
import io.gitedge.gateway.packcache.PackCache;

/**
 * What one front door reads with: the shared authenticator, resolver and pack cache, and the
 * door's own upload-pack settings (its I/O timeout). Each request gets a {@link ReadSession}
 * from {@link #open}. Immutable and thread-safe.
 */
public final class ReadPath {
  final Door door;
  final CallerAuthenticator authenticator;
  final MirrorResolver resolver;
  final UploadPackFactory uploadPacks;
  final PackCache packCache;
  final GatewayMetrics metrics;

  /**
   * @param packCache answers identical stateless fetches; only HTTPS makes those
   */
  public ReadPath(Door door, CallerAuthenticator authenticator, MirrorResolver resolver,
      UploadPackFactory uploadPacks, PackCache packCache, GatewayMetrics metrics) {
    this.door = door;
    this.authenticator = authenticator;
    this.resolver = resolver;
    this.uploadPacks = uploadPacks;
    this.packCache = packCache;
    this.metrics = metrics;
  }

  /**
   * Begins a client's request: counted as in flight until {@link ReadSession#finish}.
   *
   * @param request how the access log names it ({@code GET /github.com/acme/lib.git/info/refs},
   *     {@code git-upload-pack 'github.com/acme/lib.git'}); client text, made printable here
   */
  public ReadSession open(String request) {
    return new ReadSession(this, request, true);
  }

  /**
   * Begins a request that is not a client's (a load balancer's health check): logged and
   * counted in the request metrics, but never counted as in flight, so background work that
   * waits for a quiet moment is not held up by probes.
   */
  public ReadSession openProbe(String request) {
    return new ReadSession(this, request, false);
  }
}
