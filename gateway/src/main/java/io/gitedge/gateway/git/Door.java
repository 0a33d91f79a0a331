package io.gitedge.gateway.git;

import java.util.Locale;

/** A front door: how a request reached the gateway, as metrics and the access log name it. */
public enum Door {
  HTTPS,
  SSH;

  /** The label: {@code https}, {@code ssh}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
