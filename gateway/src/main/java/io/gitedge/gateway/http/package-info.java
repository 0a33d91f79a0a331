/**
 * The HTTPS front door: Jetty 12 ({@link io.gitedge.gateway.http.HttpFrontDoor}), one router
 * servlet over a table of routes, one small endpoint class per kind of endpoint (smart HTTP,
 * go-get pages, webhooks, peer events, admin API, metrics, probes), and the one place errors
 * become statuses ({@code HttpErrorMapper}).
 */
package io.gitedge.gateway.http;
