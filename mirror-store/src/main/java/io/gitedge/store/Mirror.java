package io.gitedge.store;

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

  @Override
  public String toString() {
    return "Mirror[" + name + "]";
  }
}
