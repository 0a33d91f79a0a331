package io.gitedge.auth;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accepts OpenSSH user certificates signed by one of the configured certificate authorities.
 *
 * <p>A certificate authenticates a user when: it is a user certificate; its CA is configured;
 * now lies in {@code [validAfter, validBefore)}; it has principals; it has no critical option but
 * {@code source-address} (which the SSH layer enforces), so {@code force-command} and anything
 * unknown are refused; and it names a known user. That user is the login name when the login name
 * is a known user and a principal; otherwise (everyone logs in as {@code git}) the one principal
 * that names a known user. Zero or several such principals are refused. Reasons go to the log as
 * stable codes. Immutable and thread-safe.
 */
public final class SshCertificateAuthorities implements IdentitySource {
  private static final Logger log = LoggerFactory.getLogger(SshCertificateAuthorities.class);
  private static final Set<String> UNDERSTOOD_OPTIONS = Set.of("source-address");

  private final Set<SshKey> authorities;
  private final Function<String, Optional<Principal>> users;
  private final Clock clock;

  /**
   * @param authorities the trusted CA keys
   * @param users who is known, by name (the identity file)
   */
  public SshCertificateAuthorities(List<SshKey> authorities,
      Function<String, Optional<Principal>> users, Clock clock) {
    this.authorities = Set.copyOf(authorities);
    this.users = users;
    this.clock = clock;
  }

  @Override
  public Decision decide(Credential credential) {
    if (!(credential instanceof SshCertificate c)) {
      return new Decision.Pass("not-a-certificate");
    }
    Instant now = clock.instant();
    String reason = null;
    if (!c.userCertificate()) {
      reason = "not-a-user-certificate";
    } else if (!authorities.contains(c.authority())) {
      reason = "untrusted-ca";
    } else if (now.isBefore(c.validAfter())) {
      reason = "not-yet-valid";
    } else if (!now.isBefore(c.validBefore())) {
      reason = "expired";
    } else if (c.principals().isEmpty()) {
      reason = "no-principals";
    } else if (!UNDERSTOOD_OPTIONS.containsAll(c.criticalOptions())) {
      reason = "unsupported-critical-option";
    }
    if (reason != null) {
      log.info("certificate refused: reason={} id={} ca={}", reason, c.keyId(), c.authority());
      return new Decision.Reject(reason);
    }
    Optional<Principal> user = user(c);
    if (user.isEmpty()) {
      log.info("certificate refused: reason=unknown-principal id={} principals={} login={}",
          c.keyId(), c.principals(), c.login());
      return new Decision.Reject("unknown-principal");
    }
    return new Decision.Accept(user.get(), Optional.of(c.validBefore()));
  }

  private Optional<Principal> user(SshCertificate c) {
    if (c.principals().contains(c.login())) {
      Optional<Principal> byLogin = users.apply(c.login());
      if (byLogin.isPresent()) {
        return byLogin;
      }
    }
    List<Principal> known = c.principals().stream().map(users).flatMap(Optional::stream)
        .toList();
    return known.size() == 1 ? Optional.of(known.get(0)) : Optional.empty();
  }
}
