package io.gitedge.gateway.app;

import org.eclipse.jgit.lib.Config;
import org.eclipse.jgit.storage.file.FileBasedConfig;
import org.eclipse.jgit.util.FS;
import org.eclipse.jgit.util.SystemReader;

/**
 * Keeps the service account's git configuration ({@code ~/.gitconfig}, the XDG one and
 * {@code /etc/gitconfig}) away from the gateway. JGit layers every repository's config on those
 * files, so a stray {@code http.sslVerify=false} or {@code http.extraHeader} there would silently
 * change how upstreams are fetched. Everything the gateway needs is in its own config file.
 * JGit's own {@code ~/.config/jgit/config} stays: it only caches measured file-system timing,
 * which otherwise costs seconds at every start.
 *
 * <p>JGit reads these files through the JVM-wide {@link SystemReader}; {@link #install()} is
 * therefore called once, from {@link Main}, and nowhere else.
 */
final class IsolatedGitConfig extends SystemReader.Delegate {
  IsolatedGitConfig(SystemReader delegate) {
    super(delegate);
  }

  static void install() {
    SystemReader.setInstance(new IsolatedGitConfig(SystemReader.getInstance()));
  }

  @Override
  public FileBasedConfig openUserConfig(Config parent, FS fs) {
    return empty(parent, fs);
  }

  @Override
  public FileBasedConfig openSystemConfig(Config parent, FS fs) {
    return empty(parent, fs);
  }

  private static FileBasedConfig empty(Config parent, FS fs) {
    return new FileBasedConfig(parent, null, fs) {
      @Override
      public void load() {
        // nothing to read
      }

      @Override
      public void save() {
        // nothing to write: JGit's own caches stay in memory
      }

      @Override
      public boolean isOutdated() {
        return false;
      }
    };
  }
}
