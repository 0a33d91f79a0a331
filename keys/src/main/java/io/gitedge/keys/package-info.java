/**
 * Key material, with Bouncy Castle: SSH host keys ({@link io.gitedge.keys.SshHostKeys}) and TLS
 * certificates ({@link io.gitedge.keys.TlsKeys}, {@link io.gitedge.keys.TlsCredentials}), loaded
 * from PEM files or generated once and kept; failures are
 * {@link io.gitedge.keys.KeyMaterialException}. Knows nothing of HTTP, SSH sessions or
 * identities.
 */
package io.gitedge.keys;
