package io.gitedge.auth;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyType;
import com.nimbusds.jose.jwk.KeyUse;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.text.ParseException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLException;

/**
 * One look at each remote identity source, the way {@code gitedge doctor} checks a config before
 * the gateway depends on it: the OIDC provider's discovery document and signing keys, the
 * introspection endpoint's answer to a token it never issued, the key service's answer to a key
 * nobody has. Each method asks once with the client the source itself uses (its timeout, its CA
 * file) and returns what it found, for an operator to read, or throws
 * {@link ProbeFailedException} saying what is wrong. It never sends a real user's credential,
 * and no message holds a secret. Stateless and thread-safe.
 */
public final class IdentityProbe {
  private static final SecureRandom RANDOM = new SecureRandom();

  private IdentityProbe() {}

  /** The source did not answer as the gateway needs; the message says how, for an operator. */
  public static final class ProbeFailedException extends Exception {
    private static final long serialVersionUID = 1L;

    ProbeFailedException(String message) {
      super(message);
    }
  }

  /**
   * Fetches the discovery document (unless {@code jwksUri} is configured) and the signing keys,
   * and counts the keys that can check the configured algorithms.
   *
   * @return e.g. "jwks_uri https://idp/keys (from discovery): 2 signing keys for [RS256]"
   * @throws ProbeFailedException when either cannot be had or parsed, names another issuer, or
   *     holds no key for the configured algorithms
   */
  public static String oidc(OidcConfig config) throws ProbeFailedException {
    HttpJson http = new HttpJson(config.timeout(), config.caFile());
    URI jwks;
    String from;
    if (config.jwksUri().isPresent()) {
      jwks = config.jwksUri().get();
      from = "configured";
    } else {
      try {
        jwks = OidcIdentitySource.discover(config, http);
      } catch (OidcIdentitySource.DiscoveryException e) {
        throw new ProbeFailedException("discovery at " + OidcIdentitySource.discoveryUri(config)
            + " failed: " + describe(e));
      }
      from = "from discovery";
    }
    URI keysAt = jwks;
    HttpJson.Response r = answer(http, keysAt, () -> http.get(keysAt, Optional.empty()));
    if (r.status() != 200) {
      throw new ProbeFailedException("the signing keys at " + jwks + " (" + from + "): HTTP "
          + r.status());
    }
    List<JWK> keys;
    try {
      keys = JWKSet.parse(r.json()).getKeys();
    } catch (ParseException e) {
      throw new ProbeFailedException(jwks + " (" + from + ") is not a JSON Web Key Set: "
          + e.getMessage());
    }
    long usable = keys.stream().filter(k -> signsWith(k, config.algorithms())).count();
    if (usable == 0) {
      throw new ProbeFailedException(jwks + " (" + from + ") holds " + keys.size()
          + " keys, none for " + config.algorithms() + ": set identity.oidc.algorithms to what"
          + " the provider signs with");
    }
    return "jwks_uri " + jwks + " (" + from + "): " + usable + " signing key"
        + (usable == 1 ? "" : "s") + " for " + config.algorithms();
  }

  /**
   * Asks the endpoint, as this gateway's client, about a random token it never issued: the
   * answer must be a well-formed {@code {"active": false}}.
   *
   * @return what it answered
   * @throws ProbeFailedException when it refuses the client, does not answer, answers anything
   *     else, or calls the made-up token active
   */
  public static String introspection(IntrospectionConfig config) throws ProbeFailedException {
    String secret = readSecret(config.clientSecretFile(),
        "identity.introspection.clientSecretFile");
    HttpJson http = new HttpJson(config.timeout(), config.caFile());
    String token = "gitedge-doctor-probe-" + HexFormat.of().formatHex(random(16));
    HttpJson.Response r = answer(http, config.url(), () -> http.postForm(config.url(),
        IntrospectionIdentitySource.clientAuthorization(config.clientId(), secret),
        "token=" + IntrospectionIdentitySource.form(token) + "&token_type_hint=access_token"));
    if (r.status() == 401 || r.status() == 403) {
      throw new ProbeFailedException("HTTP " + r.status() + ": the provider refused this"
          + " gateway's client credentials; check identity.introspection.clientId and the secret"
          + " in " + config.clientSecretFile());
    }
    if (r.status() != 200) {
      throw new ProbeFailedException("HTTP " + r.status() + " to a token it never issued, where"
          + " RFC 7662 says 200 {\"active\": false}: is url the introspection endpoint?");
    }
    Object active = r.json().get("active");
    if (Boolean.TRUE.equals(active)) {
      throw new ProbeFailedException("calls a made-up token active: it does not check tokens,"
          + " and would let anyone in");
    }
    if (!Boolean.FALSE.equals(active)) {
      throw new ProbeFailedException("answered 200 without \"active\": not an RFC 7662"
          + " introspection endpoint?");
    }
    return "a token it never issued is {\"active\": false}, as it should be";
  }

  /**
   * Asks the key service about a random fingerprint nobody's key has: the answer must be 404.
   *
   * @return what it answered
   * @throws ProbeFailedException when it refuses the token, does not answer, or answers anything
   *     but 404
   */
  public static String httpKeys(HttpKeysConfig config) throws ProbeFailedException {
    Optional<String> bearer = config.tokenFile().isPresent() ? Optional.of(readSecret(
        config.tokenFile().get(), "identity.httpKeys.tokenFile")) : Optional.empty();
    HttpJson http = new HttpJson(config.timeout(), config.caFile());
    String sep = config.url().getRawQuery() == null ? "?" : "&";
    String fingerprint = "SHA256:" + Base64.getEncoder().withoutPadding()
        .encodeToString(random(32));
    URI uri = URI.create(config.url() + sep + "fingerprint="
        + URLEncoder.encode(fingerprint, StandardCharsets.UTF_8));
    HttpJson.Response r = answer(http, config.url(), () -> http.get(uri, bearer));
    if (r.status() == 404) {
      return "a key nobody has is 404, as it should be";
    }
    if (r.status() == 401 || r.status() == 403) {
      throw new ProbeFailedException("HTTP " + r.status() + ": " + (bearer.isPresent()
          ? "the service refused the token in " + config.tokenFile().get()
          : "the service wants a token: set identity.httpKeys.tokenFile"));
    }
    throw new ProbeFailedException("HTTP " + r.status() + " for a key nobody has, where the"
        + " contract is 404 (and 200 {\"user\": ...} for a known key)");
  }

  /** Whether {@code key} can verify a signature by one of {@code algorithms}. */
  private static boolean signsWith(JWK key, List<String> algorithms) {
    if (KeyUse.ENCRYPTION.equals(key.getKeyUse())) {
      return false;
    }
    if (key.getAlgorithm() != null) {
      return algorithms.contains(key.getAlgorithm().getName());
    }
    return algorithms.stream().anyMatch(a -> key.getKeyType().equals(a.startsWith("ES")
        ? KeyType.EC : a.equals("EdDSA") ? KeyType.OKP : KeyType.RSA));
  }

  private interface Call {
    HttpJson.Response call() throws HttpJson.UnavailableException;
  }

  private static HttpJson.Response answer(HttpJson http, URI uri, Call call)
      throws ProbeFailedException {
    try {
      return call.call();
    } catch (HttpJson.UnavailableException e) {
      throw new ProbeFailedException("no usable answer from " + uri.getHost()
          + (uri.getPort() < 0 ? "" : ":" + uri.getPort()) + ": " + describe(e));
    }
  }

  private static String readSecret(Path file, String key) throws ProbeFailedException {
    try {
      String s = Files.readString(file, StandardCharsets.UTF_8).strip();
      if (s.isEmpty()) {
        throw new ProbeFailedException(key + " " + file + " is empty");
      }
      return s;
    } catch (IOException e) {
      throw new ProbeFailedException("cannot read " + key + " " + file + ": " + e);
    }
  }

  private static byte[] random(int n) {
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    return b;
  }

  /**
   * Why an HTTP exchange got no answer, in an operator's words where the cause is a common one
   * (unknown host, refused, timed out, TLS): for identity sources here, and for the other hosts
   * {@code gitedge doctor} asks.
   */
  public static String describe(Throwable e) {
    // an unknown host reaches java.net.http as a ConnectException caused by it: look for it first
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof UnknownHostException
          || t instanceof java.nio.channels.UnresolvedAddressException) {
        return "unknown host (DNS)";
      }
    }
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof ConnectException) {
        return "connection refused (nothing listens there, or a firewall rejects it)";
      }
      if (t instanceof HttpConnectTimeoutException) {
        return "no connection within the timeout (host down, or a firewall drops packets)";
      }
      if (t instanceof HttpTimeoutException) {
        return "connected, but no answer within the timeout";
      }
      if (t instanceof SSLException) {
        return "TLS failed: " + t.getMessage() + " (a private CA? set caFile)";
      }
    }
    return e.getMessage() != null ? e.getMessage() : e.toString();
  }
}
