package io.gitedge.gateway.app;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitedge.testing.Requires;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class StartupTimelineTest {
  /**
   * The process's age from {@code /proc} agrees with the JVM's own uptime, which starts a few
   * milliseconds after the process: the start of a gateway's {@code ready in} line is right to
   * the clock tick, not the second (the JDK's process start time is off by up to a second).
   */
  @Test
  void theProcessAgeIsTheJvmsUptimeToTheClockTick() {
    Requires.that(Files.isReadable(Path.of("/proc/self/stat")), "no /proc (not Linux)");
    long jvm = ManagementFactory.getRuntimeMXBean().getUptime();
    long age = StartupTimeline.processAgeMillis().orElseThrow();
    long jvmAfter = ManagementFactory.getRuntimeMXBean().getUptime();
    assertTrue(age >= jvm - 20 && age <= jvmAfter + 200,
        "process age " + age + " ms, JVM uptime " + jvm + "-" + jvmAfter + " ms");
  }
}
