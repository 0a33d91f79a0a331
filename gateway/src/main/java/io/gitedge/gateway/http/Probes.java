package io.gitedge.gateway.http;

import java.io.IOException;
import java.util.function.BooleanSupplier;

/**
 * What load balancers and orchestrators ask, without credentials: {@code /healthz} (the process
 * answers) and {@code /readyz} (it has warmed up and may take traffic).
 */
final class Probes {
  private final BooleanSupplier ready;

  Probes(BooleanSupplier ready) {
    this.ready = ready;
  }

  /** {@code 200 ok} whenever the process answers at all. */
  int health(HttpCall call) throws IOException {
    return call.line(200, "ok");
  }

  /** {@code 200 ready} once the gateway is warm, {@code 503 starting} before. */
  int ready(HttpCall call) throws IOException {
    return ready.getAsBoolean() ? call.line(200, "ready") : call.line(503, "starting");
  }
}
