package io.gitedge.gateway.doctor;

import io.gitedge.gateway.config.GatewayConfig;
import io.gitedge.gateway.config.HttpConfig;
import io.gitedge.keys.KeyMaterialException;
import io.gitedge.keys.SshHostKeys;
import io.gitedge.keys.TlsCredentials;
import io.gitedge.keys.TlsKeys;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The gateway's keys, read the way it reads them at start ({@link TlsKeys#load},
 * {@link SshHostKeys#load}) but never generated: the TLS certificate and key (readable, matching,
 * not expired, warned {@link #EXPIRY_WARNING} ahead, naming the public host) and the SSH host
 * keys (readable, mode 0600 as sshd wants host keys). Keys the gateway would generate at its
 * first start are reported as such.
 */
final class KeysCheck {
  /** A certificate expiring sooner than this warns. */
  static final Duration EXPIRY_WARNING = Duration.ofDays(14);

  private final GatewayConfig config;
  private final Places places;

  private KeysCheck(GatewayConfig config) {
    this.config = config;
    this.places = new Places(config.origin());
  }

  static List<Outcome> check(GatewayConfig config) {
    KeysCheck k = new KeysCheck(config);
    List<Outcome> out = new ArrayList<>(k.tls());
    if (config.ssh().isPresent()) {
      out.add(k.sshHostKeys());
    }
    return out;
  }

  private List<Outcome> tls() {
    HttpConfig.Tls tls = config.http().tls();
    if (tls instanceof HttpConfig.Tls.Off) {
      return Outcome.one(Outcome.ok("TLS", "off (" + places.at("http.tls")
          + "): TLS ends in front of the gateway"));
    }
    Path cert;
    Path key;
    String where;
    if (tls instanceof HttpConfig.Tls.Files f) {
      cert = f.certFile();
      key = f.keyFile();
      where = places.at("http.tls.certFile") + " and http.tls.keyFile";
    } else {
      cert = config.keysDir().resolve(TlsKeys.CERT_FILE);
      key = config.keysDir().resolve(TlsKeys.KEY_FILE);
      where = "the generated pair in " + config.keysDir();
      if (!Files.exists(cert) && !Files.exists(key)) {
        return Outcome.one(Outcome.ok("TLS", "no certificate yet: the gateway generates a"
            + " self-signed one into " + config.keysDir() + " at its first start"));
      }
    }
    String subject = "TLS certificate " + cert;
    TlsCredentials c;
    try {
      c = TlsKeys.load(cert, key);
    } catch (KeyMaterialException e) {
      return Outcome.one(Outcome.fail(subject, e.getMessage() + " (" + where + ")"));
    }
    List<Outcome> out = new ArrayList<>();
    out.add(certificate(subject, c.certificate()));
    out.add(keyFileMode(key));
    return out;
  }

  private Outcome certificate(String subject, X509Certificate cert) {
    Instant notAfter = cert.getNotAfter().toInstant();
    Set<String> names = TlsKeys.subjectAltNames(cert);
    String about = cert.getSubjectX500Principal().getName() + ", names " + names
        + ", valid until " + notAfter;
    if (notAfter.isBefore(Instant.now().plus(EXPIRY_WARNING))) {
      return Outcome.warn(subject, about + ": expires within "
          + EXPIRY_WARNING.toDays() + " days; renew it");
    }
    String host = config.http().publicUrl().map(URI::getHost).orElse(null);
    if (host != null) {
      String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
      if (!names.contains(bare) && names.stream().noneMatch(n -> wildcard(n, bare))) {
        return Outcome.warn(subject, about + ": does not name " + bare + ", the host of "
            + places.at("http.publicUrl") + "; clients using that URL will refuse it");
      }
    }
    return Outcome.ok(subject, about + "; key matches");
  }

  private static boolean wildcard(String pattern, String host) {
    return pattern.startsWith("*.") && host.indexOf('.') > 0
        && host.substring(host.indexOf('.')).equalsIgnoreCase(pattern.substring(1));
  }

  private Outcome keyFileMode(Path key) {
    String subject = "TLS key " + key;
    Set<PosixFilePermission> perms = permissions(key);
    if (perms == null) {
      return Outcome.ok(subject, "readable (no POSIX modes here)");
    }
    if (perms.contains(PosixFilePermission.OTHERS_READ)) {
      return Outcome.fail(subject, "is readable by every local user (" + DataDirCheck.mode(key)
          + "): chmod 600 " + key + " (or 640 with a group the gateway's user is in)");
    }
    return Outcome.ok(subject, "readable by this user, mode " + DataDirCheck.mode(key));
  }

  private Outcome sshHostKeys() {
    Path dir = config.keysDir();
    String subject = "SSH host keys in " + dir;
    List<Path> files = SshHostKeys.fileNames().stream().map(dir::resolve).toList();
    if (files.stream().noneMatch(Files::exists)) {
      return Outcome.ok(subject, "none yet: the gateway generates them at its first start");
    }
    List<String> loose = new ArrayList<>();
    for (Path f : files) {
      Set<PosixFilePermission> perms = permissions(f);
      if (perms != null && perms.stream().anyMatch(p -> p.name().startsWith("GROUP")
          || p.name().startsWith("OTHERS"))) {
        loose.add(f + " (" + DataDirCheck.mode(f) + ")");
      }
    }
    SshHostKeys keys;
    try {
      keys = SshHostKeys.load(dir);
    } catch (KeyMaterialException e) {
      return Outcome.fail(subject, e.getMessage() + ": restore the file from a backup (a new"
          + " key makes every client see a changed host key), or remove it to have one"
          + " generated");
    }
    if (!loose.isEmpty()) {
      return Outcome.fail(subject, "others than the owner may read " + String.join(", ", loose)
          + ": a host key must be mode 0600 (chmod 600 " + dir + "/ssh_host_*_key)");
    }
    return Outcome.ok(subject, keys.keys().size() + " keys, mode 0600: " + String.join(", ",
        keys.keys().stream().map(k -> k.type() + " " + k.fingerprint()).toList()));
  }

  private static Set<PosixFilePermission> permissions(Path f) {
    try {
      return Files.getPosixFilePermissions(f);
    } catch (IOException | UnsupportedOperationException e) {
      return null;
    }
  }
}
