package io.gitedge.gateway.git;

import io.gitedge.sync.MirrorAge;
import io.gitedge.sync.ReadFreshness;
import io.gitedge.sync.SyncPlan;
import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import org.eclipse.jgit.errors.PackProtocolException;
import org.eclipse.jgit.lib.Config;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.pack.PackConfig;
import org.eclipse.jgit.transport.GitProtocolConstants;
import org.eclipse.jgit.transport.PacketLineOut;
import org.eclipse.jgit.transport.PreUploadHook;
import org.eclipse.jgit.transport.RefAdvertiser.PacketLineOutRefAdvertiser;
import org.eclipse.jgit.transport.ServiceMayNotContinueException;
import org.eclipse.jgit.transport.TransferConfig;
import org.eclipse.jgit.transport.UploadPack;
import org.eclipse.jgit.transport.UploadPack.ReachableCommitRequestValidator;
import org.eclipse.jgit.transport.UploadPack.RequestValidator;
import org.eclipse.jgit.transport.UploadPackInternalServerErrorException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one read-only {@link UploadPack} configuration every front door serves with, so HTTPS and
 * SSH behave alike: protocol v0 and v2, shallow fetches, partial clone filters
 * ({@code blob:none}, {@code blob:limit}, {@code tree:N}), and wants for any commit reachable from
 * a branch or tag (what {@code git submodule update} sends for a pinned commit).
 *
 * <p>A want for an object the mirror does not have yet (pushed a moment ago, a submodule pinned
 * to a fresh commit) waits, bounded, for a sync that starts after it ({@link ReadFreshness}), and
 * is then checked against the refs as they are after that sync. A mirror that is stale says so
 * when the pack starts, on git's progress channel ({@code remote: gitedge: mirror of ... last
 * synced 3m12s ago (upstream unreachable)}), or over SSH without progress, on stderr.
 *
 * <p>Transfer and pack settings come from this class, not from the mirror's or the service
 * account's git config, so a stray {@code ~/.gitconfig} cannot change what clients get. There is
 * no receive-pack counterpart: nothing in GitEdge can write to a mirror on a client's behalf.
 * Immutable and thread-safe; each request gets a fresh {@link UploadPack}.
 */
public final class UploadPackFactory {
  private static final Logger log = LoggerFactory.getLogger(UploadPackFactory.class);

  private final TransferConfig transferConfig;
  private final PackConfig packConfig;
  private final int timeoutSeconds;
  private final ReadFreshness freshness;
  private volatile byte[] v2Capabilities; // null until the first v2 advertisement

  public UploadPackFactory(Duration ioTimeout, ReadFreshness freshness) {
    Config c = new Config();
    c.setBoolean("uploadpack", null, "allowFilter", true);
    c.setBoolean("uploadpack", null, "allowReachableSHA1InWant", true);
    c.setString("protocol", null, "version", "2");
    this.transferConfig = new TransferConfig(c);
    this.packConfig = new PackConfig(c);
    this.timeoutSeconds = (int) Math.max(1, ioTimeout.toSeconds());
    this.freshness = freshness;
  }

  /**
   * A new UploadPack for {@code mirror}.
   *
   * @param protocolParameters the client's {@code Git-Protocol} header or {@code GIT_PROTOCOL}
   *     variable split on {@code :}, e.g. {@code [version=2]}; empty for protocol v0
   */
  public UploadPack create(ResolvedMirror mirror, List<String> protocolParameters) {
    return create(mirror.mirror().repository(), mirror.plan(), mirror.age(), protocolParameters);
  }

  /**
   * {@link #create(ResolvedMirror, List)} for a repository given apart from its plan: the same
   * settings and hooks over any repository (the upload-pack fuzz test's in-memory one).
   */
  UploadPack create(Repository repository, SyncPlan plan, MirrorAge age,
      List<String> protocolParameters) {
    UploadPack up = new UploadPack(repository);
    up.setTransferConfig(transferConfig);
    up.setPackConfig(packConfig);
    up.setTimeout(timeoutSeconds);
    up.setExtraParameters(protocolParameters);
    up.setRequestValidator(new WaitForMissingObjects(plan));
    if (age.stale()) {
      up.setPreUploadHook(new StaleNotice(age));
    }
    return up;
  }

  /**
   * The stateless advertisement a client asking with {@code protocolParameters} gets: for
   * protocol v2 only the capability list ({@code version 2}, {@code ls-refs}, {@code fetch=...}),
   * which depends on this factory's settings alone, never on a mirror or its refs; so it is
   * computed once and served from memory after that, without an {@link UploadPack} per
   * request. For v0 the ref advertisement of {@code mirror}, computed each time. The array
   * returned is shared: callers must not modify it.
   *
   * @param protocolParameters as for {@link #create}
   */
  byte[] advertisement(ResolvedMirror mirror, List<String> protocolParameters)
      throws IOException {
    byte[] cached = v2Capabilities;
    // JGit's own test (UploadPack.setExtraParameters): v2 when the parameters hold version=2
    boolean v2 = protocolParameters.contains(GitProtocolConstants.VERSION_2_REQUEST);
    if (v2 && cached != null) {
      return cached;
    }
    ByteArrayOutputStream buf = new ByteArrayOutputStream(v2 ? 128 : 4096);
    try (UploadPack up = create(mirror, protocolParameters)) {
      up.setBiDirectionalPipe(false);
      try {
        up.sendAdvertisedRefs(new PacketLineOutRefAdvertiser(new PacketLineOut(buf)),
            "git-upload-pack");
      } finally {
        up.getRevWalk().close();
      }
    }
    byte[] out = buf.toByteArray();
    if (v2 && isV2Capabilities(out)) {
      v2Capabilities = out; // the same bytes whichever request computes them first
    }
    return out;
  }

  /** Whether {@code advertisement} is v2's capability list (JGit chose v2, not v0). */
  private static boolean isV2Capabilities(byte[] advertisement) {
    byte[] first = "version 2".getBytes(StandardCharsets.US_ASCII);
    return advertisement.length >= 4 + first.length && Arrays.equals(advertisement, 4,
        4 + first.length, first, 0, first.length);
  }

  /**
   * An UploadPack with the same settings for a request of the gateway's own ({@link Warmup}):
   * protocol v2, stateless, no client to wait for or to tell about staleness.
   */
  UploadPack createForWarmup(Repository repo) {
    UploadPack up = new UploadPack(repo);
    up.setTransferConfig(transferConfig);
    up.setPackConfig(packConfig);
    up.setTimeout(timeoutSeconds);
    up.setExtraParameters(List.of("version=2"));
    up.setBiDirectionalPipe(false);
    return up;
  }

  /**
   * Wants outside the advertisement: if the mirror lacks any, wait for a newer sync; then check
   * reachability (from branches and tags) against the refs as they are now.
   */
  private final class WaitForMissingObjects implements RequestValidator {
    private final SyncPlan plan;

    WaitForMissingObjects(SyncPlan plan) {
      this.plan = plan;
    }

    @Override
    public void checkWants(UploadPack up, List<ObjectId> wants) throws IOException {
      if (!allPresent(up, wants)) {
        log.info("{}: a client wants objects the mirror lacks; syncing first", plan.name());
        freshness.awaitNewerSync(plan);
        up.setAdvertisedRefs(null); // the refs as they are after that sync
      }
      new ReachableCommitRequestValidator().checkWants(up, wants);
    }

    private static boolean allPresent(UploadPack up, Collection<ObjectId> wants)
        throws IOException {
      try (ObjectReader r = up.getRepository().newObjectReader()) {
        for (ObjectId id : wants) {
          if (!r.has(id)) {
            return false;
          }
        }
      }
      return true;
    }
  }

  /** Tells the client, as the pack starts, that what it gets may be behind its upstream. */
  private static final class StaleNotice implements PreUploadHook {
    private final MirrorAge age;

    StaleNotice(MirrorAge age) {
      this.age = age;
    }

    @Override
    public void onBeginNegotiateRound(UploadPack up, Collection<? extends ObjectId> wants,
        int cntOffered) {
    }

    @Override
    public void onEndNegotiateRound(UploadPack up, Collection<? extends ObjectId> wants,
        int cntCommon, int cntNotFound, boolean ready) {
    }

    @Override
    public void onSendPack(UploadPack up, Collection<? extends ObjectId> wants,
        Collection<? extends ObjectId> haves) throws ServiceMayNotContinueException {
      OutputStream msg = up.getMessageOutputStream();
      try {
        msg.write((age.notice() + "\n").getBytes(StandardCharsets.UTF_8));
        msg.flush();
      } catch (IOException e) {
        // the client is gone or took no messages; the pack will tell
      }
    }
  }

  /**
   * Runs {@code up} on a client's request, its lines checked on the way in ({@link RequestLines}:
   * a line JGit would fail on with an unchecked exception is refused as a protocol error).
   *
   * <p>JGit tells the client in-band about refusals it raises itself ({@code ERR <message>}), but
   * not about one raised by the request stream while JGit reads the first lines (a refusal of
   * {@link RequestLines}, a body over the size limit): the client would get an empty answer. When
   * nothing has been sent yet, the refusal is sent here as git's {@code ERR} line, which git
   * prints as {@code fatal: remote error: <message>}.
   *
   * @throws IOException as {@link UploadPack#upload} does
   */
  static void upload(UploadPack up, InputStream in, OutputStream out, OutputStream err)
      throws IOException {
    long[] sent = {0};
    OutputStream counted = new FilterOutputStream(out) {
      @Override
      public void write(int b) throws IOException {
        out.write(b);
        sent[0]++;
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
        sent[0] += len;
      }
    };
    try {
      up.upload(RequestLines.checked(in), counted, err);
    } catch (UploadPackInternalServerErrorException e) {
      if (e.getCause() instanceof PackProtocolException refusal && sent[0] == 0) {
        new PacketLineOut(out).writeString("ERR " + refusal.getMessage() + "\n");
        out.flush();
      }
      throw e;
    }
  }

  /** Splits a {@code Git-Protocol} value ({@code version=2:other}) into parameters. */
  public static List<String> protocolParameters(String header) {
    if (header == null || header.isBlank()) {
      return List.of();
    }
    return Arrays.stream(header.split(":")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }
}
