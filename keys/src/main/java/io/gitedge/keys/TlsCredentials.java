package io.gitedge.keys;

import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * A TLS server identity: a private key, its certificate chain (leaf first) and the PEM file the
 * chain was read from or written to, which is the file clients trust for a self-signed gateway.
 * Immutable and thread-safe. Created by {@link TlsKeys}.
 */
public final class TlsCredentials {
  private final PrivateKey key;
  private final List<X509Certificate> chain;
  private final Path certificateFile;
  private final boolean generated;

  TlsCredentials(PrivateKey key, List<X509Certificate> chain, Path certificateFile,
      boolean generated) {
    this.key = Objects.requireNonNull(key);
    this.chain = List.copyOf(chain);
    this.certificateFile = certificateFile;
    this.generated = generated;
    if (this.chain.isEmpty()) {
      throw new IllegalArgumentException("a certificate chain needs at least one certificate");
    }
  }

  public X509Certificate certificate() {
    return chain.get(0);
  }

  public List<X509Certificate> chain() {
    return chain;
  }

  /** The PEM file holding the chain: what a client trusts when the certificate is self-signed. */
  public Path certificateFile() {
    return certificateFile;
  }

  /** True when GitEdge generated this certificate (self-signed) rather than loading one. */
  public boolean generated() {
    return generated;
  }

  /** SHA-256 over the leaf certificate's DER bytes, as colon-separated upper-case hex. */
  public String sha256Fingerprint() {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(certificate().getEncoded());
      return HexFormat.ofDelimiter(":").withUpperCase().formatHex(d);
    } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * An in-memory PKCS#12 key store holding the key and chain under alias {@code gitedge}, for TLS
   * servers that take a {@link KeyStore}.
   */
  public KeyStore toKeyStore(char[] password) {
    try {
      KeyStore ks = emptyStore();
      // the store never leaves this process: one PBKDF2 iteration, not PKCS12's default 10,000,
      // which cost a tenth of a second at every start (once to store the key, once to read it)
      byte[] salt = new byte[16];
      new java.security.SecureRandom().nextBytes(salt);
      ks.setEntry("gitedge", new KeyStore.PrivateKeyEntry(asCertificateAlgorithm(key),
              chain.toArray(new X509Certificate[0])),
          new KeyStore.PasswordProtection(password, "PBEWithHmacSHA256AndAES_256",
              new javax.crypto.spec.PBEParameterSpec(salt, 1)));
      return ks;
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new IllegalStateException("cannot build an in-memory key store", e);
    }
  }

  /**
   * The key under the JCA name of the certificate's key algorithm: a key read from PEM by a
   * provider that calls EC keys "ECDSA" is the same key, but a key store entry must match.
   */
  private PrivateKey asCertificateAlgorithm(PrivateKey k) throws GeneralSecurityException {
    String algorithm = certificate().getPublicKey().getAlgorithm();
    if (algorithm.equals(k.getAlgorithm())) {
      return k;
    }
    return java.security.KeyFactory.getInstance(algorithm)
        .generatePrivate(new java.security.spec.PKCS8EncodedKeySpec(k.getEncoded()));
  }

  /**
   * A trust store holding this certificate and nothing else: what the gateway trusts when it
   * talks to its own listener, and its TLS server's trust store (it asks for no client
   * certificates, and the JVM's hundreds of CAs would only be parsed at every start).
   */
  public KeyStore trustingItself() {
    try {
      KeyStore ks = emptyStore();
      ks.setCertificateEntry("gitedge", certificate());
      return ks;
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new IllegalStateException("cannot build an in-memory key store", e);
    }
  }

  private static KeyStore emptyStore() throws GeneralSecurityException, java.io.IOException {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    return ks;
  }

  @Override
  public String toString() {
    return "TlsCredentials[" + certificate().getSubjectX500Principal() + ", sha256="
        + sha256Fingerprint() + "]";
  }
}
