package io.gitedge.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An isolated user for real clients: its own {@code HOME} (with a {@code .gitconfig} and, when a
 * test writes one, a {@code .netrc}), its own Go caches, and an environment that starts empty, so
 * nothing from the machine's own configuration (CA bundles, credential helpers, proxies) takes
 * part. Values are immutable: {@link #with} returns a copy.
 *
 * <p>The machine exports {@code GIT_SSL_CAINFO}, {@code SSL_CERT_FILE} and {@code CURL_CA_BUNDLE},
 * which override git's own settings; they are left out here and set only by {@link #trusting}.
 */
public final class ClientHome {
  private final Path home;
  private final Map<String, String> env;

  private ClientHome(Path home, Map<String, String> env) {
    this.home = home;
    this.env = Map.copyOf(env);
  }

  /** Creates the folders and a neutral {@code .gitconfig} under {@code root}. */
  public static ClientHome create(Path root) {
    try {
      Path home = Files.createDirectories(root.resolve("home"));
      Files.writeString(home.resolve(".gitconfig"), """
          [user]
          \tname = GitEdge Test
          \temail = test@gitedge.invalid
          [init]
          \tdefaultBranch = main
          [advice]
          \tdetachedHead = false
          [protocol "file"]
          \tallow = always
          """);
      Map<String, String> env = ClientProcess.baseEnvironment();
      env.put("HOME", home.toString());
      env.put("XDG_CONFIG_HOME", home.resolve(".config").toString());
      env.put("GIT_CONFIG_NOSYSTEM", "1");
      env.put("GIT_TERMINAL_PROMPT", "0");
      env.put("GIT_ASKPASS", "");
      env.put("SSH_ASKPASS", "");
      env.put("GOPATH", root.resolve("gopath").toString());
      env.put("GOMODCACHE", root.resolve("gomodcache").toString());
      env.put("GOCACHE", root.resolve("gocache").toString());
      env.put("GOFLAGS", "-mod=mod -modcacherw");
      env.put("GOTOOLCHAIN", "local");
      env.put("GOTELEMETRY", "off");
      return new ClientHome(home, env);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A copy with {@code name=value} in the environment (an empty value removes the variable). */
  public ClientHome with(String name, String value) {
    Map<String, String> e = new LinkedHashMap<>(env);
    if (value == null || value.isEmpty()) {
      e.remove(name);
    } else {
      e.put(name, value);
    }
    return new ClientHome(home, e);
  }

  /** A copy that trusts {@code caFile} for HTTPS, in git (libcurl) and in Go. */
  public ClientHome trusting(Path caFile) {
    return with("GIT_SSL_CAINFO", caFile.toString()).with("SSL_CERT_FILE", caFile.toString());
  }

  public Path home() {
    return home;
  }

  public Map<String, String> environment() {
    return env;
  }

  /** Runs {@code git args...} in {@code dir}. */
  public ProcessResult git(Path dir, String... args) {
    return ClientProcess.run(dir, env, ClientProcess.concat("git", args), null);
  }

  /** Runs {@code go args...} in {@code dir}. */
  public ProcessResult go(Path dir, String... args) {
    return ClientProcess.run(dir, env, ClientProcess.concat("go", args), null);
  }

  /** Runs {@code script} with {@code bash -e} in {@code dir}. */
  public ProcessResult bash(Path dir, String script) {
    return ClientProcess.run(dir, env, List.of("bash", "-e", "-c", script), null);
  }

  /** Appends a {@code .netrc} entry (mode 0600), as a developer would for git and Go. */
  public void addNetrc(String host, String login, String password) {
    Path netrc = home.resolve(".netrc");
    try {
      if (!Files.exists(netrc)) {
        Files.createFile(netrc,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      }
      Files.writeString(netrc, "machine " + host + " login " + login + " password " + password
          + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Whether a program is on the PATH, for tests that skip where a client is not installed. */
  public static boolean installed(String program) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
        return true;
      }
    }
    return false;
  }
}
