/**
 * What operators see: {@link io.gitedge.gateway.observe.GatewayMetrics} (Prometheus), the
 * requests in flight ({@link io.gitedge.gateway.observe.Activity}), logging set-up and safe log
 * text for client input.
 */
package io.gitedge.gateway.observe;
