package io.gitedge.store;

import java.io.IOException;
import java.util.Objects;
import org.eclipse.jgit.lib.Repository;

/**
 * An existing mirror: its name and the bare repository to serve from. The repository is shared
 * by every reader and owned by the store; callers must not close it. Thread-safe, as JGit
 * repositories are for reading.
 */
public final class Mirror {
  private final MirrorName name;
  private final Repository repository;

  Mirror(MirrorName name, Repository repository) {
    this.name = Objects.requireNonNull(name);
    this.repository = Objects.requireNonNull(repository);
  }

  public MirrorName name() {
    return name;
  }

  /** The bare repository; shared, read-only for callers, never to be closed by them. */
  public Repository repository() {
    return repository;
  }

  /**
   * Its branches and tags now (with their {@linkplain MirrorRefs#digest() digest}), read in one
   * pass: a sync applies its ref changes as one batch, so this is the state before a sync or
   * after it, never a mix.
   *
   * @throws IOException when the refs cannot be read from disk
   */
  public MirrorRefs refs() throws IOException {
    return MirrorRefs.read(repository);
  }

  @Override
  public String toString() {
    return "Mirror[" + name + "]";
  }
}
