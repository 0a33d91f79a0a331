package io.gitedge.store;

import java.time.Instant;
import java.util.Optional;

/**
 * What is known of a mirror's freshness, kept on disk beside it: the upstream it follows, when a
 * sync last succeeded and, if the latest attempt failed, when and why. Immutable.
 */
public record MirrorState(String upstreamUrl, Optional<Instant> lastSuccess,
    Optional<Instant> lastAttempt, Optional<String> lastError) {}
