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

/**
 * {@code gitedge keys --config FILE}: prints the SSH host keys as a ready {@code known_hosts}
 * file, each line preceded by a comment with the key's fingerprint. Generates the keys if the
 * gateway never ran, exactly as startup would.
 */
final class KeysCommand {
  private KeysCommand() {}

  static Cli.Command command() {
    return Cli.Command.of("keys",
        List.of("Print the SSH host keys as known_hosts lines (with their fingerprints as"
            + " comments).", "  ./gitedge keys --config gitedge.yaml >> ~/.ssh/known_hosts"),
        List.of(Cli.Option.of("--config,-c", "FILE", "The gateway config (YAML).").mandatory(),
            Cli.Option.of("--host", "NAME", "Host name clients use (default: the publicUrl"
                + " host, else the ssh listen host)."),
            Cli.Option.of("--port", "PORT", "SSH port clients use (default: the ssh listen"
                + " port).")),
        KeysCommand::run);
  }

  private static int run(Cli.Args args) {
    Path config = Path.of(args.get("--config").orElseThrow());
    String host = args.get("--host").orElse(null);
    Integer port;
    try {
      port = args.get("--port").map(Integer::valueOf).orElse(null);
    } catch (NumberFormatException e) {
      args.err().println("gitedge: --port: not a number: " + args.get("--port").get());
      return 2;
    }
    try {
      GatewayConfig c = ConfigLoader.load(config);
      if (c.ssh().isEmpty()) {
        args.err().println("gitedge: " + config + " has no ssh section; the SSH door is off");
        return 2;
      }
      SshConfig ssh = c.ssh().get();
      int p = port != null ? port : ssh.listenPort();
      if (p == 0) {
        args.err().println("gitedge: ssh.listen picks a free port (0); pass --port");
        return 2;
      }
      String h = host != null ? host : defaultHost(c, ssh);
      SshHostKeys keys = SshHostKeys.loadOrGenerate(c.keysDir());
      List<String> lines = keys.knownHostsLines(h, p);
      for (int i = 0; i < lines.size(); i++) {
        SshHostKeys.HostKey k = keys.keys().get(i);
        args.out().println("# " + k.type() + " " + k.fingerprint() + " (GitEdge, region "
            + c.region() + ")");
        args.out().println(lines.get(i));
      }
      return 0;
    } catch (ConfigException | KeyMaterialException e) {
      args.err().println("gitedge: " + e.getMessage());
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
