package io.gitedge.gateway.app;

import io.gitedge.config.ConfigException;
import io.gitedge.gateway.config.ConfigLoader;
import io.gitedge.gateway.config.GatewayConfig;
import io.gitedge.gateway.config.SshConfig;
import io.gitedge.keys.KeyMaterialException;
import io.gitedge.keys.SshHostKeys;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code gitedge keys --config FILE}: prints the SSH host keys as a ready {@code known_hosts}
 * file, each line preceded by a comment with the key's fingerprint. Generates the keys if the
 * gateway never ran, exactly as startup would.
 */
@Command(name = "keys", mixinStandardHelpOptions = true,
    description = {"Print the SSH host keys as known_hosts lines (with their fingerprints as"
        + " comments).", "  ./gitedge keys --config gitedge.yaml >> ~/.ssh/known_hosts"})
final class KeysCommand implements Callable<Integer> {
  @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE",
      description = "The gateway config (YAML).")
  Path config;

  @Option(names = "--host", paramLabel = "NAME",
      description = "Host name clients use (default: the publicUrl host, else the ssh listen"
          + " host).")
  String host;

  @Option(names = "--port", paramLabel = "PORT",
      description = "SSH port clients use (default: the ssh listen port).")
  Integer port;

  @Override
  public Integer call() {
    try {
      GatewayConfig c = ConfigLoader.load(config);
      if (c.ssh().isEmpty()) {
        System.err.println("gitedge: " + config + " has no ssh section; the SSH door is off");
        return 2;
      }
      SshConfig ssh = c.ssh().get();
      int p = port != null ? port : ssh.listenPort();
      if (p == 0) {
        System.err.println("gitedge: ssh.listen picks a free port (0); pass --port");
        return 2;
      }
      String h = host != null ? host : defaultHost(c, ssh);
      SshHostKeys keys = SshHostKeys.loadOrGenerate(c.keysDir());
      List<String> lines = keys.knownHostsLines(h, p);
      for (int i = 0; i < lines.size(); i++) {
        SshHostKeys.HostKey k = keys.keys().get(i);
        System.out.println("# " + k.type() + " " + k.fingerprint() + " (GitEdge, region "
            + c.region() + ")");
        System.out.println(lines.get(i));
      }
      return 0;
    } catch (ConfigException | KeyMaterialException e) {
      System.err.println("gitedge: " + e.getMessage());
      return 2;
    }
  }

  private static String defaultHost(GatewayConfig c, SshConfig ssh) {
    String listen = ssh.listenHost();
    boolean wildcard = listen.equals("0.0.0.0") || listen.equals("::");
    return c.http().publicUrl().map(URI::getHost)
        .orElse(wildcard ? "localhost" : listen);
  }
}
