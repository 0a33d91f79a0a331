package io.gitedge.auth;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks opaque OAuth tokens with the provider's RFC 7662 introspection endpoint, authenticating
 * as the gateway's client. {@code active: true} accepts the token until its {@code exp}, provided
 * its {@code aud} names the configured audience and it is not a refresh or ID token (a provider
 * answers "active" for every live token it issued, whatever it was issued for);
 * {@code active: false} refuses it; any failure to get an answer (down, timeout, 4xx/5xx, not
 * JSON) is {@link Decision.Unavailable}, never a success. Tokens with two dots (JWTs) are left to
 * the OIDC source. Thread-safe.
 */
public final class IntrospectionIdentitySource implements IdentitySource {
  private static final Logger log = LoggerFactory.getLogger(IntrospectionIdentitySource.class);

  /** {@code token_type} values of tokens that are not access tokens (compared in lower case). */
  private static final Set<String> NOT_ACCESS_TOKENS =
      Set.of("refresh_token", "refresh", "id_token", "id", "offline");

  private final IntrospectionConfig settings;
  private final HttpJson http;
  private final boolean jwtsToo;

  /**
   * @param jwtsToo also introspect JWTs (when no OIDC source checks them locally)
   */
  public IntrospectionIdentitySource(IntrospectionConfig settings, boolean jwtsToo) {
    this.settings = settings;
    this.http = new HttpJson(settings.timeout(), settings.caFile());
    this.jwtsToo = jwtsToo;
  }

  @Override
  public Decision decide(Credential credential) {
    if (!(credential instanceof AccessToken t)) {
      return new Decision.Pass("not-a-token");
    }
    String token = t.reveal();
    if (token.isEmpty() || token.length() > OidcIdentitySource.MAX_TOKEN_LENGTH) {
      return new Decision.Reject("malformed");
    }
    if (!jwtsToo && token.chars().filter(c -> c == '.').count() == 2) {
      return new Decision.Pass("a-jwt");
    }
    String secret;
    try {
      secret = Files.readString(settings.clientSecretFile(), StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      log.warn("cannot read the introspection client secret {}: {}",
          settings.clientSecretFile(), e.toString());
      return new Decision.Unavailable("source-unavailable");
    }
    String basic = clientAuthorization(settings.clientId(), secret);
    HttpJson.Response r;
    try {
      r = http.postForm(settings.url(), basic,
          "token=" + form(token) + "&token_type_hint=access_token");
    } catch (HttpJson.UnavailableException e) {
      log.warn("introspection at {} unavailable: {}", settings.url().getHost(), e.getMessage());
      return new Decision.Unavailable("source-unavailable");
    }
    if (r.status() != 200) {
      log.warn("introspection at {} answered {}", settings.url().getHost(), r.status());
      return new Decision.Unavailable("source-unavailable");
    }
    if (!Boolean.TRUE.equals(r.json().get("active"))) {
      return new Decision.Reject("inactive");
    }
    Optional<Instant> exp = r.json().get("exp") instanceof Number n
        ? Optional.of(Instant.ofEpochSecond(n.longValue())) : Optional.empty();
    if (exp.isPresent() && !exp.get().isAfter(Instant.now())) {
      return new Decision.Reject("expired");
    }
    if (!audiences(r.json().get("aud")).contains(settings.audience())) {
      return new Decision.Reject("bad-audience");
    }
    if (r.json().get("token_type") instanceof String type
        && NOT_ACCESS_TOKENS.contains(type.toLowerCase(Locale.ROOT))) {
      return new Decision.Reject("bad-type");
    }
    return ClaimsPrincipal.of(r.json(), settings.usernameClaim(), settings.groupsClaim())
        .<Decision>map(p -> new Decision.Accept(p, exp))
        .orElse(new Decision.Reject("no-user"));
  }

  private static List<String> audiences(Object aud) {
    if (aud instanceof String a) {
      return List.of(a);
    }
    if (aud instanceof List<?> l) {
      return l.stream().filter(String.class::isInstance).map(String.class::cast).toList();
    }
    return List.of();
  }

  /** HTTP Basic credentials of the client, form-encoded first as RFC 6749 section 2.3.1 says. */
  static String clientAuthorization(String clientId, String secret) {
    return Base64.getEncoder().encodeToString((form(clientId) + ":" + form(secret))
        .getBytes(StandardCharsets.UTF_8));
  }

  static String form(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
