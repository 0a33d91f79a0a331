package io.gitedge.store;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.transport.ReceiveCommand;

/**
 * What one sync should do to a mirror's refs, worked out from the mirror's branches and tags, the
 * upstream's, and the tag policy: branches follow (created, moved, force-moved, deleted); new
 * tags are created; a tag the upstream moved or deleted follows only under
 * {@link MirrorPolicy.TagPolicy#FOLLOW}, and otherwise stays and becomes a {@link TagConflict}.
 * Immutable; pure (no I/O), so the policy can be tested on plain maps.
 */
final class RefPlan {
  private final List<ReceiveCommand> commands;
  private final List<TagConflict> conflicts;
  private final List<TagConflict> newConflicts;
  private final int deletions;
  private final int localRefs;

  private RefPlan(List<ReceiveCommand> commands, List<TagConflict> conflicts,
      List<TagConflict> newConflicts, int deletions, int localRefs) {
    this.commands = List.copyOf(commands);
    this.conflicts = List.copyOf(conflicts);
    this.newConflicts = List.copyOf(newConflicts);
    this.deletions = deletions;
    this.localRefs = localRefs;
  }

  /**
   * @param local the mirror's branches and tags
   * @param remote the upstream's branches and tags (peeled entries left out)
   * @param known the conflicts recorded before, whose {@code since} is kept while they last
   */
  static RefPlan of(Map<String, ObjectId> local, Map<String, ObjectId> remote,
      MirrorPolicy.TagPolicy tags, List<TagConflict> known, Instant now) {
    Map<String, TagConflict> before = new TreeMap<>();
    known.forEach(c -> before.put(c.ref(), c));
    List<ReceiveCommand> commands = new ArrayList<>();
    List<TagConflict> conflicts = new ArrayList<>();
    List<TagConflict> fresh = new ArrayList<>();
    int deletions = 0;
    for (Map.Entry<String, ObjectId> r : remote.entrySet()) {
      ObjectId have = local.get(r.getKey());
      if (have == null) {
        commands.add(new ReceiveCommand(ObjectId.zeroId(), r.getValue(), r.getKey()));
      } else if (!have.equals(r.getValue())) {
        if (keeps(r.getKey(), tags)) {
          conflict(r.getKey(), have, r.getValue(), before, now, conflicts, fresh);
        } else {
          commands.add(new ReceiveCommand(have, r.getValue(), r.getKey()));
        }
      }
    }
    for (Map.Entry<String, ObjectId> l : local.entrySet()) {
      if (remote.containsKey(l.getKey())) {
        continue;
      }
      if (keeps(l.getKey(), tags)) {
        conflict(l.getKey(), l.getValue(), ObjectId.zeroId(), before, now, conflicts, fresh);
      } else {
        commands.add(new ReceiveCommand(l.getValue(), ObjectId.zeroId(), l.getKey()));
        deletions++;
      }
    }
    return new RefPlan(commands, conflicts, fresh, deletions, local.size());
  }

  private static boolean keeps(String ref, MirrorPolicy.TagPolicy tags) {
    return ref.startsWith(Constants.R_TAGS) && tags == MirrorPolicy.TagPolicy.IMMUTABLE;
  }

  private static void conflict(String ref, ObjectId kept, ObjectId upstream,
      Map<String, TagConflict> before, Instant now, List<TagConflict> all,
      List<TagConflict> fresh) {
    TagConflict old = before.get(ref);
    if (old != null && old.keptId().equals(kept.name())
        && old.upstreamId().equals(upstream.name())) {
      all.add(old);
      return;
    }
    TagConflict c = new TagConflict(ref, kept.name(), upstream.name(), now);
    all.add(c);
    fresh.add(c);
  }

  /** The ref updates to apply, as one atomic batch; empty when the mirror is level. */
  List<ReceiveCommand> commands() {
    return commands;
  }

  /** Every tag kept against the upstream's wish, as of this plan. */
  List<TagConflict> conflicts() {
    return conflicts;
  }

  /** The conflicts not recorded before. */
  List<TagConflict> newConflicts() {
    return newConflicts;
  }

  /**
   * Whether applying this would delete more than half of the mirror's refs: what an upstream
   * repository being emptied, replaced or misconfigured looks like, held for an operator.
   */
  boolean massDeletion() {
    return localRefs > 0 && deletions * 2 > localRefs;
  }

  int deletions() {
    return deletions;
  }

  int localRefs() {
    return localRefs;
  }

  @Override
  public String toString() {
    return "RefPlan[" + commands.size() + " updates, " + deletions + " deletions, "
        + conflicts.size() + " tag conflicts]";
  }
}
