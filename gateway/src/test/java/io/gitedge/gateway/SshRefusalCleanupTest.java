package io.gitedge.gateway;

import static io.gitedge.gateway.GatewayHarness.LIB;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitedge.testing.ClientProcess;
import io.gitedge.testing.ProcessResult;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Catalogue row S04, the part the refusals themselves do not show: after every kind of refused
 * request (shell, pty, other commands, port and stdio forwarding, subsystems, receive-pack,
 * upload-archive) the gateway holds no connection, thread or file descriptor more than before,
 * and upload-pack with protocol v2 still works.
 */
class SshRefusalCleanupTest {
  @TempDir Path dir;

  private static int openFds() throws Exception {
    try (var fds = Files.list(Path.of("/proc/self/fd"))) {
      return (int) fds.count();
    }
  }

  /** Established TCP connections whose local end is the gateway's SSH port (/proc/net/tcp). */
  private static int sshConnections(int port) throws Exception {
    String hexPort = String.format(":%04X", port);
    int n = 0;
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      Path p = Path.of(table);
      if (!Files.exists(p)) {
        continue;
      }
      for (String line : Files.readAllLines(p)) {
        String[] f = line.trim().split("\\s+");
        // sl local_address rem_address st ...; st 01 is ESTABLISHED
        if (f.length > 3 && f[1].endsWith(hexPort) && f[3].equals("01")) {
          n++;
        }
      }
    }
    return n;
  }

  @Test
  void s04_refusedRequests_leaveNoConnectionThreadOrDescriptorBehind() throws Exception {
    try (GatewayHarness gw = GatewayHarness.start(dir)) {
      List<String> base = List.of(gw.sshCommand(gw.key("alice")).split(" "));
      List<List<String>> refused = List.of(
          List.of("git@127.0.0.1"),
          List.of("-tt", "git@127.0.0.1"),
          List.of("git@127.0.0.1", "id"),
          List.of("git@127.0.0.1", "scp", "-t", "/tmp"),
          List.of("-W", "127.0.0.1:22", "git@127.0.0.1"),
          List.of("-L", "0:127.0.0.1:22", "-o", "ExitOnForwardFailure=yes", "git@127.0.0.1",
              "id"),
          List.of("-R", "0:127.0.0.1:22", "-o", "ExitOnForwardFailure=yes", "-N",
              "git@127.0.0.1"),
          List.of("-s", "git@127.0.0.1", "sftp"),
          List.of("git@127.0.0.1", "git-receive-pack", "'github.com/acme/lib.git'"),
          List.of("git@127.0.0.1", "git-upload-archive", "'github.com/acme/lib.git'"));
      // one of each first, so that pools and caches the gateway keeps are counted as baseline
      Runnable battery = () -> {
        for (List<String> args : refused) {
          List<String> cmd = new ArrayList<>();
          cmd.add(base.get(0));
          int at = args.indexOf("git@127.0.0.1");
          cmd.addAll(args.subList(0, at));
          cmd.addAll(base.subList(1, base.size()));
          cmd.addAll(List.of("-p", Integer.toString(gw.sshPort())));
          cmd.addAll(args.subList(at, args.size()));
          ProcessResult r = ClientProcess.run(dir, ClientProcess.baseEnvironment(), cmd,
              new byte[0]);
          assertNotEquals(0, r.exitCode(), "S04: " + args + " was not refused: "
              + r.describe());
        }
      };
      battery.run();
      gw.clientWithSshKey("alice").git(dir, "ls-remote", gw.sshUrl(LIB)).assertOk();
      Thread.sleep(500);
      int threads = ManagementFactory.getThreadMXBean().getThreadCount();
      int fds = openFds();

      int rounds = io.gitedge.testing.TestScale.pick(1, 10);
      for (int round = 0; round < rounds; round++) {
        battery.run();
      }

      int connections = -1;
      int threadsAfter = -1;
      int fdsAfter = -1;
      for (int i = 0; i < 100; i++) { // up to 10 s for sessions closing asynchronously
        connections = sshConnections(gw.sshPort());
        threadsAfter = ManagementFactory.getThreadMXBean().getThreadCount();
        fdsAfter = openFds();
        if (connections == 0 && threadsAfter <= threads + 2 && fdsAfter <= fds + 4) {
          break;
        }
        Thread.sleep(100);
      }
      System.out.printf("S04 figures: after %d refused requests: %d SSH connections open,"
          + " threads %d -> %d, fds %d -> %d%n", rounds * refused.size(), connections, threads,
          threadsAfter, fds, fdsAfter);
      assertTrue(connections == 0, "S04: " + connections + " SSH connections still open");
      assertTrue(threadsAfter <= threads + 2, "S04: threads grew from " + threads + " to "
          + threadsAfter);
      assertTrue(fdsAfter <= fds + 4, "S04: file descriptors grew from " + fds + " to "
          + fdsAfter);
      gw.clientWithSshKey("alice").git(dir, "-c", "protocol.version=2", "ls-remote",
          gw.sshUrl(LIB)).assertOk();
    }
  }
}
