package io.gitedge.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * OpenSSH's {@code sshd} on a loopback port, serving the real {@code git-upload-pack} to one
 * client key: an SSH upstream as Git hosts run it. Needs {@code /usr/sbin/sshd} (Debian's
 * openssh-server) and, as sshd insists, root to open the privilege-separation directory; tests
 * skip where {@link #available()} says no.
 */
public final class OpenSshServer implements AutoCloseable {
  private static final Path SSHD = Path.of("/usr/sbin/sshd");

  private final Process process;
  private final int port;
  private final Path hostPublicKey;
  private final Path clientKey;

  private OpenSshServer(Process process, int port, Path hostPublicKey, Path clientKey) {
    this.process = process;
    this.port = port;
    this.hostPublicKey = hostPublicKey;
    this.clientKey = clientKey;
  }

  /** Whether sshd can run here: installed, and this process is root. */
  /** Why {@link #available()} may say no, for {@link Requires#that(boolean, String)}. */
  public static final String NEEDS = "needs OpenSSH's sshd (/usr/sbin/sshd, openssh-server) and"
      + " root, as sshd's privilege separation does";

  public static boolean available() {
    return Files.isExecutable(SSHD) && "root".equals(System.getProperty("user.name"));
  }

  /** Starts sshd with fresh host and client keys in {@code dir}. */
  public static OpenSshServer start(Path dir) {
    try {
      Files.createDirectories(dir);
      Files.createDirectories(Path.of("/run/sshd"));
      Path hostKey = dir.resolve("ssh_host_ed25519_key");
      Path clientKey = dir.resolve("client_ed25519");
      keygen(hostKey);
      keygen(clientKey);
      Path authorized = dir.resolve("authorized_keys");
      Files.copy(Path.of(clientKey + ".pub"), authorized);
      int port;
      try (ServerSocket s = new ServerSocket(0)) {
        port = s.getLocalPort();
      }
      Path config = Files.writeString(dir.resolve("sshd_config"), String.join("\n",
          "Port " + port,
          "ListenAddress 127.0.0.1",
          "HostKey " + hostKey,
          "PidFile " + dir.resolve("sshd.pid"),
          "AuthorizedKeysFile " + authorized,
          "PubkeyAuthentication yes",
          "PasswordAuthentication no",
          "KbdInteractiveAuthentication no",
          "PermitRootLogin prohibit-password",
          "StrictModes no",
          "UsePAM no",
          "AcceptEnv GIT_PROTOCOL",
          "LogLevel ERROR",
          "") + "\n");
      Process p = new ProcessBuilder(SSHD.toString(), "-D", "-e", "-f", config.toString())
          .redirectErrorStream(true)
          .redirectOutput(dir.resolve("sshd.log").toFile())
          .start();
      awaitPort(port, p, dir);
      return new OpenSshServer(p, port, Path.of(hostKey + ".pub"), clientKey);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void keygen(Path key) {
    ClientProcess.run(key.getParent(), ClientProcess.baseEnvironment(), List.of("ssh-keygen",
        "-q", "-t", "ed25519", "-N", "", "-C", key.getFileName().toString(), "-f",
        key.toString()), null).assertOk();
  }

  private static void awaitPort(int port, Process p, Path dir) throws IOException {
    for (int i = 0; i < 100; i++) {
      if (!p.isAlive()) {
        throw new IllegalStateException("sshd exited: " + Files.readString(dir.resolve("sshd.log")));
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (IOException e) {
        try {
          Thread.sleep(50);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(ie);
        }
      }
    }
    throw new IllegalStateException("sshd did not listen on " + port);
  }

  public int port() {
    return port;
  }

  /** The user clients log in as: whoever runs the tests. */
  public String user() {
    return System.getProperty("user.name");
  }

  /** The private key the server accepts. */
  public Path clientKey() {
    return clientKey;
  }

  /** A {@code known_hosts} line for this server, in OpenSSH's {@code [host]:port} form. */
  public String knownHostsLine() {
    try {
      String[] pub = Files.readString(hostPublicKey).trim().split(" ");
      return "[127.0.0.1]:" + port + " " + pub[0] + " " + pub[1];
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The {@code ssh://} URL of an absolute path on this machine. */
  public String url(Path path) {
    return "ssh://" + user() + "@127.0.0.1:" + port + path.toAbsolutePath();
  }

  @Override
  public void close() {
    process.destroy();
    try {
      process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
