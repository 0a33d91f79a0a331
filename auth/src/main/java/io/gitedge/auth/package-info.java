/**
 * Who is calling, and may they read this repository. A front door turns what a client presents
 * into a {@link io.gitedge.auth.Credential} (a token, an SSH key, an OpenSSH certificate); an
 * {@link io.gitedge.auth.IdentitySource} answers with a {@link io.gitedge.auth.Decision} carrying
 * a {@link io.gitedge.auth.Principal} or a stable reason code; the
 * {@link io.gitedge.auth.AccessPolicy} says which repositories a principal may read. Sources: the
 * identity file, OIDC (JWKS), OAuth introspection, a central SSH key service, SSH certificate
 * authorities; remote ones behind {@link io.gitedge.auth.CachingIdentitySource}. Knows nothing of
 * HTTP or SSH.
 */
package io.gitedge.auth;
