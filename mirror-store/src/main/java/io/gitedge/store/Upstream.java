package io.gitedge.store;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.X509TrustManager;

/**
 * Where one mirror is fetched from: the repository URL (https, http, ssh or file) and, when the
 * upstream needs them, credentials. A far region's upstream may be a nearer region's gateway (a
 * tier), with the origin as its {@code fallback}. Immutable.
 *
 * @param url the upstream repository URL, never containing credentials
 * @param credentials how to authenticate to it, if at all
 * @param trust the TLS trust for an {@code https} URL instead of the JVM's (a company CA, a
 *     nearer gateway's certificate)
 * @param fallback where to sync from when this upstream cannot be listed or fetched from (a
 *     tier that is down): tried right after, in the same sync
 * @param fleet the same repository in the other regions' gateways: a new mirror takes the
 *     fleet's tags from the first of them that has it, so that under immutable tags a region
 *     that mirrors a repository later serves the commit each tag had when the fleet first saw it
 */
public record Upstream(String url, Optional<Credentials> credentials, Optional<X509TrustManager> trust,
    Optional<Upstream> fallback, List<Upstream> fleet) {
  public Upstream {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(credentials, "credentials");
    Objects.requireNonNull(trust, "trust");
    Objects.requireNonNull(fallback, "fallback");
    fleet = List.copyOf(fleet);
  }

  /** An upstream with the JVM's TLS trust, no fallback and no fleet. */
  public Upstream(String url, Optional<Credentials> credentials) {
    this(url, credentials, Optional.empty(), Optional.empty(), List.of());
  }

  /** This upstream, with the other regions' gateways to take a new mirror's tags from. */
  public Upstream withFleet(List<Upstream> others) {
    return new Upstream(url, credentials, trust, fallback, others);
  }

  /** How the gateway authenticates to an upstream. Files are read at every sync. */
  public sealed interface Credentials permits Token, SshKey {}

  /**
   * HTTP Basic with a user name and a token read from a file as the password, so a rotated token
   * takes effect without a restart.
   */
  public record Token(String username, Path tokenFile) implements Credentials {
    public Token {
      Objects.requireNonNull(username, "username");
      Objects.requireNonNull(tokenFile, "tokenFile");
    }
  }

  /**
   * SSH public key authentication with an unencrypted OpenSSH or PEM private key, against a
   * server whose host key must be listed in {@code knownHostsFile} (unknown or changed host keys
   * fail the sync; nothing is ever added to the file).
   */
  public record SshKey(Path privateKeyFile, Path knownHostsFile) implements Credentials {
    public SshKey {
      Objects.requireNonNull(privateKeyFile, "privateKeyFile");
      Objects.requireNonNull(knownHostsFile, "knownHostsFile");
    }
  }

  @Override
  public String toString() {
    return url;
  }
}
