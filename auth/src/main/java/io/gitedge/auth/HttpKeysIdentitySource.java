package io.gitedge.auth;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SSH keys held by a central service, so a company can answer from LDAP or its Git host:
 *
 * <pre>
 * GET &lt;url&gt;?fingerprint=SHA256:...        (Authorization: Bearer &lt;token&gt;, if configured)
 * 200 {"user": "alice", "groups": ["eng"]}     the key belongs to alice
 * 404                                          nobody's key
 * </pre>
 *
 * Anything else, or no answer in time, is {@link Decision.Unavailable}. Thread-safe.
 */
public final class HttpKeysIdentitySource implements IdentitySource {
  private static final Logger log = LoggerFactory.getLogger(HttpKeysIdentitySource.class);

  private final HttpKeysConfig settings;
  private final HttpJson http;

  public HttpKeysIdentitySource(HttpKeysConfig settings) {
    this.settings = settings;
    this.http = new HttpJson(settings.timeout(), settings.caFile());
  }

  @Override
  public Decision decide(Credential credential) {
    if (!(credential instanceof SshKey key)) {
      return new Decision.Pass("not-a-key");
    }
    Optional<String> bearer;
    try {
      bearer = settings.tokenFile().isPresent()
          ? Optional.of(Files.readString(settings.tokenFile().get()).strip()) : Optional.empty();
    } catch (IOException e) {
      log.warn("cannot read the key service token: {}", e.toString());
      return new Decision.Unavailable("source-unavailable");
    }
    String sep = settings.url().getRawQuery() == null ? "?" : "&";
    URI uri = URI.create(settings.url() + sep + "fingerprint="
        + URLEncoder.encode(key.fingerprint(), StandardCharsets.UTF_8));
    HttpJson.Response r;
    try {
      r = http.get(uri, bearer);
    } catch (HttpJson.UnavailableException e) {
      log.warn("key service {} unavailable: {}", settings.url().getHost(), e.getMessage());
      return new Decision.Unavailable("source-unavailable");
    }
    if (r.status() == 404) {
      return new Decision.Reject("unknown-key");
    }
    if (r.status() != 200) {
      log.warn("key service {} answered {}", settings.url().getHost(), r.status());
      return new Decision.Unavailable("source-unavailable");
    }
    Map<String, Object> json = r.json();
    return ClaimsPrincipal.of(json, "user", "groups").<Decision>map(Decision::accept)
        .orElse(new Decision.Reject("no-user"));
  }
}
