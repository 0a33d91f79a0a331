package io.gitedge.store;

/**
 * One ref a sync changed. Object ids are hex; a created ref has {@code oldId} of all zeros, a
 * deleted one {@code newId} of all zeros. Immutable.
 */
public record RefChange(String ref, String oldId, String newId) {}
