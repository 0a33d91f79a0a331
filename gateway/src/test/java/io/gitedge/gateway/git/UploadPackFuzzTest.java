package io.gitedge.gateway.git;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.gitedge.store.MirrorName;
import io.gitedge.store.MirrorStore;
import io.gitedge.store.StoreConfig;
import io.gitedge.store.Upstream;
import io.gitedge.sync.MirrorAge;
import io.gitedge.sync.ReadFreshness;
import io.gitedge.sync.SyncConfig;
import io.gitedge.sync.SyncListener;
import io.gitedge.sync.SyncPlan;
import io.gitedge.sync.SyncScheduler;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.eclipse.jgit.internal.storage.dfs.DfsRepositoryDescription;
import org.eclipse.jgit.internal.storage.dfs.InMemoryRepository;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.TagBuilder;
import org.eclipse.jgit.lib.TreeFormatter;
import org.eclipse.jgit.transport.UploadPack;
import org.eclipse.jgit.transport.UploadPackInternalServerErrorException;
import org.eclipse.jgit.transport.ServiceMayNotContinueException;

/**
 * Catalogue row F01: upload-pack request bytes, protocol v0 and v2, stateless (smart HTTP's
 * second request) and bidirectional (SSH), into JGit's {@link UploadPack} made and run by the
 * gateway's own {@link UploadPackFactory} (its transfer and pack settings, its want validator
 * that waits for a sync, its stale-mirror notice, its {@link RequestLines} check) over an
 * {@link InMemoryRepository} holding a small fixed history.
 *
 * <p>Property: upload-pack either answers or fails with an {@link IOException} that is the
 * client's doing ({@code PackProtocolException}, an early end of input, ...): never another
 * exception or error, and never an {@link UploadPackInternalServerErrorException} whose cause is
 * not an {@code IOException} (that is JGit reporting "internal server error" for a bug of its
 * own, which the gateway would log as a fault of ours). The response stays bounded.
 *
 * <p>Stored inputs: {@code src/test/resources/io/gitedge/gateway/git/UploadPackFuzzTestInputs/
 * f01_uploadPackRequest/}, hand-written pkt-line requests in the spirit of git's t5530
 * (upload-pack errors), t5701 (v2 server) and t5704 (malformed v2 requests): wants, haves,
 * shallow and filter lines, {@code ls-refs} with {@code ref-prefix}, malformed lengths, stray
 * delimiters, unknown commands and capabilities. Their {@code want}s name this fixture's commits,
 * whose ids are fixed because the history is built with fixed dates.
 */
class UploadPackFuzzTest {
  /** The whole history packs into a few KiB; a response far bigger means a runaway. */
  private static final int MAX_RESPONSE = 1 << 20;

  private static final Fixture FIXTURE = new Fixture();

  private enum Mode {
    HTTP_V0(List.of(), false, false),
    HTTP_V2(List.of("version=2"), false, false),
    SSH_V0(List.of(), true, true),
    SSH_V2(List.of("version=2"), true, true);

    final List<String> protocol;
    final boolean bidirectional;
    final boolean stale;

    Mode(List<String> protocol, boolean bidirectional, boolean stale) {
      this.protocol = protocol;
      this.bidirectional = bidirectional;
      this.stale = stale;
    }
  }

  @FuzzTest(maxDuration = "10m")
  void f01_uploadPackRequest(byte[] request) {
    for (Mode mode : Mode.values()) {
      serve(mode, request);
    }
  }

  private static void serve(Mode mode, byte[] request) {
    BoundedOutput out = new BoundedOutput();
    BoundedOutput err = new BoundedOutput();
    try (UploadPack up = FIXTURE.uploadPacks.create(FIXTURE.repo, FIXTURE.plan,
        mode.stale ? FIXTURE.staleAge : FIXTURE.freshAge, mode.protocol)) {
      up.setBiDirectionalPipe(mode.bidirectional);
      UploadPackFactory.upload(up, new ByteArrayInputStream(request), out,
          mode.bidirectional ? err : null);
    } catch (UploadPackInternalServerErrorException | ServiceMayNotContinueException e) {
      Throwable cause = e.getCause();
      if (cause != null && !(cause instanceof IOException)) {
        fail("F01: " + mode + " upload-pack failed with an internal error, not a protocol or"
            + " I/O one: " + cause, e);
      }
    } catch (IOException e) {
      // the client's malformed request or early end: answered in-band or by closing
    } catch (RuntimeException | Error e) {
      if (e instanceof AssertionError) {
        throw e;
      }
      fail("F01: " + mode + " upload-pack threw " + e + " for a client's request bytes", e);
    }
    assertTrue(out.count <= MAX_RESPONSE, "F01: " + mode + " response not bounded: "
        + out.count + " bytes for a " + request.length + "-byte request");
  }

  /** Counts what upload-pack writes and refuses (as a client that hangs up) past the bound. */
  private static final class BoundedOutput extends OutputStream {
    long count;

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      count += len;
      if (count > MAX_RESPONSE) {
        throw new IOException("response past " + MAX_RESPONSE + " bytes");
      }
    }
  }

  /**
   * The repository, its plan and the gateway's factory. The plan's upstream does not exist: a
   * request wanting an object the repository lacks makes the real scheduler try one sync, which
   * fails at once, and upload-pack then judges the wants against the refs as they are.
   */
  static final class Fixture {
    final InMemoryRepository repo = new InMemoryRepository(
        new DfsRepositoryDescription("fuzz"));
    final SyncPlan plan;
    final MirrorAge freshAge;
    final MirrorAge staleAge;
    final UploadPackFactory uploadPacks;
    final ObjectId main;
    final ObjectId topic;

    Fixture() {
      try {
        Path dir = Files.createTempDirectory("gitedge-f01-");
        MirrorName name = MirrorName.parse("example.com/fuzz/lib");
        Upstream upstream = new Upstream(dir.resolve("no-such-upstream.git").toUri().toString(),
            Optional.empty());
        plan = new SyncPlan(name, upstream, Duration.ofHours(1));
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        freshAge = new MirrorAge(upstream.url(), Optional.of(now), Optional.empty(), now);
        staleAge = new MirrorAge(upstream.url(), Optional.of(now.minusSeconds(192)),
            Optional.of("upstream unreachable"), now);
        MirrorStore store = MirrorStore.open(StoreConfig.defaults(dir.resolve("mirrors")));
        SyncScheduler scheduler = new SyncScheduler(store, List.of(plan), SyncConfig.DEFAULT,
            SyncListener.NONE, Clock.fixed(now, ZoneOffset.UTC));
        ReadFreshness freshness = new ReadFreshness(scheduler, store, Duration.ofSeconds(5),
            Clock.fixed(now, ZoneOffset.UTC));
        uploadPacks = new UploadPackFactory(Duration.ofMinutes(1), freshness);
        ObjectId[] tips = history();
        main = tips[0];
        topic = tips[1];
      } catch (Exception e) {
        throw new IllegalStateException("F01 fixture", e);
      }
    }

    /** main: three commits; topic: one more off the first; an annotated tag; HEAD -> main. */
    private ObjectId[] history() throws IOException {
      try (ObjectInserter ins = repo.newObjectInserter()) {
        ObjectId c1 = commit(ins, List.of(), "README.md", "lib\n", 1);
        ObjectId c2 = commit(ins, List.of(c1), "README.md", "lib, second\n", 2);
        ObjectId c3 = commit(ins, List.of(c2), "go.mod", "module example.com/fuzz/lib\n", 3);
        ObjectId t1 = commit(ins, List.of(c1), "TOPIC", "topic\n", 4);
        TagBuilder tag = new TagBuilder();
        tag.setObjectId(c2, Constants.OBJ_COMMIT);
        tag.setTag("v1.0.0");
        tag.setTagger(ident(5));
        tag.setMessage("v1.0.0\n");
        ObjectId tagId = ins.insert(tag);
        ins.flush();
        ref("refs/heads/main", c3);
        ref("refs/heads/topic", t1);
        ref("refs/tags/v1.0.0", tagId);
        RefUpdate head = repo.updateRef(Constants.HEAD);
        head.link("refs/heads/main");
        return new ObjectId[] {c3, t1};
      }
    }

    private static ObjectId commit(ObjectInserter ins, List<ObjectId> parents, String path,
        String content, int minute) throws IOException {
      ObjectId blob = ins.insert(Constants.OBJ_BLOB, content.getBytes(StandardCharsets.UTF_8));
      TreeFormatter tree = new TreeFormatter();
      tree.append(path, FileMode.REGULAR_FILE, blob);
      CommitBuilder c = new CommitBuilder();
      c.setTreeId(ins.insert(tree));
      c.setParentIds(parents);
      c.setAuthor(ident(minute));
      c.setCommitter(ident(minute));
      c.setMessage("commit " + minute + "\n");
      return ins.insert(c);
    }

    private static PersonIdent ident(int minute) {
      return new PersonIdent("Fuzz", "fuzz@example.com",
          Instant.parse("2026-01-01T00:00:00Z").plusSeconds(60L * minute), ZoneOffset.UTC);
    }

    private void ref(String name, ObjectId id) throws IOException {
      RefUpdate u = repo.updateRef(name);
      u.setNewObjectId(id);
      u.setForceUpdate(true);
      RefUpdate.Result r = u.update();
      if (r != RefUpdate.Result.NEW && r != RefUpdate.Result.FORCED) {
        throw new IOException(name + ": " + r);
      }
    }
  }
}
