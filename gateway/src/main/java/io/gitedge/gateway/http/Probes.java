package io.gitedge.gateway.http;

import java.io.IOException;
import java.util.function.BooleanSupplier;

/**
 * What load balancers and orchestrators ask, without credentials: {@code /healthz} (the process
 * answers) and {@code /readyz} (it has warmed up, is not stopping, and may take traffic).
 */
final class Probes {
  private final BooleanSupplier ready;
  private final BooleanSupplier stopping;

  Probes(BooleanSupplier ready, BooleanSupplier stopping) {
    this.ready = ready;
    this.stopping = stopping;
  }

  /** {@code 200 ok} whenever the process answers at all. */
  int health(HttpCall call) throws IOException {
    return call.line(200, "ok");
  }

  /**
   * {@code 200 ready} once the gateway is warm, {@code 503 starting} before, {@code 503 stopping}
   * once it drains (asked on a connection opened before: new ones are refused then).
   */
  int ready(HttpCall call) throws IOException {
    if (stopping.getAsBoolean()) {
      return call.line(503, "stopping");
    }
    return ready.getAsBoolean() ? call.line(200, "ready") : call.line(503, "starting");
  }
}
