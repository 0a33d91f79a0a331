package io.gitedge.auth;

/**
 * Something a caller presents to prove who it is: a bearer token (HTTPS), an SSH public key
 * whose signature the SSH layer has verified, or an OpenSSH certificate whose CA signature the
 * SSH layer has verified. {@link IdentitySource}s map credentials to principals.
 */
public sealed interface Credential permits AccessToken, SshKey, SshCertificate {}
