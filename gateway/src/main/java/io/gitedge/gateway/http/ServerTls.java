package io.gitedge.gateway.http;

import io.gitedge.gateway.config.HttpConfig.TlsProvider;
import io.gitedge.keys.TlsCredentials;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Provider;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.conscrypt.Conscrypt;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TLS implementation behind the HTTPS listener, chosen once at start from
 * {@code http.tlsProvider}: the JDK's own, or Conscrypt (BoringSSL behind the JCA interfaces,
 * native code from the first handshake; the JDK's P-256 key exchange and its AES-GCM run as
 * interpreted Java in a fresh JVM). Only the listener's own {@link SSLContext} uses the chosen
 * provider: nothing is registered JVM-wide, so the SSH door, the gateway's outgoing HTTPS
 * (upstreams, peers, identity providers) and every other JCA user keep the JDK's providers.
 * Immutable and thread-safe.
 */
public final class ServerTls {
  private static final Logger log = LoggerFactory.getLogger(ServerTls.class);
  /** The in-memory key store's password; the store never leaves this process. */
  private static final char[] STORE_PASSWORD = "gitedge".toCharArray();

  /** The JDK's own provider (SunJSSE). */
  public static final ServerTls JDK = new ServerTls("jdk", Optional.empty());

  private final String name;
  private final Optional<Provider> provider;

  private ServerTls(String name, Optional<Provider> provider) {
    this.name = name;
    this.provider = provider;
  }

  /**
   * The provider {@code wanted} names. {@link TlsProvider#AUTO} is Conscrypt where its native
   * library loads and the JDK's otherwise, with one log line saying why. Loading the native
   * library takes a few hundred milliseconds (it is unpacked from the jar into
   * {@code java.io.tmpdir}), so call this beside other start-up work.
   *
   * @throws UnavailableException when Conscrypt is asked for by name and cannot load here
   */
  public static ServerTls choose(TlsProvider wanted) throws UnavailableException {
    if (wanted == TlsProvider.JDK) {
      return JDK;
    }
    try {
      Conscrypt.checkAvailability();
      return new ServerTls("conscrypt", Optional.of(Conscrypt.newProvider()));
    } catch (UnsatisfiedLinkError | NoClassDefFoundError | ExceptionInInitializerError e) {
      String why = reason(e);
      if (wanted == TlsProvider.CONSCRYPT) {
        throw new UnavailableException("Conscrypt's native library does not load here ("
            + platform() + "): " + why + "; use auto or jdk", e);
      }
      log.info("HTTPS uses the JDK's TLS: Conscrypt's native library does not load here ({}):"
          + " {}", platform(), why);
      return JDK;
    }
  }

  private static String platform() {
    return System.getProperty("os.name") + " " + System.getProperty("os.arch");
  }

  private static String reason(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.toString() : t.getMessage();
  }

  /** {@code conscrypt} for Conscrypt's JCA provider, {@code jdk} for any other. */
  static String nameOf(Provider p) {
    return Conscrypt.isConscrypt(p) ? "conscrypt" : "jdk";
  }

  /** What the start-up log says: the provider and its version. */
  public String describe() {
    return provider.map(p -> "Conscrypt " + Conscrypt.version().major() + "."
        + Conscrypt.version().minor() + "." + Conscrypt.version().patch() + " (BoringSSL)")
        .orElse("the JDK's (" + Runtime.version() + ")");
  }

  /**
   * Jetty's server-side TLS for {@code credentials}: TLS 1.2 and 1.3 only (Conscrypt would
   * otherwise also offer 1.0 and 1.1, which the JDK disables), no client certificates, no SNI
   * requirement.
   */
  SslContextFactory.Server serverFactory(TlsCredentials credentials) {
    SslContextFactory.Server ssl = new SslContextFactory.Server();
    KeyStore keys = credentials.toKeyStore(STORE_PASSWORD);
    KeyStore trust = credentials.trustingItself();
    if (provider.isPresent()) {
      ssl.setSslContext(context(provider.get(), keys, trust));
    } else {
      ssl.setKeyStore(keys);
      ssl.setKeyStorePassword(new String(STORE_PASSWORD));
      ssl.setTrustStore(trust);
    }
    ssl.addExcludeProtocols("TLSv1", "TLSv1.1");
    ssl.setSniRequired(false);
    return ssl;
  }

  /**
   * A context of {@code provider} with the JDK's key and trust managers over our stores (the
   * trust store is given so that Conscrypt does not parse the JVM's hundreds of CAs at start).
   */
  private static SSLContext context(Provider provider, KeyStore keys, KeyStore trust) {
    try {
      KeyManagerFactory km = KeyManagerFactory.getInstance(
          KeyManagerFactory.getDefaultAlgorithm());
      km.init(keys, STORE_PASSWORD);
      TrustManagerFactory tm = TrustManagerFactory.getInstance(
          TrustManagerFactory.getDefaultAlgorithm());
      tm.init(trust);
      SSLContext context = SSLContext.getInstance("TLS", provider);
      context.init(km.getKeyManagers(), tm.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot set up " + provider.getName() + " for HTTPS", e);
    }
  }

  @Override
  public String toString() {
    return "ServerTls[" + name + "]";
  }

  /** Conscrypt was asked for by name and its native library does not load on this platform. */
  public static final class UnavailableException extends Exception {
    private static final long serialVersionUID = 1L;

    UnavailableException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
