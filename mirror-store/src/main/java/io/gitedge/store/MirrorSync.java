package io.gitedge.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.ReceiveCommand;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One sync attempt of one mirror from one upstream, for {@link FileMirrorStore} (which holds the
 * mirror's lock around it and records a failure): <b>create</b> a mirror in a scratch folder and
 * move it into place once complete, or <b>update</b> one; either way one upstream listing decides
 * what changes ({@link UpstreamConversation}), the fleet has its say on tags ({@link FleetTags}),
 * the changes go in as one atomic batch ({@link MirrorFetcher#apply}), and a sync that would
 * delete most of the mirror is held for an operator.
 */
final class MirrorSync {
  private static final Logger log = LoggerFactory.getLogger(MirrorSync.class);

  /** The store's record of each mirror's state. */
  interface States {
    /** The state recorded for {@code name}, in memory or on disk. */
    Optional<MirrorState> current(MirrorName name);

    /** Keeps {@code s} in memory (its file was written with the mirror). */
    void remember(MirrorName name, MirrorState s);

    /** Keeps {@code s} in memory and in the mirror's state file. */
    void record(MirrorName name, MirrorState s);
  }

  private final Path root;
  private final Repacker repacker;
  private final TagPins pins;
  private final BooleanSupplier aborting;
  private final States states;

  MirrorSync(Path root, Repacker repacker, TagPins pins, BooleanSupplier aborting,
      States states) {
    this.root = root;
    this.repacker = repacker;
    this.pins = pins;
    this.aborting = aborting;
    this.states = states;
  }

  SyncResult attempt(MirrorName name, Optional<Mirror> existing, Upstream upstream,
      MirrorPolicy policy, boolean approved, Instant started, MirrorFetcher fetcher)
      throws IOException, SyncFailedException {
    return existing.isPresent()
        ? update(existing.get(), upstream, policy, approved, started, fetcher)
        : create(name, upstream, policy, started, fetcher);
  }

  private SyncResult create(MirrorName name, Upstream upstream, MirrorPolicy policy,
      Instant started, MirrorFetcher fetcher) throws IOException, SyncFailedException {
    Path scratch = root.resolve(FileMirrorStore.INCOMING).resolve(UUID.randomUUID() + ".git");
    Path target = root.resolve(name.relativeDirectory());
    List<RefChange> changes;
    RefPlan plan;
    String digest;
    try {
      try (Repository repo = new FileRepositoryBuilder().setGitDir(scratch.toFile()).build()) {
        repo.create(true);
        MirrorSetup.configureNew(repo);
        Map<String, ObjectId> pinned = policy.tags() == MirrorPolicy.TagPolicy.IMMUTABLE
            ? FleetTags.ofNewMirror(name, repo, upstream.fleet(), fetcher) : Map.of();
        Map<String, Ref> remote;
        try (UpstreamConversation upstreamNow = fetcher.open(repo, upstream)) {
          remote = upstreamNow.refs();
          plan = RefPlan.of(pinned, upstreamNow.ids(), policy.tags(), List.of(), started);
          upstreamNow.fetch(MirrorFetcher.toFetch(plan.commands()));
        }
        fetcher.checkNotAborted();
        changes = MirrorFetcher.apply(repo, creations(pinned, plan.commands()));
        MirrorFetcher.followHead(repo, remote);
        fetcher.checkNotAborted(); // a mirror not yet in place: its scratch folder just goes
        fetcher.progress().phase(SyncProgress.Phase.REPACKING);
        repacker.gc(repo, true);
        digest = MirrorRefs.read(repo).digest();
        MirrorStateFile.write(scratch, MirrorState.none(upstream.url())
            .succeeded(upstream.url(), started, plan.conflicts(), digest));
      }
      Files.createDirectories(target.getParent());
      Files.move(scratch, target, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Leftovers.deleteRecursively(scratch);
    }
    states.remember(name, MirrorState.none(upstream.url())
        .succeeded(upstream.url(), started, plan.conflicts(), digest));
    logConflicts(name, plan.newConflicts());
    return new SyncResult(name, SyncResult.Outcome.CREATED, changes, plan.newConflicts(),
        Duration.between(started, Instant.now()), Optional.empty(), false);
  }

  /** {@code refs} with {@code more} added. */
  private static Map<String, ObjectId> with(Map<String, ObjectId> refs,
      Map<String, ObjectId> more) {
    Map<String, ObjectId> out = new TreeMap<>(refs);
    out.putAll(more);
    return out;
  }

  /** Commands creating {@code refs}, followed by {@code then}. */
  private static List<ReceiveCommand> creations(Map<String, ObjectId> refs,
      List<ReceiveCommand> then) {
    List<ReceiveCommand> commands = new ArrayList<>();
    refs.forEach((ref, id) -> commands.add(new ReceiveCommand(ObjectId.zeroId(), id, ref)));
    commands.addAll(then);
    return commands;
  }

  private static void logConflicts(MirrorName name, List<TagConflict> conflicts) {
    for (TagConflict c : conflicts) {
      log.warn("tag {} of {} {} upstream (now {}); keeping {} (tags: immutable)", c.ref(),
          name, c.deletedUpstream() ? "was deleted" : "was moved", c.upstreamId(), c.keptId());
    }
  }

  private SyncResult update(Mirror mirror, Upstream upstream, MirrorPolicy policy,
      boolean massDeleteApproved, Instant started, MirrorFetcher fetcher)
      throws IOException, SyncFailedException {
    Repository repo = mirror.repository();
    MirrorState before = states.current(mirror.name()).orElse(MirrorState.none(upstream.url()));
    boolean tampered = tampered(mirror, before);
    Map<String, ObjectId> local = MirrorFetcher.localRefs(repo);
    FleetTags fleetTags;
    Map<String, Ref> remote;
    RefPlan plan;
    List<RefChange> changes = List.of();
    // one listing decides the sync: its plan, the objects fetched and the refs applied (the
    // fleet's tags aside, which stay at the fleet's commit however the upstream moved them)
    try (UpstreamConversation upstreamNow = fetcher.open(repo, upstream)) {
      remote = upstreamNow.refs();
      // what the fleet announced, read after the listing: a tag another region announced
      // before the upstream moved it is then known here whenever this listing shows it moved
      // (read before the listing, an announcement landing in between would be missed, and this
      // region would take the moved tag: one tag, two objects in the fleet)
      fleetTags = fleetTags(mirror.name(), repo, upstream, policy, fetcher);
      Map<String, ObjectId> listed = fleetTags.apply(local, upstreamNow.ids());
      plan = RefPlan.of(with(local, fleetTags.adopted), listed, policy.tags(),
          before.tagConflicts(), started);
      if (plan.massDeletion() && !massDeleteApproved) {
        return hold(mirror.name(), upstream, plan, before, started);
      }
      if (!plan.commands().isEmpty() || !fleetTags.adopted.isEmpty()) {
        upstreamNow.fetch(MirrorFetcher.toFetch(plan.commands()));
        // and read again once the objects are here, just before the refs change: an
        // announcement that arrived while they came in still decides a tag this sync creates
        // (its objects are here already or fetched from the fleet; nothing else changes: the
        // listing is the one the objects were fetched for)
        fleetTags = fleetTags(mirror.name(), repo, upstream, policy, fetcher);
        Map<String, ObjectId> taken = fleetTags.apply(local, listed); // fills adopted first
        plan = RefPlan.of(with(local, fleetTags.adopted), taken, policy.tags(),
            before.tagConflicts(), started);
      }
    }
    if (!plan.commands().isEmpty() || !fleetTags.adopted.isEmpty()) {
      // the last safe point: an abort seen here leaves the fetched objects unreferenced
      fetcher.checkNotAborted();
      changes = MirrorFetcher.apply(repo, creations(fleetTags.adopted, plan.commands()));
    }
    logConflicts(mirror.name(), plan.newConflicts());
    // the refs are in: what follows only tidies up, and its failure must not report the sync
    // as failed (the next sync tries again)
    try {
      MirrorFetcher.followHead(repo, remote);
      if (!changes.isEmpty() && !aborting.getAsBoolean()) {
        fetcher.progress().phase(SyncProgress.Phase.REPACKING);
        repacker.maybeRepack(repo);
      }
    } catch (IOException | SyncFailedException | RuntimeException e) {
      log.warn("sync of {} applied its refs, but could not finish: {}", mirror.name(),
          e.toString());
    }
    states.record(mirror.name(), before.succeeded(upstream.url(), started, plan.conflicts(),
        MirrorRefs.read(repo).digest()));
    return new SyncResult(mirror.name(),
        changes.isEmpty() ? SyncResult.Outcome.UNCHANGED : SyncResult.Outcome.UPDATED, changes,
        plan.newConflicts(), Duration.between(started, Instant.now()), Optional.empty(),
        tampered);
  }

  /** The fleet's say on this sync's tags, from what it has announced so far. */
  private FleetTags fleetTags(MirrorName name, Repository repo, Upstream upstream,
      MirrorPolicy policy, MirrorFetcher fetcher) {
    return new FleetTags(name, repo, upstream.fleet(), policy, fetcher,
        policy.tags() == MirrorPolicy.TagPolicy.IMMUTABLE ? pins.of(name) : Map.of());
  }

  /**
   * Whether the mirror's refs differ from those the last successful sync left (its recorded
   * digest): nothing but a sync writes them, so someone or something else did. Logged; the sync
   * that follows puts the upstream's refs back (a tag kept under immutable tags stays as found,
   * and shows as a tag conflict).
   */
  private static boolean tampered(Mirror mirror, MirrorState before) throws IOException {
    if (before.refsDigest().isEmpty()) {
      return false; // synced before digests were recorded
    }
    String now = MirrorRefs.read(mirror.repository()).digest();
    if (now.equals(before.refsDigest().get())) {
      return false;
    }
    log.warn("mirror {}: refs changed outside a sync since the last one ({}): digest {}, now {};"
        + " restoring the upstream's", mirror.name(), before.lastSuccess().map(Object::toString)
        .orElse("?"), before.refsDigest().get(), now);
    return true;
  }

  private SyncResult hold(MirrorName name, Upstream upstream, RefPlan plan, MirrorState before,
      Instant started) {
    String why = "held: the upstream would delete " + plan.deletions() + " of the mirror's "
        + plan.localRefs() + " branches and tags; nothing was changed until an operator approves"
        + " the deletion";
    log.warn("sync {} from {} {}", name, upstream.url(), why);
    states.record(name, before.failed(upstream.url(), started, why, true));
    return new SyncResult(name, SyncResult.Outcome.HELD, List.of(), List.of(),
        Duration.between(started, Instant.now()), Optional.of(why), false);
  }
}
