/**
 * The fleet's events between gateways. Over HTTP peers, the embedded default:
 * {@link io.gitedge.gateway.events.HttpPeerFanOut} posts signed events to every peer; the
 * receiving end is the HTTPS door's {@code /hooks/peer} endpoint, checked with the same
 * {@link io.gitedge.gateway.events.PeerSecret}. Over Kafka, for many regions and replicas:
 * {@link io.gitedge.gateway.events.KafkaFanOut} buffers and publishes signed events to one topic
 * and {@link io.gitedge.gateway.events.KafkaEventConsumer} reads it in a consumer group per
 * gateway instance ({@link io.gitedge.gateway.events.InstanceId}).
 */
package io.gitedge.gateway.events;
