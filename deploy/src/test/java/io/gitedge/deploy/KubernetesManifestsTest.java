package io.gitedge.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.openshift.api.model.monitoring.v1.Endpoint;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import io.gitedge.gateway.config.GatewayConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code deploy/kubernetes/gitedge.yaml}: every object reads strictly into Kubernetes' own API
 * types, and the objects fit together as the API server cannot check: selectors select the pods,
 * ports and volumes named exist, the probes ask the gateway's health endpoints, the config in the
 * ConfigMap loads with the gateway's loader from where the pod mounts it, with the files of the
 * Secrets the header says to create, and it listens where the container's ports say.
 */
class KubernetesManifestsTest {
  private static final Path MANIFESTS = Shipped.deploy().resolve("kubernetes/gitedge.yaml");

  private static ConfigMap configMap;
  private static StatefulSet statefulSet;
  private static final List<Service> services = new ArrayList<>();
  private static PodDisruptionBudget budget;
  private static ServiceMonitor monitor;

  @BeforeAll
  static void readStrictly() throws Exception {
    for (JsonNode doc : StrictModel.documents(MANIFESTS)) {
      String kind = doc.path("apiVersion").asText() + " " + doc.path("kind").asText();
      switch (kind) {
        case "v1 ConfigMap" -> configMap = StrictModel.read(doc, ConfigMap.class);
        case "apps/v1 StatefulSet" -> statefulSet = StrictModel.read(doc, StatefulSet.class);
        case "v1 Service" -> services.add(StrictModel.read(doc, Service.class));
        case "policy/v1 PodDisruptionBudget" ->
            budget = StrictModel.read(doc, PodDisruptionBudget.class);
        case "monitoring.coreos.com/v1 ServiceMonitor" ->
            monitor = StrictModel.read(doc, ServiceMonitor.class);
        default -> throw new AssertionError("unexpected object: " + kind);
      }
    }
    assertNotNull(configMap, "no ConfigMap");
    assertNotNull(statefulSet, "no StatefulSet");
    assertNotNull(budget, "no PodDisruptionBudget");
    assertNotNull(monitor, "no ServiceMonitor");
  }

  @Test
  void aMisspeltFieldOrAWrongTypeIsCaught() throws Exception {
    JsonNode set = StrictModel.documents(MANIFESTS).stream()
        .filter(d -> d.path("kind").asText().equals("StatefulSet")).findFirst().orElseThrow();
    ObjectNode misspelt = set.deepCopy();
    ((ObjectNode) misspelt.path("spec")).put("replica", 2);
    AssertionError e = assertThrows(AssertionError.class,
        () -> StrictModel.read(misspelt, StatefulSet.class));
    assertTrue(e.getMessage().contains("StatefulSet gitedge.spec.replica"), e.getMessage());
    ObjectNode wrongType = set.deepCopy();
    ((ObjectNode) wrongType.path("spec")).put("replicas", "two");
    assertThrows(Exception.class, () -> StrictModel.read(wrongType, StatefulSet.class));
  }

  @Test
  void theServicesTheBudgetAndTheMonitorSelectTheGatewaysPods() {
    Map<String, String> pod = statefulSet.getSpec().getTemplate().getMetadata().getLabels();
    assertTrue(pod.entrySet().containsAll(
        statefulSet.getSpec().getSelector().getMatchLabels().entrySet()));
    for (Service s : services) {
      assertTrue(pod.entrySet().containsAll(s.getSpec().getSelector().entrySet()),
          s.getMetadata().getName() + " selects no gateway pod");
    }
    assertTrue(pod.entrySet().containsAll(budget.getSpec().getSelector().getMatchLabels()
        .entrySet()));
    assertEquals(1, budget.getSpec().getMaxUnavailable().getIntVal(),
        "drains take one replica at a time");
    assertTrue(statefulSet.getSpec().getReplicas() > 1,
        "with one replica the budget would block every drain");
    assertTrue(services.stream().anyMatch(s -> s.getMetadata().getName()
        .equals(statefulSet.getSpec().getServiceName())
        && "None".equals(s.getSpec().getClusterIP())), "the StatefulSet's headless service");
    Service scraped = services.stream().filter(s -> s.getMetadata().getLabels().entrySet()
        .containsAll(monitor.getSpec().getSelector().getMatchLabels().entrySet()))
        .findFirst().orElseThrow(() -> new AssertionError("the ServiceMonitor selects no Service"));
    Endpoint e = monitor.getSpec().getEndpoints().get(0);
    assertTrue(scraped.getSpec().getPorts().stream().anyMatch(p -> p.getName()
        .equals(e.getPort())), "the ServiceMonitor scrapes a port its Service does not have");
    assertEquals("/metrics", e.getPath());
    assertEquals("https", e.getScheme());
    assertTrue(secretsCreated().containsKey(e.getBearerTokenSecret().getName()),
        "the scrape token's Secret is not among those the header says to create");
  }

  @Test
  void portsProbesAndVolumesNamedExist() {
    PodSpec spec = statefulSet.getSpec().getTemplate().getSpec();
    Container gateway = gateway(spec);
    Set<String> ports = gateway.getPorts().stream().map(ContainerPort::getName)
        .collect(Collectors.toSet());
    for (Service s : services) {
      for (ServicePort p : s.getSpec().getPorts()) {
        assertTrue(ports.contains(p.getTargetPort().getStrVal()),
            s.getMetadata().getName() + " port " + p.getName() + " targets no container port");
      }
    }
    assertEquals(Set.of(443, 22), services.stream()
        .filter(s -> "LoadBalancer".equals(s.getSpec().getType()))
        .flatMap(s -> s.getSpec().getPorts().stream()).map(ServicePort::getPort)
        .collect(Collectors.toSet()), "clients reach 443 and 22");
    probe(gateway.getReadinessProbe(), "/readyz", ports);
    probe(gateway.getLivenessProbe(), "/healthz", ports);

    Set<String> volumes = new HashSet<>();
    spec.getVolumes().stream().map(Volume::getName).forEach(volumes::add);
    statefulSet.getSpec().getVolumeClaimTemplates()
        .forEach(c -> volumes.add(c.getMetadata().getName()));
    Stream.concat(spec.getInitContainers().stream(), spec.getContainers().stream())
        .flatMap(c -> c.getVolumeMounts().stream()).map(VolumeMount::getName)
        .forEach(v -> assertTrue(volumes.contains(v), "no volume " + v));
    for (Volume v : spec.getVolumes()) {
      if (v.getSecret() != null) {
        assertTrue(secretsCreated().containsKey(v.getSecret().getSecretName()),
            v.getSecret().getSecretName() + " is not among the Secrets the header creates");
      }
      if (v.getConfigMap() != null) {
        assertEquals(configMap.getMetadata().getName(), v.getConfigMap().getName());
      }
    }
  }

  @Test
  void thePodRunsAsNobodyOnAReadOnlyRoot() throws Exception {
    PodSpec spec = statefulSet.getSpec().getTemplate().getSpec();
    assertTrue(spec.getSecurityContext().getRunAsNonRoot());
    assertEquals(DockerfileTest.runtimeUser(), spec.getSecurityContext().getRunAsUser(),
        "the pod's user is not the image's");
    for (Container c : Stream.concat(spec.getInitContainers().stream(),
        spec.getContainers().stream()).toList()) {
      assertTrue(c.getSecurityContext().getReadOnlyRootFilesystem(), c.getName());
      assertFalse(c.getSecurityContext().getAllowPrivilegeEscalation(), c.getName());
      assertEquals(List.of("ALL"), c.getSecurityContext().getCapabilities().getDrop(),
          c.getName());
    }
    // the JVM writes its temporary files (Conscrypt's native library among them) to /tmp
    assertTrue(gateway(spec).getVolumeMounts().stream()
        .anyMatch(m -> m.getMountPath().equals("/tmp")), "no writable /tmp");
  }

  @Test
  void theConfigLoadsWhereThePodMountsItAndListensOnTheContainersPorts(@TempDir Path root)
      throws Exception {
    PodSpec spec = statefulSet.getSpec().getTemplate().getSpec();
    Container gateway = gateway(spec);
    List<String> args = gateway.getArgs();
    assertEquals("serve", args.get(0));
    Path configFile = Path.of(args.get(args.indexOf("--config") + 1));
    VolumeMount config = mount(gateway, "config");
    assertEquals(Path.of(config.getMountPath()), configFile.getParent());
    String yaml = configMap.getData().get(configFile.getFileName().toString());
    assertNotNull(yaml, "the ConfigMap has no " + configFile.getFileName());

    // the pod's file system under a temporary root: the Secret's files where it is mounted
    Path configDir = root.resolve(config.getMountPath().substring(1));
    Path secretsDir = root.resolve(mount(gateway, "secrets").getMountPath().substring(1));
    String secretName = spec.getVolumes().stream().filter(v -> v.getName().equals("secrets"))
        .findFirst().orElseThrow().getSecret().getSecretName();
    List<String> files = secretsCreated().get(secretName).stream()
        .map(f -> configDir.relativize(secretsDir.resolve(f)).toString()).toList();
    GatewayConfig loaded = Shipped.load(yaml, configDir, configFile.getFileName().toString(),
        files);

    assertEquals(port(gateway, "https"), loaded.http().listenPort());
    assertEquals(port(gateway, "ssh"), loaded.ssh().orElseThrow().listenPort());
    assertEquals("0.0.0.0", loaded.http().listenHost(), "a pod must listen on its address");
    assertEquals(Path.of(mount(gateway, "data").getMountPath()), loaded.dataDir());
    long grace = spec.getTerminationGracePeriodSeconds();
    assertTrue(grace >= loaded.shutdown().drainTimeout().toSeconds() + 10,
        "terminationGracePeriodSeconds " + grace + " cuts the drain ("
            + loaded.shutdown().drainTimeout() + ") short");
  }

  /** The files of each Secret the manifest's header says to create, by Secret. */
  private static Map<String, List<String>> secretsCreated() {
    String header;
    try {
      header = Files.readAllLines(MANIFESTS).stream().takeWhile(l -> l.startsWith("#"))
          .map(l -> l.substring(1).strip()).collect(Collectors.joining(" "))
          .replace("\\ ", " ");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    Map<String, List<String>> out = new java.util.LinkedHashMap<>();
    Matcher m = Pattern.compile("kubectl create secret generic (\\S+)((?:\\s+--from-\\S+)+)")
        .matcher(header);
    while (m.find()) {
      Set<String> keys = new LinkedHashSet<>();
      Matcher f = Pattern.compile("--from-(?:file|literal)=([^= ]+)").matcher(m.group(2));
      while (f.find()) {
        keys.add(f.group(1));
      }
      out.put(m.group(1), List.copyOf(keys));
    }
    return out;
  }

  private static Container gateway(PodSpec spec) {
    return spec.getContainers().stream().filter(c -> c.getName().equals("gitedge")).findFirst()
        .orElseThrow();
  }

  private static VolumeMount mount(Container c, String volume) {
    return c.getVolumeMounts().stream().filter(m -> m.getName().equals(volume)).findFirst()
        .orElseThrow(() -> new AssertionError(c.getName() + " does not mount " + volume));
  }

  private static int port(Container c, String name) {
    return c.getPorts().stream().filter(p -> p.getName().equals(name)).findFirst()
        .orElseThrow().getContainerPort();
  }

  private static void probe(Probe probe, String path, Set<String> ports) {
    assertNotNull(probe, "no probe for " + path);
    assertEquals(path, probe.getHttpGet().getPath());
    assertEquals("HTTPS", probe.getHttpGet().getScheme());
    IntOrString port = probe.getHttpGet().getPort();
    assertTrue(ports.contains(port.getStrVal()), path + " probes port " + port);
  }
}
