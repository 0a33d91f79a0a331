/**
 * The fleet's events over HTTP peers, the embedded default transport:
 * {@link io.gitedge.gateway.events.HttpPeerFanOut} posts signed events to every peer; the
 * receiving end is the HTTPS door's {@code /hooks/peer} endpoint, checked with the same
 * {@link io.gitedge.gateway.events.PeerSecret}.
 */
package io.gitedge.gateway.events;
