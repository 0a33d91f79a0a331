package io.gitedge.gateway;

import io.gitedge.testing.ClientHome;

/** The read path spec over SSH, logging in with the user's key through GIT_SSH_COMMAND. */
class SshReadPathTest extends ReadPathSpec {
  @Override
  String url(String repo) {
    return gw.sshUrl(repo);
  }

  @Override
  String githubBase() {
    return "ssh://git@127.0.0.1:" + gw.sshPort() + "/github.com/";
  }

  @Override
  ClientHome clientFor(String user) {
    return gw.clientWithSshKey(user);
  }
}
