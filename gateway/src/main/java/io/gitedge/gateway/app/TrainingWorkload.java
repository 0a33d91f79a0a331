package io.gitedge.gateway.app;

import io.gitedge.auth.AccessToken;
import io.gitedge.keys.KeyMaterialException;
import io.gitedge.keys.TrustedCertificates;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The clients of {@code gitedge train}: what a day at the gateway looks like, in a few seconds.
 * With the {@code git} CLI on the PATH, real {@code git} over HTTPS (ref listings, mirror and
 * plain clones, the {@code --depth=1} tag fetches {@code go} makes into a shallow repository)
 * and over SSH when {@code ssh} is installed, and {@code go mod download} in direct mode and
 * through the module proxy when {@code go} is: real clients take the server's real paths
 * (protocol v2, keep-alive, sideband, the pack cache's miss and hit). Without {@code git}, the
 * JDK's HTTP client speaks protocol v2 itself (ref advertisement, {@code ls-refs},
 * {@code fetch}) and asks the module proxy for its files.
 *
 * <p>Every client runs with a HOME of its own in the training folder; the token reaches them
 * through that HOME's {@code .netrc}, as the demo tells users to do.
 */
final class TrainingWorkload {
  private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(60);
  private static final String MODULE_PREFIX = "github.com/acme";

  /** A client that ran and failed: training stops, and the launcher makes no cache. */
  static final class TrainingFailed extends Exception {
    private static final long serialVersionUID = 1L;

    TrainingFailed(String message) {
      super(message);
    }
  }

  private final Path dir;
  private final URI url;
  private final Path cert;
  private final AccessToken token;
  private final Optional<Integer> sshPort;
  private final Optional<Path> clientKey;
  private final Path home;
  private final List<String> clients = new ArrayList<>();
  private int runs;

  TrainingWorkload(Path dir, URI url, Path cert, AccessToken token, Optional<Integer> sshPort,
      Optional<Path> clientKey) throws IOException {
    this.dir = dir;
    this.url = url;
    this.cert = cert;
    this.token = token;
    this.sshPort = sshPort;
    this.clientKey = clientKey;
    this.home = Files.createDirectories(dir.resolve("home"));
    Path netrc = home.resolve(".netrc");
    Files.writeString(netrc, "machine " + url.getHost() + " login " + TrainCommand.USER
        + " password " + token.reveal() + "\n");
    Files.setPosixFilePermissions(netrc, PosixFilePermissions.fromString("rw-------"));
  }

  /**
   * An Ed25519 key for the SSH client, made by {@code ssh-keygen} when OpenSSH is installed
   * (the private key at the path returned, the public one beside it as {@code .pub}).
   */
  static Optional<Path> sshClientKey(Path dir) throws IOException {
    if (onPath("ssh").isEmpty() || onPath("ssh-keygen").isEmpty() || onPath("git").isEmpty()) {
      return Optional.empty();
    }
    Path key = dir.resolve("client_ed25519");
    try {
      Process p = new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C",
          "gitedge-train", "-f", key.toString()).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0 ? Optional.of(key)
          : Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  /** Runs {@code rounds} rounds; returns how many client runs or requests it made. */
  int run(int rounds) throws IOException, TrainingFailed {
    boolean git = onPath("git").isPresent();
    boolean go = onPath("go").isPresent();
    clients.add(git ? "git" : "JDK HTTP client");
    if (git && clientKey.isPresent() && sshPort.isPresent()) {
      clients.add("git over SSH");
    }
    if (go) {
      clients.add("go");
    }
    for (int round = 0; round < rounds; round++) {
      Path work = Files.createDirectories(dir.resolve("round-" + round));
      if (git) {
        gitRound(work);
      } else {
        httpRound();
      }
      if (go) {
        goRound(work, git);
      }
    }
    return runs;
  }

  String clients() {
    return String.join(", ", clients);
  }

  // ---- with the git CLI ----

  private void gitRound(Path work) throws IOException, TrainingFailed {
    String lib = url + "/" + MODULE_PREFIX + "/lib.git";
    String app = url + "/" + MODULE_PREFIX + "/app.git";
    run(work, "git", "ls-remote", lib);
    run(work, "git", "-c", "protocol.version=0", "ls-remote", app);
    run(work, "git", "clone", "-q", "--mirror", lib, "lib-mirror.git");
    run(work, "git", "clone", "-q", app, "app");
    // what go does per version: a shallow fetch of one tag into a repository holding others
    run(work, "git", "init", "-q", "--bare", "go.git");
    for (String tag : List.of("v1.0.0", "v1.1.0")) {
      run(work.resolve("go.git"), "git", "fetch", "-q", "--depth=1", lib,
          "refs/tags/" + tag + ":refs/tags/" + tag);
    }
    run(work.resolve("lib-mirror.git"), "git", "fetch", "-q", "origin");
    if (clientKey.isPresent() && sshPort.isPresent()) {
      run(work, "git", "clone", "-q", "--mirror", "ssh://" + TrainCommand.USER + "@"
          + url.getHost() + ":" + sshPort.get() + "/" + MODULE_PREFIX + "/lib.git",
          "lib-ssh.git");
    }
  }

  private void goRound(Path work, boolean git) throws IOException, TrainingFailed {
    Map<String, String> env = new HashMap<>();
    env.put("GOFLAGS", "-modcacherw");
    env.put("GOMODCACHE", work.resolve("modcache-proxy").toString());
    env.put("GOPROXY", url + "/goproxy");
    env.put("GONOSUMDB", MODULE_PREFIX);
    run(work, env, "go", "mod", "download", "-json", MODULE_PREFIX + "/lib@v1.1.0",
        MODULE_PREFIX + "/app@v1.0.0");
    if (git) {
      env.put("GOMODCACHE", work.resolve("modcache-direct").toString());
      env.put("GOPROXY", "direct");
      env.put("GOPRIVATE", MODULE_PREFIX);
      env.put("GIT_CONFIG_COUNT", "1");
      env.put("GIT_CONFIG_KEY_0", "url." + url + "/" + MODULE_PREFIX + "/.insteadOf");
      env.put("GIT_CONFIG_VALUE_0", "https://" + MODULE_PREFIX + "/");
      run(work, env, "go", "mod", "download", "-json", MODULE_PREFIX + "/lib@v1.0.0",
          MODULE_PREFIX + "/lib@v1.1.0", MODULE_PREFIX + "/app@v1.0.0");
    }
  }

  private void run(Path cwd, String... command) throws IOException, TrainingFailed {
    run(cwd, Map.of(), command);
  }

  private void run(Path cwd, Map<String, String> extra, String... command)
      throws IOException, TrainingFailed {
    ProcessBuilder pb = new ProcessBuilder(command).directory(cwd.toFile())
        .redirectErrorStream(true);
    Map<String, String> env = pb.environment();
    env.keySet().removeIf(k -> k.startsWith("GIT_") || k.startsWith("GO") || k.equals("SSH_AUTH_SOCK"));
    env.put("HOME", home.toString());
    env.put("XDG_CONFIG_HOME", home.resolve(".config").toString());
    env.put("GIT_CONFIG_NOSYSTEM", "1");
    env.put("GIT_TERMINAL_PROMPT", "0");
    env.put("GIT_SSL_CAINFO", cert.toString());
    env.put("SSL_CERT_FILE", cert.toString());
    env.put("GOTOOLCHAIN", "local");
    env.put("GOPATH", home.resolve("go").toString());
    env.put("GOCACHE", home.resolve("go-build").toString());
    clientKey.ifPresent(k -> env.put("GIT_SSH_COMMAND", "ssh -F /dev/null -i " + k
        + " -o IdentitiesOnly=yes -o BatchMode=yes -o StrictHostKeyChecking=no"
        + " -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR"));
    env.putAll(extra);
    Path output = Files.createTempFile(dir, "client-", ".out");
    pb.redirectOutput(output.toFile());
    Process p = pb.start();
    try {
      if (!p.waitFor(CLIENT_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new TrainingFailed(String.join(" ", command) + ": no answer in " + CLIENT_TIMEOUT);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new TrainingFailed("interrupted");
    }
    runs++;
    if (p.exitValue() != 0) {
      throw new TrainingFailed(String.join(" ", command) + " exited " + p.exitValue() + ": "
          + Files.readString(output, StandardCharsets.UTF_8).strip());
    }
  }

  // ---- without git: the JDK's HTTP client speaks protocol v2 ----

  private void httpRound() throws IOException, TrainingFailed {
    HttpClient http;
    try {
      http = HttpClient.newBuilder().sslContext(TrustedCertificates.sslContext(cert))
          .connectTimeout(CLIENT_TIMEOUT).build();
    } catch (KeyMaterialException e) {
      throw new TrainingFailed(e.getMessage());
    }
    String auth = "Basic " + Base64.getEncoder().encodeToString((TrainCommand.USER + ":"
        + token.reveal()).getBytes(StandardCharsets.UTF_8));
    for (String repo : List.of("lib", "app")) {
      String base = url + "/" + MODULE_PREFIX + "/" + repo + ".git";
      send(http, HttpRequest.newBuilder(URI.create(base + "/info/refs?service=git-upload-pack"))
          .header("Authorization", auth).header("Git-Protocol", "version=2").GET());
      String refs = send(http, v2(base, auth, "command=ls-refs\n", "peel\n", "symrefs\n",
          "ref-prefix refs/heads/\n", "ref-prefix refs/tags/\n"));
      List<String> wants = new ArrayList<>();
      for (String line : refs.split("\n")) {
        int at = line.indexOf(' ');
        if (at > 4 && line.length() >= 44) {
          wants.add("want " + line.substring(4, 44) + "\n");
        }
      }
      wants.add("ofs-delta\n");
      wants.add("done\n");
      send(http, v2(base, auth, "command=fetch\n", wants.toArray(String[]::new)));
    }
    send(http, HttpRequest.newBuilder(URI.create(url + "/goproxy/" + MODULE_PREFIX
        + "/lib/@v/list")).header("Authorization", auth).GET());
    send(http, HttpRequest.newBuilder(URI.create(url + "/goproxy/" + MODULE_PREFIX
        + "/lib/@v/v1.1.0.zip")).header("Authorization", auth).GET());
  }

  /** A protocol v2 request: the command, a delimiter, its arguments, a flush. */
  private static HttpRequest.Builder v2(String base, String auth, String command,
      String... arguments) {
    StringBuilder body = new StringBuilder(pkt(command)).append("0001");
    for (String a : arguments) {
      body.append(pkt(a));
    }
    body.append("0000");
    return HttpRequest.newBuilder(URI.create(base + "/git-upload-pack"))
        .header("Authorization", auth).header("Git-Protocol", "version=2")
        .header("Content-Type", "application/x-git-upload-pack-request")
        .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
  }

  private static String pkt(String line) {
    return String.format("%04x", line.length() + 4) + line;
  }

  private String send(HttpClient http, HttpRequest.Builder request)
      throws IOException, TrainingFailed {
    HttpRequest r = request.timeout(CLIENT_TIMEOUT).build();
    try {
      HttpResponse<byte[]> response = http.send(r, HttpResponse.BodyHandlers.ofByteArray());
      runs++;
      if (response.statusCode() != 200) {
        throw new TrainingFailed(r.method() + " " + r.uri() + ": " + response.statusCode());
      }
      return new String(response.body(), StandardCharsets.ISO_8859_1);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TrainingFailed("interrupted");
    }
  }

  private static Optional<Path> onPath(String tool) {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String d : path.split(File.pathSeparator)) {
      Path p = Path.of(d.isEmpty() ? "." : d, tool);
      if (Files.isExecutable(p)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }
}
