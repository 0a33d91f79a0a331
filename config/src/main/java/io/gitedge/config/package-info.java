/**
 * Strict YAML for config files: {@link io.gitedge.config.ConfigNode} (a value with its file, line
 * and key path, and typed conversions that fail with a {@link io.gitedge.config.ConfigException}
 * naming them) and {@link io.gitedge.config.ConfigMap} (a mapping that rejects unknown keys). Each
 * module reads its own config sections with these; nothing here knows a section.
 */
package io.gitedge.config;
