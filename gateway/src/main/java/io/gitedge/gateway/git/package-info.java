/**
 * The read path every front door shares: a {@link io.gitedge.gateway.git.ReadPath} per door opens
 * a {@link io.gitedge.gateway.git.ReadSession} per request, which authenticates
 * ({@link io.gitedge.gateway.git.CallerAuthenticator}), resolves and authorizes
 * ({@link io.gitedge.gateway.git.MirrorResolver}), refuses pushes, runs the one read-only
 * upload-pack policy ({@link io.gitedge.gateway.git.UploadPackFactory}), sorts its failures and
 * accounts for the request. Every refusal is a {@link io.gitedge.gateway.git.GatewayException};
 * doors map those, and nothing here knows HTTP or SSH.
 */
package io.gitedge.gateway.git;
