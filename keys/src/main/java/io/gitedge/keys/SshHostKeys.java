package io.gitedge.keys;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.config.keys.FilePasswordProvider;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.bouncycastle.util.Properties;

/**
 * The gateway's SSH host keys: ed25519, ecdsa-p256 and rsa-3072, generated once into a folder in
 * OpenSSH format ({@code ssh_host_ed25519_key} and {@code .pub}, as ssh-keygen writes them, never
 * Java serialization) and loaded from there on every start, so clients never see a changed host
 * key. A key file that exists but cannot be read stops startup rather than being replaced.
 * Immutable and thread-safe once loaded.
 */
public final class SshHostKeys {
  /** One host key: its type (e.g. {@code ssh-ed25519}) and pair. */
  public record HostKey(String type, KeyPair keyPair) {
    /** {@code SHA256:<base64>}, as {@code ssh-keygen -l} prints it. */
    public String fingerprint() {
      return KeyUtils.getFingerPrint(keyPair.getPublic());
    }

    /** The public key as an OpenSSH line: {@code ssh-ed25519 AAAA...}. */
    public String publicKeyLine() {
      return PublicKeyEntry.toString(keyPair.getPublic());
    }
  }

  private record Spec(String file, String type, int bits) {}

  private static final List<Spec> SPECS = List.of(
      new Spec("ssh_host_ed25519_key", KeyPairProvider.SSH_ED25519, 256),
      new Spec("ssh_host_ecdsa_key", KeyPairProvider.ECDSA_SHA2_NISTP256, 256),
      new Spec("ssh_host_rsa_key", KeyPairProvider.SSH_RSA, 3072));

  private final List<HostKey> keys;

  private SshHostKeys(List<HostKey> keys) {
    this.keys = List.copyOf(keys);
  }

  /**
   * Loads the host keys from {@code dir}, generating (and writing) any that are missing.
   *
   * @throws KeyMaterialException when a key file cannot be read or written
   */
  public static SshHostKeys loadOrGenerate(Path dir) throws KeyMaterialException {
    List<HostKey> out = new ArrayList<>();
    for (Spec s : SPECS) {
      Path file = dir.resolve(s.file());
      out.add(Files.exists(file) ? load(file, s) : generate(dir, file, s));
    }
    return new SshHostKeys(out);
  }

  /**
   * Loads the host keys from {@code dir} and generates none: for checking a gateway's keys
   * without changing its folder.
   *
   * @throws KeyMaterialException when a key file is missing or cannot be read
   */
  public static SshHostKeys load(Path dir) throws KeyMaterialException {
    List<HostKey> out = new ArrayList<>();
    for (Spec s : SPECS) {
      out.add(load(dir.resolve(s.file()), s));
    }
    return new SshHostKeys(out);
  }

  /** The names of the host key files in the keys folder, ed25519 first. */
  public static List<String> fileNames() {
    return SPECS.stream().map(Spec::file).toList();
  }

  /** The keys, ed25519 first. */
  public List<HostKey> keys() {
    return keys;
  }

  /** The key pairs, in preference order, for an SSH server. */
  public List<KeyPair> keyPairs() {
    return keys.stream().map(HostKey::keyPair).toList();
  }

  /**
   * {@code known_hosts} lines for clients reaching this gateway as {@code host} on {@code port}:
   * {@code [host]:port type key}, or {@code host type key} on port 22.
   */
  public List<String> knownHostsLines(String host, int port) {
    String name = port == 22 ? host : "[" + host + "]:" + port;
    return keys.stream().map(k -> name + " " + k.publicKeyLine()).toList();
  }

  /**
   * Bouncy Castle's switch for the checks it runs on every RSA modulus it is handed the first
   * time: a gcd with small primes and Miller-Rabin rounds proving the modulus composite, a
   * quarter of a second of a cold JVM's start for a 3,072-bit key. They protect whoever encrypts
   * to a stranger's key; a host key is the gateway's own, read from its own folder, and only
   * signs. Set for the reading thread alone while it reads one, never for keys clients offer.
   */
  private static final String OWN_RSA_KEY = "org.bouncycastle.rsa.allow_unsafe_mod";

  private static HostKey load(Path file, Spec s) throws KeyMaterialException {
    boolean rsa = s.type().equals(KeyPairProvider.SSH_RSA);
    if (rsa) {
      Properties.setThreadOverride(OWN_RSA_KEY, true);
    }
    try {
      return read(file, s);
    } finally {
      if (rsa) {
        Properties.removeThreadOverride(OWN_RSA_KEY);
      }
    }
  }

  private static HostKey read(Path file, Spec s) throws KeyMaterialException {
    try (InputStream in = Files.newInputStream(file)) {
      Iterable<KeyPair> pairs = SecurityUtils.loadKeyPairIdentities(null,
          NamedResource.ofName(file.toString()), in, FilePasswordProvider.EMPTY);
      Iterator<KeyPair> it = pairs == null ? null : pairs.iterator();
      if (it == null || !it.hasNext()) {
        throw new KeyMaterialException("no key in SSH host key file " + file);
      }
      KeyPair kp = it.next();
      String type = KeyUtils.getKeyType(kp);
      if (!s.type().equals(type)) {
        throw new KeyMaterialException("SSH host key file " + file + " holds a " + type
            + " key; expected " + s.type());
      }
      return new HostKey(type, kp);
    } catch (NoSuchFileException e) {
      throw new KeyMaterialException("SSH host key file not found: " + file);
    } catch (IOException | GeneralSecurityException e) {
      throw new KeyMaterialException("cannot read SSH host key " + file + " (it must be an"
          + " unencrypted OpenSSH or PEM key): " + e.getMessage(), e);
    }
  }

  private static HostKey generate(Path dir, Path file, Spec s) throws KeyMaterialException {
    try {
      KeyPair kp = KeyUtils.generateKeyPair(s.type(), s.bits());
      Files.createDirectories(dir);
      ByteArrayOutputStream priv = new ByteArrayOutputStream();
      OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(kp, "gitedge host key", null, priv);
      ByteArrayOutputStream pub = new ByteArrayOutputStream();
      OpenSSHKeyPairResourceWriter.INSTANCE.writePublicKey(kp.getPublic(), "gitedge host key",
          pub);
      write(file.resolveSibling(file.getFileName() + ".pub"), pub.toByteArray(), false);
      write(file, priv.toByteArray(), true);
      return new HostKey(s.type(), kp);
    } catch (IOException | GeneralSecurityException e) {
      throw new KeyMaterialException("cannot generate SSH host key " + file + ": "
          + e.getMessage(), e);
    }
  }

  private static void write(Path target, byte[] content, boolean secret) throws IOException {
    Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    Files.createFile(tmp, PosixFilePermissions.asFileAttribute(
        PosixFilePermissions.fromString(secret ? "rw-------" : "rw-r--r--")));
    Files.write(tmp, content);
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
