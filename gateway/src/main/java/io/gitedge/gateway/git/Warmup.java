package io.gitedge.gateway.git;

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
 * <p>Bitmaps are loaded right after, in the background ({@link #loadBitmaps}): parsing a large
 * repository's bitmap in a JVM that has not compiled JGit's reader yet takes most of a second,
 * which would keep a restarted gateway out of its load balancer for that long. A clone that
 * needs a bitmap before it is loaded loads it itself, as it would without warm-up.
 */
public final class Warmup {
  private static final Logger log = LoggerFactory.getLogger(Warmup.class);

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
      try {
        Optional<Mirror> m = store.find(n);
        if (m.isPresent()) {
          long t0 = System.nanoTime();
          warm(m.get().repository(), uploadPacks);
          warmed++;
          log.debug("warmed up {} in {} ms", n, (System.nanoTime() - t0) / 1_000_000);
        }
      } catch (IOException | RuntimeException e) {
        // a mirror that cannot be read now will say so to its first client, with its own error
        log.info("warm-up of {} skipped: {}", n, e.toString());
      }
    }
    return warmed;
  }

  /** Loads every mirror's bitmap index; meant for a background thread once the gateway is ready. */
  public static void loadBitmaps(MirrorStore store, Collection<MirrorName> names) {
    for (MirrorName n : names) {
      try {
        Optional<Mirror> m = store.find(n);
        if (m.isEmpty()) {
          continue;
        }
        Repository repo = m.get().repository();
        ObjectId head = repo.resolve(Constants.HEAD);
        try (ObjectReader reader = repo.newObjectReader()) {
          BitmapIndex bitmaps = reader.getBitmapIndex();
          if (bitmaps != null && head != null) {
            bitmaps.getBitmap(head);
          }
        }
      } catch (IOException | RuntimeException e) {
        log.info("loading the bitmap of {} skipped: {}", n, e.toString());
      }
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
