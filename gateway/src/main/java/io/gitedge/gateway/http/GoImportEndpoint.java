package io.gitedge.gateway.http;

import io.gitedge.gateway.git.GatewayException;
import io.gitedge.store.MirrorName;
import java.io.IOException;
import java.net.URI;
import java.util.function.Supplier;

/**
 * {@code GET /<repo>[/sub/pkg]?go-get=1}: the page {@code go get} reads to find the repository of
 * a module path named after the gateway's own host ({@link GoImportPage}). Only for callers who
 * may read that repository; anyone else gets "not found".
 */
final class GoImportEndpoint implements Endpoint {
  private final Supplier<URI> publicUrl;

  GoImportEndpoint(Supplier<URI> publicUrl) {
    this.publicUrl = publicUrl;
  }

  /** Whether a request asks for the go-import page. */
  static boolean asks(String path, jakarta.servlet.http.HttpServletRequest req) {
    return "GET".equals(req.getMethod()) && "1".equals(req.getParameter("go-get"));
  }

  @Override
  public int serve(HttpCall call) throws IOException, GatewayException {
    MirrorName name = call.session().goImport(call.path().substring(1));
    String content = GoImportPage.content(call.request().getServerName(), publicUrl.get(),
        name.value());
    return call.text(200, "text/html; charset=utf-8", GoImportPage.html(content));
  }
}
