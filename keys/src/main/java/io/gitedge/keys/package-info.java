/**
 * Key material, with Bouncy Castle: SSH host keys ({@link io.gitedge.keys.SshHostKeys}) and TLS
 * certificates ({@link io.gitedge.keys.TlsKeys}, {@link io.gitedge.keys.TlsCredentials}), loaded
 * from PEM files or generated once and kept, and the CAs a client connection of the gateway's
 * trusts ({@link io.gitedge.keys.TrustedCertificates}); failures are
 * {@link io.gitedge.keys.KeyMaterialException}. Knows nothing of HTTP, SSH sessions or
 * identities.
 */
package io.gitedge.keys;
