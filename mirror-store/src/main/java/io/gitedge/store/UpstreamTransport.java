package io.gitedge.store;

import java.io.IOException;
import java.io.InputStream;
import java.net.Proxy;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.config.keys.FilePasswordProvider;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.eclipse.jgit.errors.NotSupportedException;
import org.eclipse.jgit.errors.TransportException;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.HttpTransport;
import org.eclipse.jgit.transport.SshTransport;
import org.eclipse.jgit.transport.Transport;
import org.eclipse.jgit.transport.TransportHttp;
import org.eclipse.jgit.transport.URIish;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;
import org.eclipse.jgit.transport.http.HttpConnection;
import org.eclipse.jgit.transport.http.HttpConnectionFactory;
import org.eclipse.jgit.transport.http.JDKHttpConnectionFactory;
import org.eclipse.jgit.transport.sshd.SshdSessionFactory;
import org.eclipse.jgit.transport.sshd.SshdSessionFactoryBuilder;

/**
 * A JGit {@link Transport} to one upstream, set up with that upstream's credentials and nothing
 * of the machine's own: an HTTP token read from its file, or for {@code ssh://} an SSH key and a
 * known-hosts file, with no {@code ~/.ssh/config}, no agent and no default keys. Closing it
 * closes the SSH client too.
 */
final class UpstreamTransport implements AutoCloseable {
  private final Transport transport;
  private final SshdSessionFactory ssh;
  private final DeadlineConnections http;

  private UpstreamTransport(Transport transport, SshdSessionFactory ssh,
      DeadlineConnections http) {
    this.transport = transport;
    this.ssh = ssh;
    this.http = http;
  }

  /**
   * @param local the mirror, or null to only list the upstream's refs
   * @param timeout how long a connection may stay silent
   * @param deadline when the sync must be done with the upstream (HTTP(S) upstreams; over SSH
   *     only {@code timeout} applies)
   * @param progress counts the bytes read from an HTTP(S) or SSH upstream
   */
  static UpstreamTransport open(Repository local, Upstream upstream, Duration timeout,
      FetchDeadline deadline, SyncTracker progress) throws SyncFailedException {
    Transport t;
    try {
      URIish url = new URIish(upstream.url());
      t = local == null ? Transport.open(url) : Transport.open(local, url);
    } catch (URISyntaxException e) {
      throw new SyncFailedException("not a usable upstream URL: " + upstream.url(), e);
    } catch (NotSupportedException | TransportException e) {
      throw new SyncFailedException("cannot reach " + upstream.url() + ": " + e.getMessage(), e);
    }
    t.setTimeout((int) Math.max(1, timeout.toSeconds()));
    SshdSessionFactory ssh = null;
    DeadlineConnections bounded = null;
    try {
      Upstream.Credentials c = upstream.credentials().orElse(null);
      if (t instanceof SshTransport st) {
        if (!(c instanceof Upstream.SshKey key)) {
          throw new SyncFailedException("upstream " + upstream.url()
              + " is reached over SSH and needs an SSH key and a known_hosts file");
        }
        ssh = sessionFactory(key);
        st.setSshSessionFactory(new CountingSshSessions(ssh, progress));
      } else if (c instanceof Upstream.Token token) {
        String secret = readToken(token);
        t.setCredentialsProvider(new UsernamePasswordCredentialsProvider(token.username(),
            secret));
        if (t instanceof TransportHttp http) {
          // sent up front: JGit otherwise asks without, and after the 401 opens a new
          // connection (a TCP and TLS handshake more per listing and per fetch, 0.4 s on a
          // 150 ms link to a nearer region's gateway)
          http.setAdditionalHeaders(Map.of("Authorization", "Basic " + Base64.getEncoder()
              .encodeToString((token.username() + ":" + secret)
                  .getBytes(StandardCharsets.UTF_8))));
        }
      } else if (c instanceof Upstream.SshKey) {
        throw new SyncFailedException("upstream " + upstream.url()
            + " is not an ssh:// URL but has an SSH key as credentials");
      }
      if (t instanceof TransportHttp http) {
        HttpConnectionFactory base = upstream.trust().isPresent()
            ? new TrustingConnections(upstream.trust().get())
            : HttpTransport.getConnectionFactory();
        bounded = new DeadlineConnections(base, deadline, progress);
        http.setHttpConnectionFactory(bounded);
      }
      return new UpstreamTransport(t, ssh, bounded);
    } catch (SyncFailedException | RuntimeException e) {
      t.close();
      if (bounded != null) {
        bounded.close();
      }
      if (ssh != null) {
        ssh.close();
      }
      throw e;
    }
  }

  /** JGit's HTTP connections, with TLS trusting exactly the upstream's own CAs. */
  private static final class TrustingConnections extends JDKHttpConnectionFactory {
    private final X509TrustManager trust;

    TrustingConnections(X509TrustManager trust) {
      this.trust = trust;
    }

    @Override
    public HttpConnection create(URL url, Proxy proxy) throws IOException {
      HttpConnection c = super.create(url, proxy);
      if ("https".equals(url.getProtocol())) {
        try {
          c.configure(null, new TrustManager[] {trust}, null);
        } catch (GeneralSecurityException e) {
          throw new IOException("cannot set up TLS for " + url + ": " + e.getMessage(), e);
        }
      }
      return c;
    }
  }

  Transport transport() {
    return transport;
  }

  private static SshdSessionFactory sessionFactory(Upstream.SshKey key)
      throws SyncFailedException {
    List<KeyPair> keys = readKey(key.privateKeyFile());
    if (!Files.isReadable(key.knownHostsFile())) {
      throw new SyncFailedException("known_hosts file not readable: " + key.knownHostsFile());
    }
    Path dir = key.privateKeyFile().toAbsolutePath().getParent();
    return new SshdSessionFactoryBuilder()
        .setHomeDirectory(dir.toFile())
        .setSshDirectory(dir.toFile())
        .setConfigFile(sshDir -> null)
        .setDefaultKeysProvider(sshDir -> keys)
        .setDefaultKnownHostsFiles(sshDir -> List.of(key.knownHostsFile()))
        .setPreferredAuthentications("publickey")
        .build(null);
  }

  private static List<KeyPair> readKey(Path file) throws SyncFailedException {
    try (InputStream in = Files.newInputStream(file)) {
      List<KeyPair> keys = new ArrayList<>();
      Iterable<KeyPair> loaded = SecurityUtils.loadKeyPairIdentities(null,
          NamedResource.ofName(file.toString()), in, FilePasswordProvider.EMPTY);
      if (loaded != null) {
        loaded.forEach(keys::add);
      }
      if (keys.isEmpty()) {
        throw new SyncFailedException("no private key in " + file);
      }
      return List.copyOf(keys);
    } catch (NoSuchFileException e) {
      throw new SyncFailedException("upstream SSH key not found: " + file);
    } catch (IOException | GeneralSecurityException e) {
      throw new SyncFailedException("cannot read upstream SSH key " + file
          + " (it must be unencrypted): " + e.getMessage(), e);
    }
  }

  private static String readToken(Upstream.Token c) throws SyncFailedException {
    try {
      String token = Files.readString(c.tokenFile(), StandardCharsets.UTF_8).strip();
      if (token.isEmpty()) {
        throw new SyncFailedException("upstream token file " + c.tokenFile() + " is empty");
      }
      return token;
    } catch (NoSuchFileException e) {
      throw new SyncFailedException("upstream token file not found: " + c.tokenFile());
    } catch (IOException e) {
      throw new SyncFailedException("cannot read upstream token file " + c.tokenFile() + ": "
          + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    transport.close();
    if (http != null) {
      http.close();
    }
    if (ssh != null) {
      ssh.close();
    }
  }
}
