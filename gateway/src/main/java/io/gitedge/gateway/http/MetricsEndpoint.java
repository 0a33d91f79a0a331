package io.gitedge.gateway.http;

import io.gitedge.gateway.git.GatewayException;
import io.gitedge.gateway.observe.GatewayMetrics;
import java.io.IOException;

/**
 * {@code GET /metrics}: Prometheus text. Metrics name every mirror, private ones included, so only
 * callers in the admins group may read them (a Prometheus scraper gets a token of its own).
 */
final class MetricsEndpoint implements Endpoint {
  private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  private final GatewayMetrics metrics;

  MetricsEndpoint(GatewayMetrics metrics) {
    this.metrics = metrics;
  }

  @Override
  public int serve(HttpCall call) throws IOException, GatewayException {
    AdminApi.requireAdmin(call.session().caller(), "metrics");
    return call.text(200, PROMETHEUS_TEXT, metrics.scrape());
  }
}
