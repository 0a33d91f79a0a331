package io.gitedge.auth;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.JWKSetCacheRefreshEvaluator;
import com.nimbusds.jose.jwk.source.JWKSetSource;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.jwk.source.RateLimitReachedException;
import com.nimbusds.jose.jwk.source.URLBasedJWKSetSource;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.net.MalformedURLException;
import java.net.URI;
import java.text.ParseException;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verifies JWT access tokens locally against an OpenID Connect provider's signing keys.
 *
 * <p>Only signed JWTs (three dot-separated parts) are this source's; other tokens pass to the
 * next source, and encrypted JWTs are refused unopened. A token is accepted when: its algorithm
 * is one of the configured ones (so {@code none} and an HMAC made with the provider's public key
 * fail); its key comes from the provider's JWKS (header-supplied {@code jku}, {@code x5u} and
 * {@code jwk} are never used); its type is absent, {@code JWT} or {@code at+jwt}, and it is not
 * an ID token (no {@code nonce}, {@code at_hash}, {@code c_hash}, {@code s_hash} or
 * {@code typ: ID} claim); {@code exp},
 * {@code iss} and {@code aud} are present, the issuer and audience are the configured ones, and
 * {@code exp}/{@code nbf} hold within the clock skew. The user is the configured claim (else
 * {@code sub}), the groups the groups claim.
 *
 * <p>The JWKS comes from the discovery document (looked up on first use, until it answers) or the
 * configured URI. It is cached; a token with an unknown {@code kid} makes one refetch, at most
 * every 30 s however many such tokens arrive; while the provider is down, keys fetched before stay
 * in use for {@code staleIfError}. A token that cannot be checked because no keys could be had is
 * {@link Decision.Unavailable}, not refused. Thread-safe.
 */
public final class OidcIdentitySource implements IdentitySource {
  private static final Logger log = LoggerFactory.getLogger(OidcIdentitySource.class);
  /** A bearer token longer than this is refused before any parsing. */
  static final int MAX_TOKEN_LENGTH = 16 * 1024;
  private static final Duration JWKS_REFETCH_INTERVAL = Duration.ofSeconds(30);
  private static final Set<String> ID_TOKEN_CLAIMS = Set.of("nonce", "at_hash", "c_hash",
      "s_hash");

  private final OidcConfig settings;
  private final HttpJson http;
  private final Duration staleIfError;
  private final Duration refetchInterval;
  private volatile DefaultJWTProcessor<SecurityContext> processor;
  private long lastDiscoveryFailure; // guarded by this; System.nanoTime
  private boolean discoveryFailed; // guarded by this

  public OidcIdentitySource(OidcConfig settings, Duration staleIfError) {
    this(settings, staleIfError, JWKS_REFETCH_INTERVAL);
  }

  /** With another bound on JWKS fetches than one per 30 s (tests). */
  OidcIdentitySource(OidcConfig settings, Duration staleIfError, Duration refetchInterval) {
    this.settings = settings;
    this.http = new HttpJson(settings.timeout(), settings.caFile());
    this.staleIfError = staleIfError;
    this.refetchInterval = refetchInterval;
  }

  /**
   * Looks the provider up now rather than at the first token, so a wrong issuer or an
   * unreachable provider shows in the startup log. Never fails: the gateway still serves the
   * identity file's users, and the lookup is retried at most every 30 s.
   *
   * @return whether the provider's keys could be found
   */
  public boolean checkProvider() {
    try {
      processor();
      return true;
    } catch (DiscoveryException e) {
      log.error("OIDC provider {} cannot be used yet (tokens it issued get 503 until it can):"
          + " {}", settings.issuer(), e.getMessage());
      return false;
    }
  }

  @Override
  public Decision decide(Credential credential) {
    if (!(credential instanceof AccessToken t)) {
      return new Decision.Pass("not-a-token");
    }
    String token = t.reveal();
    if (token.length() > MAX_TOKEN_LENGTH) {
      return reject("too-large");
    }
    long dots = token.chars().filter(c -> c == '.').count();
    if (dots == 4) {
      return reject("encrypted-token");
    }
    if (dots != 2) {
      return new Decision.Pass("not-a-jwt");
    }
    SignedJWT jwt;
    try {
      jwt = SignedJWT.parse(token);
    } catch (ParseException e) {
      return reject("malformed");
    }
    DefaultJWTProcessor<SecurityContext> p;
    try {
      p = processor();
    } catch (DiscoveryException e) {
      log.warn("OIDC discovery at {} failed: {}", settings.issuer(), e.getMessage());
      return new Decision.Unavailable("source-unavailable");
    }
    JWTClaimsSet claims;
    try {
      claims = p.process(jwt, null);
    } catch (RateLimitReachedException e) {
      // the keys were fetched moments ago and this kid was not among them
      return reject("unknown-key");
    } catch (KeySourceException e) {
      log.warn("OIDC signing keys of {} unavailable: {}", settings.issuer(), e.getMessage());
      return new Decision.Unavailable("source-unavailable");
    } catch (BadJWTException e) {
      return reject(reason(e.getMessage()));
    } catch (BadJOSEException | com.nimbusds.jose.JOSEException e) {
      return reject(e.getMessage() != null && e.getMessage().contains("type")
          ? "bad-type" : "bad-signature");
    } catch (RuntimeException e) {
      // deeply nested or otherwise hostile claims: refuse, never crash the caller
      return reject("malformed");
    }
    if (isIdToken(claims)) {
      return reject("id-token");
    }
    Optional<Principal> principal = ClaimsPrincipal.of(claims.getClaims(),
        settings.usernameClaim(), settings.groupsClaim());
    if (principal.isEmpty()) {
      return reject("no-user");
    }
    return new Decision.Accept(principal.get(),
        Optional.ofNullable(claims.getExpirationTime()).map(java.util.Date::toInstant));
  }

  /**
   * Every refusal here is a local check, cheaper than a cache lookup, so none is cached: a flood
   * of junk tokens must not crowd out the cache.
   */
  private static Decision reject(String reason) {
    return new Decision.Reject(reason, false);
  }

  /** Claims only ID tokens carry; an ID token says who logged in to a client, not what for. */
  private static boolean isIdToken(JWTClaimsSet claims) {
    return ID_TOKEN_CLAIMS.stream().anyMatch(c -> claims.getClaim(c) != null)
        || "ID".equalsIgnoreCase(String.valueOf(claims.getClaim("typ")));
  }

  /** nimbus' claim-check messages, as stable reason codes. */
  static String reason(String message) {
    String m = message == null ? "" : message.toLowerCase();
    if (m.contains("missing")) {
      return "missing-claims";
    }
    if (m.contains("expired")) {
      return "expired";
    }
    if (m.contains("before use time") || m.contains("nbf")) {
      return "not-yet-valid";
    }
    if (m.contains("audience") || m.contains(" aud ")) {
      return "bad-audience";
    }
    if (m.contains("iss")) {
      return "bad-issuer";
    }
    return "bad-claims";
  }

  static final class DiscoveryException extends Exception {
    private static final long serialVersionUID = 1L;

    DiscoveryException(String m, Throwable cause) {
      super(m, cause);
    }
  }

  private DefaultJWTProcessor<SecurityContext> processor() throws DiscoveryException {
    DefaultJWTProcessor<SecurityContext> p = processor;
    if (p != null) {
      return p;
    }
    synchronized (this) {
      if (processor == null) {
        // a provider that is down is asked again at most every 30 s, not at every request
        if (discoveryFailed
            && System.nanoTime() - lastDiscoveryFailure < JWKS_REFETCH_INTERVAL.toNanos()) {
          throw new DiscoveryException("still unavailable (retried every 30s)", null);
        }
        try {
          processor = build(jwksUri());
        } catch (DiscoveryException e) {
          discoveryFailed = true;
          lastDiscoveryFailure = System.nanoTime();
          throw e;
        }
      }
      return processor;
    }
  }

  private URI jwksUri() throws DiscoveryException {
    return settings.jwksUri().isPresent() ? settings.jwksUri().get() : discover(settings, http);
  }

  /**
   * The JWKS URI named by the provider's discovery document, which must name the configured
   * issuer (also {@link IdentityProbe#oidc}'s look at the provider).
   *
   * @throws DiscoveryException when the document cannot be had or does not fit
   */
  static URI discover(OidcConfig settings, HttpJson http) throws DiscoveryException {
    URI discovery = discoveryUri(settings);
    try {
      HttpJson.Response r = http.get(discovery, Optional.empty());
      Object issuer = r.json().get("issuer");
      Object jwks = r.json().get("jwks_uri");
      if (r.status() != 200 || !(jwks instanceof String j)) {
        throw new DiscoveryException(discovery + " answered " + r.status()
            + " without a jwks_uri", null);
      }
      if (!settings.issuer().toString().equals(issuer)) {
        throw new DiscoveryException(discovery + " names issuer " + issuer + ", not "
            + settings.issuer(), null);
      }
      return URI.create(j);
    } catch (HttpJson.UnavailableException e) {
      throw new DiscoveryException(e.getMessage(), e);
    }
  }

  /** {@code <issuer>/.well-known/openid-configuration}. */
  static URI discoveryUri(OidcConfig settings) {
    String base = settings.issuer().toString().replaceAll("/+$", "");
    return URI.create(base + "/.well-known/openid-configuration");
  }

  /**
   * Lets at most one JWKS fetch through per interval, however many unknown {@code kid}s arrive
   * (nimbus' own rate limiter admits two per interval).
   */
  private static final class OncePerInterval implements JWKSetSource<SecurityContext> {
    private final JWKSetSource<SecurityContext> source;
    private final long intervalMs;
    private long nextAllowed = Long.MIN_VALUE; // guarded by this

    OncePerInterval(JWKSetSource<SecurityContext> source, Duration interval) {
      this.source = source;
      this.intervalMs = interval.toMillis();
    }

    @Override
    public JWKSet getJWKSet(JWKSetCacheRefreshEvaluator evaluator, long now,
        SecurityContext context) throws KeySourceException {
      synchronized (this) {
        if (now < nextAllowed) {
          throw new RateLimitReachedException();
        }
        nextAllowed = now + intervalMs;
      }
      return source.getJWKSet(evaluator, now, context);
    }

    @Override
    public void close() throws java.io.IOException {
      source.close();
    }
  }

  private DefaultJWTProcessor<SecurityContext> build(URI jwks) throws DiscoveryException {
    int timeoutMs = (int) settings.timeout().toMillis();
    JWKSource<SecurityContext> keys;
    try {
      DefaultResourceRetriever retriever = new DefaultResourceRetriever(timeoutMs, timeoutMs,
          512 * 1024, false, http.sslSocketFactory().orElse(null));
      keys = JWKSourceBuilder.create(new OncePerInterval(
              new URLBasedJWKSetSource<>(jwks.toURL(), retriever), refetchInterval))
          .cache(Duration.ofMinutes(15).toMillis(), settings.timeout().toMillis())
          .refreshAheadCache(false)
          .rateLimited(false)
          .outageTolerant(staleIfError.toMillis())
          .build();
    } catch (MalformedURLException e) {
      throw new DiscoveryException("not a usable JWKS URL: " + jwks, e);
    }
    Set<JWSAlgorithm> algorithms = settings.algorithms().stream().map(JWSAlgorithm::parse)
        .collect(Collectors.toSet());
    DefaultJWTProcessor<SecurityContext> p = new DefaultJWTProcessor<>();
    p.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(JOSEObjectType.JWT,
        new JOSEObjectType("at+jwt"), null));
    p.setJWSKeySelector(new JWSVerificationKeySelector<>(algorithms, keys));
    DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(
        Set.of(settings.audience()),
        new JWTClaimsSet.Builder().issuer(settings.issuer().toString()).build(),
        Set.of("exp", "iss", "aud"), Set.of());
    claims.setMaxClockSkew((int) settings.clockSkew().toSeconds());
    p.setJWTClaimsSetVerifier(claims);
    return p;
  }
}
