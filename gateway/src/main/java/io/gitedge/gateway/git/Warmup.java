package io.gitedge.gateway.git;

import io.gitedge.gateway.observe.Activity;
import io.gitedge.store.Mirror;
import io.gitedge.store.MirrorName;
import io.gitedge.store.MirrorStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.eclipse.jgit.lib.BitmapIndex;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.PacketLineOut;
import org.eclipse.jgit.transport.UploadPack;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a gateway does before {@code /readyz} says yes, so the first clients after a restart do
 * not pay for a cold process: for each mirror on disk (in the given order, until the time budget
 * is spent) it opens the repository, reads its refs, loads its pack indexes, and
 * serves one fetch of {@code HEAD}'s commit and trees ({@code deepen 1}, {@code filter
 * blob:none}) into nothing, which takes the upload-pack and pack-writing code through the JIT's
 * first tiers. Blobs are left out on purpose: a shallow pack's blobs must be re-deltified, which
 * takes seconds on a large repository; the first full clones after a restart come from the pack
 * cache's disk tier anyway.
 *
 * <p>Bitmaps are loaded afterwards, in the background, each once no client request has run for
 * {@link #BITMAP_QUIET} ({@link #loadBitmaps}): parsing a large repository's bitmap in a JVM
 * that has not compiled JGit's reader yet takes most of a second of CPU, which would keep a
 * restarted gateway out of its load balancer for that long, or, on a small machine, slow the
 * first clones after a restart (their clients still index the pack after the gateway has sent
 * it). A request that needs a bitmap before it is loaded loads it itself, as it would without
 * warm-up.
 */
public final class Warmup {
  private static final Logger log = LoggerFactory.getLogger(Warmup.class);

  private static final Duration BITMAP_QUIET = Duration.ofSeconds(3);
  private static final Duration BITMAP_MAX_WAIT = Duration.ofMinutes(1);

  private Warmup() {}

  /** Warms {@code names} within about {@code budget}; returns how many mirrors it warmed. */
  public static int run(MirrorStore store, UploadPackFactory uploadPacks,
      Collection<MirrorName> names, Duration budget) {
    long deadline = System.nanoTime() + budget.toNanos();
    int warmed = 0;
    for (MirrorName n : names) {
      if (System.nanoTime() > deadline) {
        break;
      }
      if (onRepository(store, n, "warm-up", repo -> warm(repo, uploadPacks))) {
        warmed++;
      }
    }
    return warmed;
  }

  /**
   * Loads every mirror's bitmap index, each once {@code activity} has been quiet for
   * {@link #BITMAP_QUIET} (or {@link #BITMAP_MAX_WAIT} passed); for a background thread once
   * the gateway is ready. Returns early when interrupted.
   */
  public static void loadBitmaps(MirrorStore store, Collection<MirrorName> names,
      Activity activity) {
    for (MirrorName n : names) {
      try {
        activity.awaitQuiet(BITMAP_QUIET, BITMAP_MAX_WAIT);
      } catch (InterruptedException e) {
        return;
      }
      onRepository(store, n, "loading the bitmap", repo -> {
        ObjectId head = repo.resolve(Constants.HEAD);
        try (ObjectReader reader = repo.newObjectReader()) {
          BitmapIndex bitmaps = reader.getBitmapIndex();
          if (bitmaps != null && head != null) {
            bitmaps.getBitmap(head);
          }
        }
      });
    }
  }

  private interface RepositoryWork {
    void run(Repository repo) throws IOException;
  }

  /**
   * Runs {@code work} on the mirror's repository, if it is on disk; returns whether it ran to
   * the end. A mirror that cannot be read now says so to its first client, in its own words.
   */
  private static boolean onRepository(MirrorStore store, MirrorName name, String what,
      RepositoryWork work) {
    try {
      Optional<Mirror> m = store.find(name);
      if (m.isEmpty()) {
        return false;
      }
      long t0 = System.nanoTime();
      work.run(m.get().repository());
      log.debug("{} of {}: {} ms", what, name, (System.nanoTime() - t0) / 1_000_000);
      return true;
    } catch (IOException | RuntimeException e) {
      log.info("{} of {} skipped: {}", what, name, e.toString());
      return false;
    }
  }

  private static void warm(Repository repo, UploadPackFactory uploadPacks) throws IOException {
    List<Ref> refs = repo.getRefDatabase().getRefs();
    ObjectId head = repo.resolve(Constants.HEAD);
    if (head == null && !refs.isEmpty()) {
      head = refs.get(0).getObjectId();
    }
    if (head == null) {
      return; // empty mirror
    }
    try (ObjectReader reader = repo.newObjectReader()) {
      reader.has(head); // opens every pack's index
    }
    ByteArrayOutputStream request = new ByteArrayOutputStream();
    PacketLineOut pkt = new PacketLineOut(request);
    pkt.writeString("command=fetch\n");
    pkt.writeDelim();
    for (String line : List.of("thin-pack", "ofs-delta", "no-progress",
        "want " + head.name(), "deepen 1", "filter blob:none", "done")) {
      pkt.writeString(line + "\n");
    }
    pkt.end();
    try (UploadPack up = uploadPacks.createForWarmup(repo)) {
      up.upload(new ByteArrayInputStream(request.toByteArray()), OutputStream.nullOutputStream(),
          null);
    }
  }
}
