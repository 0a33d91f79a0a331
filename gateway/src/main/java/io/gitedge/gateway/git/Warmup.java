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
 * is spent) it opens the repository, reads its refs, loads its pack indexes and bitmap, and
 * serves one shallow fetch of {@code HEAD} into nothing, which takes the upload-pack, pack-writing
 * and compression code through the JIT's first tiers.
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
          warm(m.get().repository(), uploadPacks);
          warmed++;
        }
      } catch (IOException | RuntimeException e) {
        // a mirror that cannot be read now will say so to its first client, with its own error
        log.info("warm-up of {} skipped: {}", n, e.toString());
      }
    }
    return warmed;
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
      BitmapIndex bitmaps = reader.getBitmapIndex();
      if (bitmaps != null) {
        bitmaps.getBitmap(head);
      }
    }
    ByteArrayOutputStream request = new ByteArrayOutputStream();
    PacketLineOut pkt = new PacketLineOut(request);
    pkt.writeString("command=fetch\n");
    pkt.writeDelim();
    for (String line : List.of("thin-pack", "ofs-delta", "no-progress",
        "want " + head.name(), "deepen 1", "done")) {
      pkt.writeString(line + "\n");
    }
    pkt.end();
    try (UploadPack up = uploadPacks.createForWarmup(repo)) {
      up.upload(new ByteArrayInputStream(request.toByteArray()), OutputStream.nullOutputStream(),
          null);
    }
  }
}
