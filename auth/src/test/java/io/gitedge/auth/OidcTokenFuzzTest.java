package io.gitedge.auth;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.api.BugDetectors;
import com.code_intelligence.jazzer.api.SilentCloseable;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.gitedge.testing.HttpStub;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Optional;

/**
 * Catalogue row F03, JWT access tokens: {@link OidcIdentitySource#decide} configured for RS256
 * with a JWKS (one RSA key, {@code k1}, generated for the run) served on loopback.
 *
 * <p>Input: byte 0 picks the mode (its value mod 4), the rest is text:
 * <ol start="0">
 *   <li>the whole token, as an attacker sends it ({@code alg: none}, HS256 keyed with the public
 *       key, mangled signatures, five parts, ...);
 *   <li>the claims, signed here with {@code k1} (RS256, {@code typ: JWT});
 *   <li>the claims, signed here with an attacker's key under the kid {@code k1};
 *   <li>the JOSE header, over valid claims, signed here with {@code k1} when the header asks for
 *       RS256.
 * </ol>
 *
 * <p>Properties: a token is accepted only if its signature verifies with {@code k1}'s public key
 * (checked here with {@link Signature}, apart from nimbus) over RS256; with issuer
 * {@link #ISSUER}, audience {@code gitedge}, an {@code exp} not past, an {@code nbf} not ahead
 * (60 s skew each), no ID-token claim, and a header type that is absent, {@code JWT} or
 * {@code at+jwt}. Never an exception; each token within {@link #MAX_MILLIS}.
 */
class OidcTokenFuzzTest {
  /**
   * Per token, once its classes are loaded (each is decided twice, the second time timed);
   * generous for a shared machine (catalogue row F03 asks for under 50 ms).
   */
  private static final long MAX_MILLIS = 2000;
  private static final String AUDIENCE = "gitedge";
  /** Fixed (the keys come from the configured JWKS URI, not discovery), so seeds can name it. */
  private static final String ISSUER = "https://idp.example.com/realms/eng";
  private static final Fixture FIXTURE = new Fixture();

  @FuzzTest(maxDuration = "10m")
  void f03_jwt_isAcceptedOnlyWhenSignedByTheProvidersKey(byte[] input) throws Exception {
    if (input.length == 0) {
      return;
    }
    int mode = (input[0] & 0xff) % 4;
    String text = new String(input, 1, input.length - 1, StandardCharsets.UTF_8);
    String token = switch (mode) {
      case 0 -> text;
      case 1 -> signClaims(text, FIXTURE.k1);
      case 2 -> signClaims(text, FIXTURE.attacker);
      default -> signHeader(text, ISSUER, FIXTURE.k1);
    };
    if (token == null) {
      return; // not JSON the test can sign: nothing to send
    }
    Decision d;
    long ms;
    try (SilentCloseable loopbackOnly = BugDetectors.allowNetworkConnections(
        (host, port) -> isLoopback(host))) {
      d = FIXTURE.source.decide(AccessToken.of(token));
      // timed the second time: the first may load classes, which a loaded machine makes slow
      long started = System.nanoTime();
      FIXTURE.source.decide(AccessToken.of(token));
      ms = (System.nanoTime() - started) / 1_000_000;
    } catch (RuntimeException e) {
      fail("F03: deciding on a token threw " + e, e);
      return;
    }
    assertTrue(ms <= MAX_MILLIS, "F03: deciding on a token took " + ms + " ms");
    if (!(d instanceof Decision.Accept)) {
      return;
    }
    String shown = "F03: accepted (mode " + mode + ") " + token + ": ";
    assertFalse(mode == 2, shown + "signed with the attacker's key");
    assertTrue(signedByK1(token), shown + "its signature does not verify with k1");
    SignedJWT jwt = SignedJWT.parse(token);
    assertTrue(JWSAlgorithm.RS256.equals(jwt.getHeader().getAlgorithm()), shown + "alg");
    JOSEObjectType typ = jwt.getHeader().getType();
    assertTrue(typ == null || typ.getType().equalsIgnoreCase("JWT")
        || typ.getType().equalsIgnoreCase("at+jwt"), shown + "typ " + typ);
    JWTClaimsSet c = jwt.getJWTClaimsSet();
    Instant now = Instant.now();
    assertTrue(ISSUER.equals(c.getIssuer()), shown + "issuer");
    assertTrue(c.getAudience() != null && c.getAudience().contains(AUDIENCE), shown + "audience");
    assertTrue(c.getExpirationTime() != null
        && c.getExpirationTime().toInstant().plusSeconds(60).isAfter(now), shown + "exp");
    assertTrue(c.getNotBeforeTime() == null
        || !c.getNotBeforeTime().toInstant().minusSeconds(60).isAfter(now), shown + "nbf");
    for (String idClaim : List.of("nonce", "at_hash", "c_hash", "s_hash")) {
      assertTrue(c.getClaim(idClaim) == null, shown + "an ID token (" + idClaim + ")");
    }
  }

  private static String signClaims(String json, RSAKey key) {
    try {
      SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("k1")
          .type(JOSEObjectType.JWT).build(), JWTClaimsSet.parse(json));
      jwt.sign(new RSASSASigner(key));
      return jwt.serialize();
    } catch (Exception e) {
      return null;
    }
  }

  private static String signHeader(String json, String issuer, RSAKey key) {
    try {
      JWSHeader header = JWSHeader.parse(json);
      if (!JWSAlgorithm.RS256.equals(header.getAlgorithm())) {
        return null;
      }
      Instant now = Instant.now();
      SignedJWT jwt = new SignedJWT(header, new JWTClaimsSet.Builder().issuer(issuer)
          .audience(AUDIENCE).subject("u-1").claim("preferred_username", "alice")
          .expirationTime(Date.from(now.plusSeconds(600))).build());
      jwt.sign(new RSASSASigner(key));
      return jwt.serialize();
    } catch (Exception e) {
      return null;
    }
  }

  /** RS256 over {@code header.payload} with k1's public key, by the JDK rather than nimbus. */
  private static boolean signedByK1(String token) {
    try {
      int last = token.lastIndexOf('.');
      Signature rs256 = Signature.getInstance("SHA256withRSA");
      rs256.initVerify(FIXTURE.k1.toRSAPublicKey());
      rs256.update(token.substring(0, last).getBytes(StandardCharsets.US_ASCII));
      return rs256.verify(Base64.getUrlDecoder().decode(token.substring(last + 1)));
    } catch (Exception e) {
      return false;
    }
  }

  private static boolean isLoopback(String host) {
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (Exception e) {
      return false;
    }
  }

  /** The provider stub, its key, an attacker's key, and the source with its keys fetched. */
  private static final class Fixture {
    final HttpStub idp = HttpStub.start();
    final RSAKey k1;
    final RSAKey attacker;
    final OidcIdentitySource source;

    Fixture() {
      try {
        k1 = new RSAKeyGenerator(2048).keyID("k1").generate();
        attacker = new RSAKeyGenerator(2048).keyID("k1").generate();
        String jwks = new JWKSet(k1.toPublicJWK()).toString(true);
        idp.route("GET", "/realms/eng/jwks", r -> HttpStub.Response.ok(jwks));
        source = new OidcIdentitySource(new OidcConfig(URI.create(ISSUER), AUDIENCE,
            Optional.of(URI.create(idp.url("/realms/eng/jwks"))), List.of("RS256"),
            "preferred_username", "groups", Duration.ofSeconds(60), Duration.ofSeconds(2),
            Optional.empty()), Duration.ofHours(1));
        // fetch the keys now, before the fuzzer starts: every fuzzed token meets cached keys
        String valid = signHeader("{\"alg\":\"RS256\",\"kid\":\"k1\",\"typ\":\"JWT\"}",
            ISSUER, k1);
        assertInstanceOf(Decision.Accept.class, source.decide(AccessToken.of(valid)),
            "F03: the fixture's own valid token");
      } catch (Exception e) {
        throw new IllegalStateException("F03 JWT fixture", e);
      }
    }
  }
}
