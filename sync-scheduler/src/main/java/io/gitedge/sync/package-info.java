/**
 * When mirrors sync, and who hears of it: {@link io.gitedge.sync.SyncScheduler} (schedules with
 * jitter, single flight per mirror, backoff), {@link io.gitedge.sync.WebhookReceiver} (upstreams'
 * signed push webhooks), {@link io.gitedge.sync.ReadFreshness} (a read that needs a fresher
 * mirror), and the fleet's events: {@link io.gitedge.sync.SyncEventPublisher} puts a
 * {@link io.gitedge.sync.SyncEvent} on a {@link io.gitedge.sync.FanOut},
 * {@link io.gitedge.sync.IncomingEvents} takes other regions' events. Uses the mirror store;
 * knows no transport (HTTP statuses, Kafka) itself.
 */
package io.gitedge.sync;
