package io.gitedge.gateway.http;

import io.gitedge.gateway.git.GatewayException;
import io.gitedge.gateway.goproxy.GoProxy;
import java.io.IOException;
import java.io.InputStream;

/**
 * {@code GET /goproxy/<module>/@v/list}, {@code .info}, {@code .mod}, {@code .zip} and
 * {@code /goproxy/<module>/@latest}: the Go module proxy protocol ({@code go help goproxy}),
 * answered by {@link GoProxy}, so a CI job sets {@code GOPROXY=https://<gateway>/goproxy} and
 * downloads zips instead of cloning. A module the caller may not read, or no mirror holds, is the
 * same "not found" as an unknown repository (and {@code GOPROXY=<gateway>/goproxy,direct} falls
 * through to direct mode on it); a caller without credentials is asked for them as git is.
 */
final class GoProxyEndpoint implements Endpoint {
  static final String PREFIX = "/goproxy/";

  private final GoProxy proxy;

  GoProxyEndpoint(GoProxy proxy) {
    this.proxy = proxy;
  }

  @Override
  public int serve(HttpCall call) throws IOException, GatewayException {
    call.require("GET", "gitedge: the Go module proxy answers GET requests only");
    GoProxy.Answer answer = proxy.answer(call.session(),
        call.path().substring(PREFIX.length()), call.request().getServerName());
    var rsp = call.response();
    if (answer instanceof GoProxy.Answer.Body b) {
      rsp.setStatus(200);
      rsp.setContentType(b.contentType());
      rsp.setHeader("Cache-Control", "no-cache");
      rsp.setContentLength(b.bytes().length);
      rsp.getOutputStream().write(b.bytes());
      return 200;
    }
    GoProxy.Answer.Zip zip = (GoProxy.Answer.Zip) answer;
    try (InputStream in = zip.zip().stream()) {
      rsp.setStatus(200);
      rsp.setContentType("application/zip");
      rsp.setHeader("Cache-Control", "no-cache");
      rsp.setContentLengthLong(zip.zip().size());
      in.transferTo(rsp.getOutputStream());
    }
    return 200;
  }
}
