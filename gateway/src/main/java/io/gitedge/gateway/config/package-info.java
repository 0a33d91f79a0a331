/**
 * The gateway's configuration: one immutable {@link io.gitedge.gateway.config.GatewayConfig} of
 * per-section records, read once at start by {@link io.gitedge.gateway.config.ConfigLoader} and
 * passed to the parts that need it.
 */
package io.gitedge.gateway.config;
