package io.gitedge.keys;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.Writer;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaMiscPEMGenerator;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.util.io.pem.PemWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads TLS key material from PEM files, or generates a self-signed certificate once and keeps it,
 * so that clients which trusted it keep trusting it across restarts.
 *
 * <p>Files written: {@code tls.crt} (the certificate, PEM) and {@code tls.key} (PKCS#8 PEM, mode
 * 0600), each written to a temporary file and renamed into place so a crash never leaves half a
 * key. Stateless; every method is thread-safe.
 */
public final class TlsKeys {
  /** File name of a generated certificate inside the keys folder. */
  public static final String CERT_FILE = "tls.crt";
  /** File name of a generated private key inside the keys folder. */
  public static final String KEY_FILE = "tls.key";

  private static final Logger log = LoggerFactory.getLogger(TlsKeys.class);
  private static final Duration GENERATED_VALIDITY = Duration.ofDays(3650);
  private static final Duration EXPIRY_WARNING = Duration.ofDays(14);

  private TlsKeys() {}

  /**
   * Loads a certificate chain and its private key from PEM files.
   *
   * @throws KeyMaterialException if a file is missing or unreadable, the key is encrypted, the
   *     key does not match the certificate, or the certificate has expired
   */
  public static TlsCredentials load(Path certFile, Path keyFile) throws KeyMaterialException {
    List<X509Certificate> chain = readCertificates(certFile);
    PrivateKey key = readPrivateKey(keyFile);
    checkKeyMatches(key, chain.get(0), certFile, keyFile);
    checkValidity(chain.get(0), certFile);
    return new TlsCredentials(key, chain, certFile, false);
  }

  /**
   * Returns the self-signed credentials kept in {@code keysDir}, generating them on first use with
   * subject alternative names for {@code localhost}, {@code 127.0.0.1}, {@code ::1} and each of
   * {@code hostNames}. A kept certificate that lacks one of the names is still used (clients
   * already trust it) and the gap is logged.
   */
  public static TlsCredentials loadOrGenerate(Path keysDir, Collection<String> hostNames)
      throws KeyMaterialException {
    Path cert = keysDir.resolve(CERT_FILE);
    Path key = keysDir.resolve(KEY_FILE);
    boolean haveCert = Files.exists(cert);
    boolean haveKey = Files.exists(key);
    if (haveCert != haveKey) {
      throw new KeyMaterialException("found " + (haveCert ? cert : key) + " without "
          + (haveCert ? key : cert) + "; restore the missing file, or remove both to have a new"
          + " self-signed certificate generated (clients must then trust the new one)");
    }
    if (haveCert) {
      List<X509Certificate> chain = readCertificates(cert);
      PrivateKey k = readPrivateKey(key);
      checkKeyMatches(k, chain.get(0), cert, key);
      checkValidity(chain.get(0), cert);
      Set<String> missing = new LinkedHashSet<>(hostNames);
      missing.removeAll(subjectAltNames(chain.get(0)));
      if (!missing.isEmpty()) {
        log.warn("the self-signed certificate {} does not name {}; clients using those names will"
            + " fail to verify it. Remove {} and {} to generate a new one.", cert, missing, cert,
            key);
      }
      return new TlsCredentials(k, chain, cert, true);
    }
    return generate(keysDir, hostNames);
  }

  private static TlsCredentials generate(Path keysDir, Collection<String> hostNames)
      throws KeyMaterialException {
    Set<String> names = new LinkedHashSet<>(List.of("localhost", "127.0.0.1", "::1"));
    names.addAll(hostNames);
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
      KeyPair kp = g.generateKeyPair();
      String cn = hostNames.stream().findFirst().orElse("localhost");
      X500Name subject = new X500Name("CN=" + cn + ",O=GitEdge");
      Instant now = Instant.now();
      JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject,
          new BigInteger(127, new SecureRandom()), Date.from(now.minus(Duration.ofHours(1))),
          Date.from(now.plus(GENERATED_VALIDITY)), subject, kp.getPublic());
      List<GeneralName> san = new ArrayList<>();
      for (String n : names) {
        san.add(isIpLiteral(n) ? new GeneralName(GeneralName.iPAddress, n)
            : new GeneralName(GeneralName.dNSName, n));
      }
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      b.addExtension(Extension.subjectAlternativeName, false,
          new GeneralNames(san.toArray(new GeneralName[0])));
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
      b.addExtension(Extension.extendedKeyUsage, false,
          new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
      b.addExtension(Extension.subjectKeyIdentifier, false,
          ext.createSubjectKeyIdentifier(kp.getPublic()));
      X509CertificateHolder holder =
          b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate()));
      X509Certificate cert = new JcaX509CertificateConverter().getCertificate(holder);

      Files.createDirectories(keysDir);
      Path keyFile = keysDir.resolve(KEY_FILE);
      Path certFile = keysDir.resolve(CERT_FILE);
      writeAtomically(keyFile, pem(new JcaPKCS8Generator(kp.getPrivate(), null).generate()), true);
      writeAtomically(certFile, pem(new JcaMiscPEMGenerator(cert).generate()), false);
      return new TlsCredentials(kp.getPrivate(), List.of(cert), certFile, true);
    } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
      throw new KeyMaterialException("cannot generate a self-signed TLS certificate in "
          + keysDir + ": " + e.getMessage(), e);
    }
  }

  /** The DNS names and IP addresses a certificate is valid for. */
  public static Set<String> subjectAltNames(X509Certificate cert) {
    Set<String> out = new LinkedHashSet<>();
    try {
      Collection<List<?>> sans = cert.getSubjectAlternativeNames();
      if (sans != null) {
        for (List<?> san : sans) {
          Object v = san.get(1);
          if (v instanceof String s) {
            out.add(isIpLiteral(s) ? InetAddress.getByName(s).getHostAddress() : s);
          }
        }
      }
    } catch (CertificateParsingException | IOException e) {
      log.warn("cannot read the subject alternative names of {}", cert.getSubjectX500Principal());
    }
    if (out.contains("0:0:0:0:0:0:0:1")) {
      out.add("::1");
    }
    return out;
  }

  private static boolean isIpLiteral(String s) {
    return s.matches("[0-9.]+") || s.contains(":");
  }

  private static List<X509Certificate> readCertificates(Path file) throws KeyMaterialException {
    List<X509Certificate> out = new ArrayList<>();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
        PEMParser p = new PEMParser(r)) {
      JcaX509CertificateConverter conv = new JcaX509CertificateConverter();
      for (Object o = p.readObject(); o != null; o = p.readObject()) {
        if (o instanceof X509CertificateHolder h) {
          out.add(conv.getCertificate(h));
        }
      }
    } catch (NoSuchFileException e) {
      throw new KeyMaterialException("TLS certificate file not found: " + file);
    } catch (IOException | GeneralSecurityException e) {
      throw new KeyMaterialException("cannot read TLS certificate " + file + ": " + e.getMessage(),
          e);
    }
    if (out.isEmpty()) {
      throw new KeyMaterialException("no PEM certificate (-----BEGIN CERTIFICATE-----) in " + file);
    }
    return out;
  }

  private static PrivateKey readPrivateKey(Path file) throws KeyMaterialException {
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
        PEMParser p = new PEMParser(r)) {
      JcaPEMKeyConverter conv = new JcaPEMKeyConverter();
      for (Object o = p.readObject(); o != null; o = p.readObject()) {
        if (o instanceof PEMKeyPair kp) {
          return conv.getKeyPair(kp).getPrivate();
        }
        if (o instanceof PrivateKeyInfo pki) {
          return conv.getPrivateKey(pki);
        }
        if (o instanceof PEMEncryptedKeyPair || o instanceof PKCS8EncryptedPrivateKeyInfo) {
          throw new KeyMaterialException("TLS key " + file + " is encrypted; give an unencrypted"
              + " key (e.g. openssl pkey -in key.pem -out plain.pem) and protect it with file"
              + " permissions");
        }
      }
    } catch (NoSuchFileException e) {
      throw new KeyMaterialException("TLS key file not found: " + file);
    } catch (IOException e) {
      throw new KeyMaterialException("cannot read TLS key " + file + ": " + e.getMessage(), e);
    }
    throw new KeyMaterialException("no PEM private key (-----BEGIN PRIVATE KEY-----) in " + file);
  }

  private static void checkKeyMatches(PrivateKey key, X509Certificate cert, Path certFile,
      Path keyFile) throws KeyMaterialException {
    String alg = switch (key.getAlgorithm()) {
      case "EC", "ECDSA" -> "SHA256withECDSA";
      case "RSA" -> "SHA256withRSA";
      case "Ed25519", "EdDSA" -> "Ed25519";
      default -> throw new KeyMaterialException("unsupported TLS key type " + key.getAlgorithm()
          + " in " + keyFile + " (use EC, RSA or Ed25519)");
    };
    try {
      byte[] probe = new byte[32];
      new SecureRandom().nextBytes(probe);
      Signature s = Signature.getInstance(alg);
      s.initSign(key);
      s.update(probe);
      byte[] sig = s.sign();
      Signature v = Signature.getInstance(alg);
      v.initVerify(cert.getPublicKey());
      v.update(probe);
      if (v.verify(sig)) {
        return;
      }
    } catch (GeneralSecurityException e) {
      // falls through to the mismatch message: a key of another type cannot match either
    }
    throw new KeyMaterialException("TLS key " + keyFile + " does not match the certificate in "
        + certFile);
  }

  private static void checkValidity(X509Certificate cert, Path file) throws KeyMaterialException {
    Instant notAfter = cert.getNotAfter().toInstant();
    Instant now = Instant.now();
    if (notAfter.isBefore(now)) {
      throw new KeyMaterialException("TLS certificate " + file + " expired on " + notAfter
          + "; renew it (or remove a generated one to have it made again)");
    }
    if (notAfter.isBefore(now.plus(EXPIRY_WARNING))) {
      log.warn("TLS certificate {} expires on {}", file, notAfter);
    }
  }

  private static String pem(org.bouncycastle.util.io.pem.PemObject o) throws IOException {
    StringWriter sw = new StringWriter();
    try (PemWriter w = new PemWriter(sw)) {
      w.writeObject(o);
    }
    return sw.toString();
  }

  private static void writeAtomically(Path target, String content, boolean secret)
      throws IOException {
    Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    if (secret && Files.getFileStore(target.getParent()).supportsFileAttributeView("posix")) {
      Files.createFile(tmp,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    }
    try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.US_ASCII)) {
      w.write(content);
    }
    try (var ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
      ch.force(true);
    }
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
