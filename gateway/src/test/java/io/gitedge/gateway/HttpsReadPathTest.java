package io.gitedge.gateway;

import io.gitedge.testing.ClientHome;

/** The read path spec over HTTPS, with the token in {@code ~/.netrc}. */
class HttpsReadPathTest extends ReadPathSpec {
  @Override
  String url(String repo) {
    return gw.repoUrl(repo);
  }

  @Override
  String githubBase() {
    return gw.url() + "/github.com/";
  }

  @Override
  ClientHome clientFor(String user) {
    return gw.clientWithNetrc(user);
  }
}
