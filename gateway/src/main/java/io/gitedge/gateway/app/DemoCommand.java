package io.gitedge.gateway.app;

import io.gitedge.auth.AccessToken;
import io.gitedge.auth.IdentityFile;
import io.gitedge.config.ConfigException;
import io.gitedge.gateway.config.ConfigLoader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.List;
import java.util.stream.Stream;

/**
 * {@code gitedge demo}: a complete gateway on this machine with nothing but Java: a sample
 * upstream, a config, a user with a token, the gateway itself, and the exact lines to paste to
 * clone and {@code go get} through it.
 *
 * <p>Everything lives in one folder (default {@code ./gitedge-demo}), marked as the demo's own.
 * Running the demo again reuses the folder, its certificate and its token, so lines pasted
 * earlier keep working.
 */
final class DemoCommand {
  static final String MARKER = ".gitedge-demo";
  static final String USER = "demo";
  private static final String DEFAULT_DIR = "gitedge-demo";
  private static final String DEFAULT_LISTEN = "127.0.0.1:8443";

  private final Path dir;
  private final String listen;

  private DemoCommand(Path dir, String listen) {
    this.dir = dir;
    this.listen = listen;
  }

  static Cli.Command command() {
    return Cli.Command.of("demo",
        List.of("Run a gateway on a built-in sample upstream and print how to use it."),
        List.of(Cli.Option.of("--dir", "DIR", "Folder for the demo's upstream, config and data"
                + " (default: " + DEFAULT_DIR + ")."),
            Cli.Option.of("--listen", "HOST:PORT", "Address to serve HTTPS on; port 0 picks a"
                + " free one (default: " + DEFAULT_LISTEN + ").")),
        args -> new DemoCommand(Path.of(args.get("--dir").orElse(DEFAULT_DIR)),
            args.get("--listen").orElse(DEFAULT_LISTEN)).run(args.out(), args.err()));
  }

  private int run(PrintStream out, PrintStream err) {
    try {
      Path root = prepare(dir.toAbsolutePath().normalize());
      AccessToken token = token(root);
      Path config = writeConfig(root);
      GatewayApp app = GatewayApp.start(ConfigLoader.load(config));
      printInstructions(out, root, config, app, token);
      ServeCommand.runUntilStopped(app);
      return 0;
    } catch (DemoException | IOException e) {
      err.println("gitedge: " + e.getMessage());
      return 2;
    } catch (ConfigException | StartupException e) {
      err.println("gitedge: " + e.getMessage());
      return 2;
    }
  }

  private static final class DemoException extends Exception {
    private static final long serialVersionUID = 1L;

    DemoException(String m) {
      super(m);
    }
  }

  private static Path prepare(Path root) throws IOException, DemoException {
    if (Files.isDirectory(root) && !Files.exists(root.resolve(MARKER))) {
      try (Stream<Path> s = Files.list(root)) {
        if (s.findAny().isPresent()) {
          throw new DemoException(root + " exists and is not a GitEdge demo folder; pick"
              + " another with --dir");
        }
      }
    }
    Files.createDirectories(root);
    Files.writeString(root.resolve(MARKER), "created by ./gitedge demo\n");
    DemoUpstream.create(root.resolve("upstream"));
    return root;
  }

  /** The demo user's token: made once, kept in the folder so later runs print the same one. */
  private static AccessToken token(Path root) throws IOException, ConfigException {
    Path saved = root.resolve("demo.token");
    if (Files.exists(saved)) {
      return AccessToken.of(Files.readString(saved, StandardCharsets.UTF_8).strip());
    }
    AccessToken t = AccessToken.generate();
    IdentityFile.addToken(root.resolve("identity.yaml"), USER, Set.of("eng"), t.hash());
    Files.writeString(Files.createFile(saved,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))),
        t.reveal() + "\n");
    return t;
  }

  private Path writeConfig(Path root) throws IOException {
    Path config = root.resolve("gitedge.yaml");
    String upstream = root.resolve("upstream").resolve("acme").toUri().toString()
        .replaceAll("/$", "");
    Files.writeString(config, """
        # Written by ./gitedge demo. The full reference of every key is in the README.
        region: demo
        dataDir: ./data
        http:
          listen: %s
        identity:
          file: identity.yaml
        access:
          anonymousRead: false
          rules:
            - repos: "github.com/acme/**"
              groups: [eng]
        upstreams:
          - prefix: github.com/acme
            url: %s
            repos: [lib, app]
            syncInterval: 1m
        """.formatted(listen, upstream));
    return config;
  }

  private static void printInstructions(PrintStream out, Path root, Path config, GatewayApp app,
      AccessToken token) {
    String url = app.publicUrl().toString();
    String host = app.publicUrl().getHost();
    String cert = app.tlsCertificate().orElseThrow().toString();
    out.println();
    out.println("GitEdge demo (region demo) is serving " + url);
    out.println("  upstream  " + root.resolve("upstream/acme")
        + "/{lib,app}.git, mirrored as github.com/acme/lib and github.com/acme/app");
    out.println("  user      " + USER + " (group eng); its token is stored in "
        + root.resolve("identity.yaml") + " only as a SHA-256 hash");
    out.println("  config    " + config);
    out.println();
    out.println("Paste these lines into another shell. They trust the demo's self-signed"
        + " certificate in that shell, add the token to ~/.netrc and route github.com/acme"
        + " through the gateway in ~/.gitconfig (the README says how to undo it):");
    out.println();
    out.println("export GIT_SSL_CAINFO=" + cert + " SSL_CERT_FILE=" + cert);
    out.println("printf 'machine " + host + " login " + USER + " password " + token.reveal()
        + "\\n' >> ~/.netrc && chmod 600 ~/.netrc");
    out.println("git clone " + url + "/github.com/acme/lib.git \"$(mktemp -d)/lib\"");
    out.println("git config --global url.\"" + url + "/github.com/acme/\".insteadOf"
        + " \"https://github.com/acme/\"");
    out.println("cd \"$(mktemp -d)\" && go mod init example.com/try"
        + " && GOPRIVATE=github.com/acme GOPROXY=direct GOFLAGS=-mod=mod"
        + " go get github.com/acme/app@v1.0.0 && GOPRIVATE=github.com/acme GOPROXY=direct"
        + " go mod download -json github.com/acme/lib@v1.0.0 && cat go.sum");
    out.println("cd \"$(mktemp -d)\" && GOPROXY=" + url + "/goproxy GONOSUMDB=github.com/acme"
        + " GOMODCACHE=\"$PWD/modcache\" GOFLAGS=-modcacherw"
        + " go mod download -json github.com/acme/lib@v1.1.0");
    out.println();
    out.println("Press Ctrl-C to stop the gateway.");
    out.flush();
  }
}
