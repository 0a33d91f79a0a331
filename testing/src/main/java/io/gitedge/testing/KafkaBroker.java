package io.gitedge.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

/**
 * A real Apache Kafka broker (the version the build names, in KRaft mode: one node that is both
 * broker and controller) in a child JVM on loopback, for tests of the fleet's event bus. A child
 * process, not an embedded server, so a test can stop it (an outage, as a client sees one: the
 * port refuses) and start it again on the same port and log folder, with every record and
 * committed offset kept.
 *
 * <p>{@link #start(Path)} formats a storage folder under {@code dir}, picks two free loopback
 * ports (clients, controller) and waits until the broker answers an admin request (about 5 to 15
 * seconds): share one broker per test class. Topics are not created automatically (as on most
 * production clusters): whoever publishes creates its topic. The broker logs warnings to
 * {@code dir/broker.log}; its JVM is killed with the test JVM. Not thread-safe.
 */
public final class KafkaBroker implements AutoCloseable {
  private static final Duration READY_WITHIN = Duration.ofSeconds(90);
  private static final Duration STOP_WITHIN = Duration.ofSeconds(30);

  private final Path dir;
  private final List<String> classpath;
  private final int port;
  private final Path config;
  private final Map<String, Integer> listenerPorts;
  private Process process;
  private final Thread killer = new Thread(this::kill, "kafka-broker-killer");

  private KafkaBroker(Path dir, List<String> classpath, int port, Path config,
      Map<String, Integer> listenerPorts) {
    this.dir = dir;
    this.listenerPorts = Map.copyOf(listenerPorts);
    this.classpath = classpath;
    this.port = port;
    this.config = config;
  }

  /** Formats a broker's storage under {@code dir}, starts it and waits until it answers. */
  public static KafkaBroker start(Path dir) {
    return start(dir, Map.of());
  }

  /**
   * {@link #start(Path)} with one more listener per entry of {@code advertised}: listener
   * {@code name} listens on a port of its own ({@link #listenerPort}) and tells its clients to
   * come back to {@code 127.0.0.1:<advertised port>}, so a region's clients can reach the broker
   * only through that region's shaped link.
   */
  public static KafkaBroker start(Path dir, Map<String, Integer> advertised) {
    try {
      Files.createDirectories(dir);
      int port = freePort();
      int controllerPort = freePort();
      StringBuilder listeners = new StringBuilder();
      StringBuilder advertisedListeners = new StringBuilder();
      StringBuilder protocols = new StringBuilder();
      Map<String, Integer> ports = new java.util.TreeMap<>();
      for (Map.Entry<String, Integer> a : advertised.entrySet()) {
        String name = a.getKey();
        int to = a.getValue();
        String listener = name.toUpperCase(java.util.Locale.ROOT);
        int p = freePort();
        ports.put(name, p);
        listeners.append(',').append(listener).append("://127.0.0.1:").append(p);
        advertisedListeners.append(',').append(listener).append("://127.0.0.1:").append(to);
        protocols.append(',').append(listener).append(":PLAINTEXT");
      }
      Path config = dir.resolve("server.properties");
      Files.writeString(config, """
          process.roles=broker,controller
          node.id=1
          controller.quorum.voters=1@127.0.0.1:%2$d
          listeners=PLAINTEXT://127.0.0.1:%1$d,CONTROLLER://127.0.0.1:%2$d%4$s
          advertised.listeners=PLAINTEXT://127.0.0.1:%1$d%5$s
          controller.listener.names=CONTROLLER
          inter.broker.listener.name=PLAINTEXT
          listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT%6$s
          log.dirs=%3$s
          num.partitions=2
          auto.create.topics.enable=false
          offsets.topic.replication.factor=1
          offsets.topic.num.partitions=1
          transaction.state.log.replication.factor=1
          transaction.state.log.min.isr=1
          transaction.state.log.num.partitions=1
          share.coordinator.state.topic.replication.factor=1
          share.coordinator.state.topic.min.isr=1
          group.initial.rebalance.delay.ms=0
          """.formatted(port, controllerPort, dir.resolve("logs"), listeners, advertisedListeners,
          protocols));
      Files.writeString(dir.resolve("log4j2.properties"), """
          rootLogger.level=WARN
          rootLogger.appenderRef.file.ref=file
          appender.file.type=File
          appender.file.name=file
          appender.file.fileName=%s
          appender.file.layout.type=PatternLayout
          appender.file.layout.pattern=%%d %%-5p [%%t] %%c{1} - %%m%%n
          """.formatted(dir.resolve("broker.log")));
      KafkaBroker b = new KafkaBroker(dir, classpath(), port, config, ports);
      b.run(List.of("kafka.tools.StorageTool", "format", "--cluster-id",
          Uuid.randomUuid().toString(), "--config", config.toString()));
      b.start();
      return b;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The port listener {@code name} of {@link #start(Path, Map)} listens on. */
  public int listenerPort(String name) {
    return listenerPorts.get(name);
  }

  /** {@code 127.0.0.1:<port>}, the same across {@link #stop} and {@link #start()}. */
  public String bootstrapServers() {
    return "127.0.0.1:" + port;
  }

  /**
   * Starts the broker again after {@link #stop} on the same port and log folder, and waits until
   * it answers.
   */
  public void start() {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException("the broker is running");
    }
    try {
      ProcessBuilder pb = new ProcessBuilder(java(List.of("kafka.Kafka", config.toString())))
          .directory(dir.toFile()).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("broker.out").toFile()));
      process = pb.start();
      Runtime.getRuntime().addShutdownHook(killer);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the Kafka broker", e);
    }
    long deadline = System.nanoTime() + READY_WITHIN.toNanos();
    while (true) {
      if (!process.isAlive()) {
        throw new IllegalStateException("the Kafka broker exited with " + process.exitValue()
            + ":\n" + tail());
      }
      try (Admin admin = admin()) {
        admin.describeCluster().nodes().get(5, TimeUnit.SECONDS);
        admin.listTopics().names().get(5, TimeUnit.SECONDS);
        return;
      } catch (Exception e) {
        if (System.nanoTime() > deadline) {
          kill();
          throw new IllegalStateException("the Kafka broker did not answer within "
              + READY_WITHIN + ":\n" + tail(), e);
        }
        sleep(200);
      }
    }
  }

  /**
   * Stops the broker the way an operator does (SIGTERM, a controlled shutdown), killing it if
   * it has not stopped within 30 s. Clients see refused connections until {@link #start()}.
   */
  public void stop() {
    if (process == null) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(STOP_WITHIN.toSeconds(), TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
    process = null;
    try {
      Runtime.getRuntime().removeShutdownHook(killer);
    } catch (IllegalStateException e) {
      // the JVM is shutting down: the hook runs anyway
    }
  }

  /** Deletes {@code topic} and waits until the broker no longer lists it. */
  public void deleteTopic(String topic) {
    try (Admin admin = admin()) {
      admin.deleteTopics(Set.of(topic)).all().get(30, TimeUnit.SECONDS);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (admin.listTopics().names().get(10, TimeUnit.SECONDS).contains(topic)) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("topic " + topic + " is still listed");
        }
        sleep(100);
      }
    } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("cannot delete topic " + topic, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The topics the broker has, internal ones aside. */
  public Set<String> topics() {
    try (Admin admin = admin()) {
      return admin.listTopics().names().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("cannot list topics", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** An admin client for this broker; the caller closes it. */
  public Admin admin() {
    return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000));
  }

  /** Stops the broker; its folder stays for the test's temporary folder to remove. */
  @Override
  public void close() {
    stop();
  }

  private void kill() {
    Process p = process;
    if (p != null) {
      p.destroyForcibly();
    }
  }

  /** Runs a Kafka tool to completion in the broker's folder. */
  private void run(List<String> mainAndArgs) throws IOException {
    Process p = new ProcessBuilder(java(mainAndArgs)).directory(dir.toFile())
        .redirectErrorStream(true).start();
    String out;
    try (InputStream in = p.getInputStream()) {
      out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    try {
      if (p.waitFor() != 0) {
        throw new IllegalStateException(mainAndArgs + " failed:\n" + out);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new IllegalStateException(e);
    }
  }

  private List<String> java(List<String> mainAndArgs) {
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        // a small broker on a shared two-core machine: quick to start, light on CPU
        "-Xms64m", "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-Dlog4j2.configurationFile=" + dir.resolve("log4j2.properties"),
        "-cp", String.join(java.io.File.pathSeparator, classpath)));
    cmd.addAll(mainAndArgs);
    return cmd;
  }

  private String tail() {
    StringBuilder s = new StringBuilder();
    for (String f : List.of("broker.out", "broker.log")) {
      try {
        List<String> lines = Files.readAllLines(dir.resolve(f));
        s.append("--- ").append(f).append('\n').append(String.join("\n",
            lines.subList(Math.max(0, lines.size() - 40), lines.size()))).append('\n');
      } catch (IOException e) {
        s.append("--- ").append(f).append(": ").append(e).append('\n');
      }
    }
    return s.toString();
  }

  /** The jars Maven resolved for the broker when it built this module. */
  private static List<String> classpath() throws IOException {
    try (InputStream in = KafkaBroker.class.getResourceAsStream("kafka-broker.classpath")) {
      if (in == null) {
        throw new IllegalStateException("kafka-broker.classpath is missing: build the testing"
            + " module with Maven (its dependency plugin writes it)");
      }
      return List.of(new String(in.readAllBytes(), StandardCharsets.UTF_8).trim()
          .split(java.io.File.pathSeparator));
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
