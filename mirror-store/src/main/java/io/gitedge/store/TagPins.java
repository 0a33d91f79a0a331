package io.gitedge.store;

import java.util.Map;
import org.eclipse.jgit.lib.ObjectId;

/**
 * What the other regions of the fleet serve for tags, as far as this gateway has heard (their
 * sync events list their tips). Under immutable tags a sync that would create a tag here takes
 * the fleet's commit when the upstream has since moved the tag, so every region serves one commit
 * per tag. Implementations are thread-safe.
 */
@FunctionalInterface
public interface TagPins {
  /** Heard of nothing: tags are taken as the upstream has them. */
  TagPins NONE = name -> Map.of();

  /** The object each tag of {@code name} has in the fleet, by ref name. */
  Map<String, ObjectId> of(MirrorName name);
}
