package io.gitedge.gateway.doctor;

import io.gitedge.gateway.config.ConfigOrigin;

/**
 * Where a key stands in the config file, for the "what to fix" part of a line:
 * {@code upstreams[0].url (gitedge.yaml:14)}. Immutable.
 */
record Places(ConfigOrigin origin) {
  /** {@code key (file:line)}, or the key alone when the file does not write it. */
  String at(String key) {
    Integer line = origin.lines().get(key);
    return line == null ? key : key + " (" + origin.file() + ":" + line + ")";
  }
}
