/**
 * Stored upload-pack responses for identical stateless clone requests
 * ({@link io.gitedge.gateway.packcache.PackCache}): keyed by the mirror's refs and the request's
 * normal form, in memory and on disk, single flight per key. A door hands it a
 * {@link io.gitedge.gateway.packcache.PackCache.Responder} and the cache decides the order of
 * everything else.
 */
package io.gitedge.gateway.packcache;
