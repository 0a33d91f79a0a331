package io.gitedge.gateway.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jgit.lib.Config;
import org.eclipse.jgit.storage.file.FileBasedConfig;
import org.eclipse.jgit.util.FS;
import org.eclipse.jgit.util.SystemReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IsolatedGitConfigTest {
  @TempDir Path home;

  @Test
  void theServiceAccountsGitConfig_isNotSeen() throws Exception {
    Files.writeString(home.resolve(".gitconfig"), "[http]\n\tsslVerify = false\n");
    SystemReader withHome = new SystemReader.Delegate(SystemReader.getInstance()) {
      @Override
      public String getenv(String name) {
        return "HOME".equals(name) ? home.toString() : super.getenv(name);
      }

      @Override
      public String getProperty(String key) {
        return "user.home".equals(key) ? home.toString() : super.getProperty(key);
      }
    };
    FS fs = FS.DETECTED.newInstance().setUserHome(home.toFile());
    FileBasedConfig plain = withHome.openUserConfig(null, fs);
    plain.load();
    assertEquals("false", plain.getString("http", null, "sslVerify"), "the fixture is read");

    IsolatedGitConfig isolated = new IsolatedGitConfig(withHome);
    for (FileBasedConfig c : new FileBasedConfig[] {isolated.openUserConfig(null, fs),
        isolated.openSystemConfig(null, fs)}) {
      c.load();
      assertNull(c.getString("http", null, "sslVerify"));
      assertEquals(new Config().toText(), c.toText());
      c.save();
    }
  }
}
