package io.gitedge.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.eclipse.jgit.errors.CorruptObjectException;
import org.eclipse.jgit.internal.JGitText;
import org.eclipse.jgit.internal.submodule.SubmoduleValidator;
import org.eclipse.jgit.lib.AnyObjectId;
import org.eclipse.jgit.lib.BlobObjectChecker;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.GitmoduleEntry;
import org.eclipse.jgit.lib.ObjectChecker;
import org.eclipse.jgit.lib.ObjectLoader;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.ProgressMonitor;

/**
 * Watches one fetch's objects as JGit's pack parser reads them: checks each (JGit's
 * {@link ObjectChecker}, with git's warning-level findings let through), counts them and their
 * uncompressed bytes, and stops the fetch at the first limit passed. JGit reports the stop as a
 * corrupt object or a cancelled download; {@link #exceeded()} says which limit it really was.
 * One instance per fetch; used from the fetching thread only.
 */
final class IngestCheck extends ObjectChecker {
  /**
   * Findings {@code git fsck} rates as warnings or infos (git's {@code fsck.h}): old, harmless
   * history has them, and {@code git fetch} with {@code fetch.fsckObjects} lets them in too.
   */
  private static final Set<ErrorType> GIT_WARNINGS = EnumSet.of(ErrorType.NULL_SHA1,
      ErrorType.ZERO_PADDED_FILEMODE, ErrorType.EMPTY_NAME, ErrorType.FULL_PATHNAME,
      ErrorType.GITMODULES_PARSE, ErrorType.BAD_UTF8, ErrorType.WIN32_BAD_NAME);
  // not among them, although git only warns: tree entries named ".", ".." or ".git" (in any
  // case). They are the shape of the checkout exploits (CVE-2014-9390 and kin) that clients
  // without the fix fall to, and the big hosts refuse them on push, so no honest upstream
  // has them: a mirror serving them to every client is worse than a mirror that stops syncing.

  /** git's own bound on a {@code .gitmodules} it will parse (fsck's gitmodulesLarge). */
  private static final int MAX_GITMODULES = 1 << 20;

  private final IngestLimits limits;
  private final BooleanSupplier aborted;
  private long objects;
  private long bytes;
  private String exceeded;

  /** @param aborted also stops the fetch, between two objects, once true */
  IngestCheck(IngestLimits limits, BooleanSupplier aborted) {
    this.limits = limits;
    this.aborted = aborted;
    setIgnore(GIT_WARNINGS);
  }

  /** Why the fetch was stopped, if a limit stopped it. */
  String exceeded() {
    return exceeded;
  }

  @Override
  public void check(AnyObjectId id, int objType, byte[] raw) throws CorruptObjectException {
    count(raw.length);
    if (objType != Constants.OBJ_BLOB && limits.checkObjects()) {
      super.check(id, objType, raw);
    }
  }

  @Override
  public BlobObjectChecker newBlobObjectChecker() {
    return new BlobObjectChecker() {
      private long size;

      @Override
      public void update(byte[] in, int offset, int len) {
        size += len;
      }

      @Override
      public void endBlob(AnyObjectId id) throws CorruptObjectException {
        count(size);
      }
    };
  }

  private void count(long size) throws CorruptObjectException {
    objects++;
    bytes += size;
    if (objects > limits.maxObjects()) {
      stop("more than " + limits.maxObjects() + " objects (sync.maxObjects)");
    }
    if (bytes > limits.maxBytes()) {
      stop("more than " + limits.maxBytes() + " bytes of objects (sync.maxObjectBytes)");
    }
  }

  private void stop(String why) throws CorruptObjectException {
    exceeded = why;
    throw new CorruptObjectException(why);
  }

  /**
   * Why a {@code .gitmodules} file the fetch brought is unsafe, as git's fsck rules it (a URL or
   * path starting with {@code -}, a name escaping the modules folder), or null if none is. Runs
   * once the pack is in: a tree names its {@code .gitmodules} blob, which may arrive after it.
   */
  String unsafeGitmodules(ObjectReader reader) throws IOException {
    if (!limits.checkObjects()) {
      return null;
    }
    for (GitmoduleEntry e : getGitsubmodules()) {
      ObjectLoader blob = reader.open(e.getBlobId(), Constants.OBJ_BLOB);
      if (blob.getSize() > MAX_GITMODULES) {
        return ".gitmodules " + e.getBlobId().name() + " is larger than " + MAX_GITMODULES
            + " bytes";
      }
      try {
        SubmoduleValidator.assertValidGitModulesFile(new String(blob.getCachedBytes(),
            StandardCharsets.UTF_8));
      } catch (SubmoduleValidator.SubmoduleValidationException bad) {
        return ".gitmodules " + e.getBlobId().name() + " in tree " + e.getTreeId().name()
            + ": " + bad.getMessage();
      }
    }
    return null;
  }

  /**
   * Refuses a pack whose header announces more objects than allowed, before reading them;
   * cancels the fetch once the store aborts its syncs; and tells {@code progress} how the fetch
   * goes.
   */
  ProgressMonitor monitor(SyncTracker progress) {
    return new ProgressMonitor() {
      @Override
      public void start(int totalTasks) {
      }

      @Override
      public void beginTask(String title, int totalWork) {
        progress.beginTask(title, totalWork);
        // other tasks pass through here too, among them the upstream's own progress messages
        if (JGitText.get().receivingObjects.equals(title) && totalWork > limits.maxObjects()
            && exceeded == null) {
          exceeded = "the upstream's pack announces " + totalWork + " objects, more than "
              + limits.maxObjects() + " (sync.maxObjects)";
        }
      }

      @Override
      public void update(int completed) {
        progress.update(completed);
      }

      @Override
      public void endTask() {
        progress.endTask();
      }

      @Override
      public boolean isCancelled() {
        return exceeded != null || aborted.getAsBoolean();
      }

      @Override
      public void showDuration(boolean enabled) {
      }
    };
  }
}
