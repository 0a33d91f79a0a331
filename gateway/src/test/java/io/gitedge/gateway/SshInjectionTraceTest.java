package io.gitedge.gateway;

import static io.gitedge.gateway.GatewayHarness.LIB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitedge.testing.ClientProcess;
import io.gitedge.testing.ProcessResult;
import io.gitedge.testing.Requires;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Catalogue row S05 with the row's own oracle: {@code strace -f} on the gateway's JVM while the
 * injection payloads arrive over SSH. The threads of the SSH door (MINA's I/O threads and the
 * gateway's command threads, told apart by their names in {@code /proc/<pid>/task/<tid>/comm})
 * run no {@code execve} and touch no path outside the gateway's data folder, except the JVM's
 * own class files; a legitimate {@code ls-remote} in the same trace shows those threads are the
 * ones that open the mirror, so the trace is looking at the right place.
 */
class SshInjectionTraceTest {
  private static final Pattern CALL = Pattern.compile(
      "^(\\d+)\\s+(execve|execveat|open|openat|creat|newfstatat|statx|stat|lstat|access"
          + "|faccessat2?|readlink|mkdir|unlink|rename)\\((?:AT_FDCWD, |\\d+, )?\"([^\"]*)\"");

  @TempDir Path dir;

  @Test
  void s05_injectedCommands_runNothing_andTouchNothingOutsideTheDataFolder() throws Exception {
    Requires.tools("strace");
    Path marker = dir.resolve("pwned");
    try (GatewayHarness gw = GatewayHarness.start(dir.resolve("gw"))) {
      long pid = ProcessHandle.current().pid();
      Path trace = dir.resolve("trace.txt");
      Path sync = dir.resolve("trace-started");
      Path payloadsStart = dir.resolve("payloads-start");
      Process strace = new ProcessBuilder("strace", "-f", "-qq", "-s", "4096", "-o",
          trace.toString(), "-e", "trace=execve,execveat,open,openat,creat,newfstatat,statx,"
              + "stat,lstat,access,faccessat,faccessat2,readlink,mkdir,unlink,rename",
          "-p", Long.toString(pid)).redirectErrorStream(true)
          .redirectOutput(dir.resolve("strace.out").toFile()).start();
      Map<String, String> doorThreads = new TreeMap<>();
      try {
        // wait until the trace sees this JVM: a file the test reads shows up in it
        boolean attached = false;
        for (int i = 0; i < 200 && !attached; i++) {
          Files.writeString(sync, "x");
          Files.readString(sync);
          attached = Files.exists(trace) && Files.readString(trace, StandardCharsets.ISO_8859_1)
              .contains(sync.toString());
          Thread.sleep(50);
        }
        Requires.that(attached, "strace could not attach to the test JVM (ptrace refused)");

        gw.clientWithSshKey("alice").git(dir, "ls-remote", gw.sshUrl(LIB)).assertOk();
        Thread.sleep(300);
        Files.readString(Files.writeString(payloadsStart, "x")); // marks the trace
        String[] payloads = {
            "git-upload-pack '../../x'",
            "git-upload-pack 'github.com/acme/lib.git;id'",
            "git-upload-pack --upload-pack='touch " + marker + "'",
            "git-upload-pack 'github.com/acme/lib.git'; touch " + marker,
            "git-upload-pack $(touch " + marker + ")",
            "git-upload-pack '/github.com/acme/../../../etc'",
            "git-upload-pack 'github.com/acme/lib.git/../../../../../../etc/passwd'",
            "git-upload-pack '~root/.ssh'",
            "id",
            "sh -c 'touch " + marker + "'",
        };
        List<String> base = List.of(gw.sshCommand(gw.key("alice")).split(" "));
        for (String p : payloads) {
          List<String> cmd = new ArrayList<>(base);
          cmd.addAll(List.of("-p", Integer.toString(gw.sshPort()), "git@127.0.0.1", p));
          ProcessResult r = ClientProcess.run(dir, ClientProcess.baseEnvironment(), cmd,
              new byte[0]);
          assertTrue(r.exitCode() != 0, "S05: " + p + " was not refused: " + r.describe());
        }
        Thread.sleep(500); // let the trace catch up
        for (Path task : Files.list(Path.of("/proc/" + pid + "/task")).toList()) {
          try {
            String comm = Files.readString(task.resolve("comm")).trim();
            if (comm.startsWith("gitedge-ssh") || comm.startsWith("sshd-")) {
              doorThreads.put(task.getFileName().toString(), comm);
            }
          } catch (java.io.IOException gone) {
            // the thread ended meanwhile
          }
        }
      } finally {
        strace.destroy();
        strace.waitFor(10, TimeUnit.SECONDS);
      }

      // the JVM's class path: classes and resources are looked up there on first use
      List<String> classPath = new ArrayList<>();
      for (String prop : List.of("java.class.path", "surefire.test.class.path")) {
        for (String e : System.getProperty(prop, "").split(java.io.File.pathSeparator)) {
          if (!e.isBlank()) {
            classPath.add(e);
          }
        }
      }
      String dataDir = gw.dataDir().toRealPath().toString();
      String javaHome = Path.of(System.getProperty("java.home")).toRealPath().toString();
      List<String> outside = new ArrayList<>();
      List<String> execs = new ArrayList<>();
      boolean sawMirror = false;
      String identityFile = dir.resolve("gw/identity.yaml").toString();
      boolean payloadWindow = false;
      for (String line : Files.readAllLines(trace, StandardCharsets.ISO_8859_1)) {
        payloadWindow |= line.contains(payloadsStart.toString());
        Matcher m = CALL.matcher(line);
        if (!m.find() || !doorThreads.containsKey(m.group(1))) {
          continue;
        }
        String path = m.group(3);
        if (!payloadWindow) {
          // the legitimate ls-remote: only to show these are the threads that serve
          sawMirror |= path.contains("github.com/acme/lib.git");
          continue;
        }
        if (m.group(2).startsWith("execve")) {
          execs.add(line);
        } else if (path.startsWith(dataDir) || path.startsWith(gw.dataDir().toString())
            || path.equals(identityFile)) {
          continue; // the mirrors, and the identity file the authenticator re-reads
        } else if (!(path.endsWith(".jar") || path.endsWith(".class")
            || classPath.stream().anyMatch(path::startsWith) || path.startsWith(javaHome)
            || path.startsWith("/proc/") || path.startsWith("/sys/")
            || path.equals("/dev/urandom") || path.equals("/dev/random") || path.isEmpty())) {
          outside.add(line);
        }
      }
      System.out.println("S05 trace figures: " + doorThreads.size() + " door threads traced, "
          + execs.size() + " execve, " + outside.size() + " paths outside the data folder");
      assertTrue(payloadWindow, "S05: the trace never reached the payloads");
      assertTrue(sawMirror, "S05: the trace never saw the SSH door open the mirror, so it"
          + " watched the wrong threads: " + doorThreads);
      assertEquals(List.of(), execs, "S05: the SSH door executed a program");
      if (!outside.isEmpty()) {
        Files.copy(trace, Path.of("target/s05-trace.txt"),
            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
      assertEquals(List.of(), outside.stream().map(l -> l.replaceAll("^\\d+ ", ""))
          .distinct().limit(40).toList(), "S05: the SSH door touched paths outside the data"
          + " folder (whole trace in target/s05-trace.txt)");
      assertFalse(Files.exists(marker), "S05: a payload ran a command");
    }
  }
}
