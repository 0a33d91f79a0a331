package io.gitedge.gateway.doctor;

import io.gitedge.auth.IdentityProbe;
import io.gitedge.auth.ReloadingIdentityFile;
import io.gitedge.config.ConfigException;
import io.gitedge.gateway.config.IdentityConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * The identity sources: the file parses (read by the same code the gateway reads it with), and
 * each remote source answers as the gateway needs ({@link IdentityProbe}: the OIDC provider's
 * discovery and signing keys, the introspection endpoint's "not active" for a made-up token, the
 * key service's 404 for a made-up key). The remote ones are asked at once, each within its own
 * configured timeout.
 */
final class IdentityCheck {
  private IdentityCheck() {}

  /** The identity file's line. */
  static Outcome file(IdentityConfig identity) {
    String subject = "identity file " + identity.file();
    try {
      new ReloadingIdentityFile(identity.file(), Duration.ofDays(1));
      return Outcome.ok(subject, "parses");
    } catch (ConfigException e) {
      return Outcome.fail(subject, e.getMessage());
    }
  }

  /** A probe per remote source. */
  static List<Probe> remote(IdentityConfig identity) {
    List<Probe> out = new ArrayList<>();
    identity.oidc().ifPresent(o -> out.add(ask("identity oidc (" + o.issuer() + ")",
        () -> IdentityProbe.oidc(o), "its JWTs get 503 until this is fixed (identity.oidc)")));
    identity.introspection().ifPresent(i -> out.add(ask("identity introspection ("
        + i.url() + ")", () -> IdentityProbe.introspection(i),
        "opaque tokens get 503 until this is fixed (identity.introspection)")));
    identity.httpKeys().ifPresent(h -> out.add(ask("identity httpKeys (" + h.url() + ")",
        () -> IdentityProbe.httpKeys(h),
        "SSH keys only it knows cannot log in until this is fixed (identity.httpKeys)")));
    return out;
  }

  private static Probe ask(String subject, Callable<String> probe, String consequence) {
    return Probe.of(subject, () -> {
      long t0 = System.nanoTime();
      try {
        return Outcome.ok(subject, probe.call() + " (" + Reach.ms(System.nanoTime() - t0) + ")");
      } catch (IdentityProbe.ProbeFailedException e) {
        return Outcome.fail(subject, e.getMessage() + "; " + consequence);
      } catch (Exception e) {
        return Outcome.fail(subject, "the check failed: " + e);
      }
    });
  }
}
