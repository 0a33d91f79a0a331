package io.gitedge.goproxy;

import java.io.IOException;
import java.util.List;
import org.eclipse.jgit.lib.Repository;

/**
 * One module in one Git repository, read by the rules of the go command's
 * {@code modfetch/coderepo.go}: the repository root is module path {@code repoPath}; the module
 * asked for is that path or one under it (a module in a subdirectory, tags {@code sub/v1.2.3}),
 * with a major version suffix kept in a {@code vN} subdirectory or on the repository's own
 * {@code go.mod} (a major branch). Reads the repository as it is at each call; thread-safe.
 */
public final class ModuleRepo {
  private ModuleRepo() {}

  /**
   * @param repository the repository (not closed by this)
   * @param repoPath the module path of the repository's root ({@code github.com/acme/lib})
   * @param modulePath the module asked for: {@code repoPath} or a path under it
   * @throws GoModuleException.Invalid when {@code modulePath} is no module path
   * @throws GoModuleException.NotFound when it does not lie under {@code repoPath}
   */
  public static ModuleRepo open(Repository repository, String repoPath, String modulePath)
      throws GoModuleException {
    throw new UnsupportedOperationException("not yet");
  }

  /** {@code @v/list}: the module's tagged versions, canonical, in semver order. */
  public List<String> versions() throws IOException {
    throw new UnsupportedOperationException("not yet");
  }

  /**
   * {@code @v/<query>.info}: a version, a pseudo-version, a branch, a tag or a commit hash
   * (prefix) resolved to its canonical version, as {@code go mod download module@query} does.
   *
   * @throws GoModuleException.NotFound when there is no such revision, or it is no version of
   *     this module (a pseudo-version that does not match its commit, a tag of another major)
   */
  public VersionInfo stat(String query) throws IOException, GoModuleException {
    throw new UnsupportedOperationException("not yet");
  }

  /**
   * {@code @latest}: the highest release, else the highest prerelease, else the pseudo-version
   * of the default branch's tip.
   */
  public VersionInfo latest() throws IOException, GoModuleException {
    throw new UnsupportedOperationException("not yet");
  }

  /**
   * A version named by {@code .mod} and {@code .zip} requests: only a canonical version (or a
   * valid pseudo-version) of this module is one.
   */
  public VersionInfo resolve(String version) throws IOException, GoModuleException {
    throw new UnsupportedOperationException("not yet");
  }

  /** {@code .mod}: the version's go.mod, or {@code module <path>\n} when it has none. */
  public byte[] goMod(VersionInfo version) throws IOException, GoModuleException {
    throw new UnsupportedOperationException("not yet");
  }

  /**
   * The files of the version's zip, before {@link ModuleZip}'s rules: the module directory's
   * files at the commit (paths relative to it), plus the repository root's {@code LICENSE} when
   * the module lies in a subdirectory without one, as the go command adds it.
   */
  public List<ModuleFile> files(VersionInfo version) throws IOException, GoModuleException {
    throw new UnsupportedOperationException("not yet");
  }

  /** The module path asked for. */
  public String modulePath() {
    throw new UnsupportedOperationException("not yet");
  }
}
