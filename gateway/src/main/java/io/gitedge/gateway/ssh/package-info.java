/**
 * The SSH front door: MINA SSHD ({@link io.gitedge.gateway.ssh.SshFrontDoor}) with public-key and
 * certificate logins only, session channels that take only {@code exec}, one command class over
 * the read session, and the one place errors become exit statuses ({@code SshErrorMapper}).
 */
package io.gitedge.gateway.ssh;
