package io.gitedge.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** The machine and versions a figure was measured with, for BENCHMARKS.md. */
final class Machine {
  private Machine() {}

  static String describe() throws IOException, InterruptedException {
    String cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
        .filter(l -> l.startsWith("model name")).findFirst()
        .map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown CPU");
    return Runtime.getRuntime().availableProcessors() + " cores (" + cpu + "), Java "
        + System.getProperty("java.version") + ", " + version("git", "--version") + ", "
        + version("nginx", "-v").replace("nginx version: ", "") + ", "
        + version("ssh", "-V").replaceAll(",.*", "") + ", " + version("go", "version")
            .replace("go version ", "");
  }

  private static String version(String... cmd) throws IOException, InterruptedException {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String v = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      p.waitFor();
      return v;
    } catch (IOException e) {
      return cmd[0] + " not installed";
    }
  }
}
