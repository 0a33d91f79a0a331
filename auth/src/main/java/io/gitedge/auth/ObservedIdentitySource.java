package io.gitedge.auth;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports every decision of a source (its name, the decision, how long it took) and logs refusals
 * with their reason code; the credential itself never appears. Thread-safe.
 */
public final class ObservedIdentitySource implements IdentitySource {
  private static final Logger log = LoggerFactory.getLogger(ObservedIdentitySource.class);

  /** Told about every decision; must be quick and must not throw. */
  @FunctionalInterface
  public interface Listener {
    Listener NONE = (source, decision, latency) -> { };

    void onDecision(String source, Decision decision, Duration latency);
  }

  private final String name;
  private final IdentitySource delegate;
  private final Listener listener;

  public ObservedIdentitySource(String name, IdentitySource delegate, Listener listener) {
    this.name = name;
    this.delegate = delegate;
    this.listener = listener;
  }

  @Override
  public Decision decide(Credential credential) {
    long start = System.nanoTime();
    Decision d = delegate.decide(credential);
    Duration latency = Duration.ofNanos(System.nanoTime() - start);
    try {
      listener.onDecision(name, d, latency);
    } catch (RuntimeException e) {
      log.warn("decision listener failed", e);
    }
    if (d instanceof Decision.Reject r) {
      log.info("{} refused {}: reason={}", name, describe(credential), r.reason());
    } else if (d instanceof Decision.Unavailable u) {
      log.warn("{} could not decide on {}: reason={}", name, describe(credential),
          u.reason());
    }
    return d;
  }

  /** What a log line may say of a credential: its kind and, for keys, the fingerprint. */
  static String describe(Credential c) {
    if (c instanceof SshKey k) {
      return "key " + k.fingerprint();
    }
    if (c instanceof SshCertificate cert) {
      return "certificate " + cert.keyId();
    }
    return "a token";
  }
}
