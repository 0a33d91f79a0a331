package io.gitedge.gateway.http;

import io.gitedge.gateway.git.GatewayException;
import io.gitedge.gateway.git.ReadSession;
import io.gitedge.gateway.git.ResolvedMirror;
import io.gitedge.gateway.packcache.CachedPack;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Git's smart HTTP protocol ({@code Documentation/gitprotocol-http.txt}) over the
 * {@link ReadSession}, for every path no other route takes:
 *
 * <pre>
 * GET  /&lt;repo&gt;/info/refs?service=git-upload-pack   ref advertisement (v0) or capabilities (v2)
 * POST /&lt;repo&gt;/git-upload-pack                     negotiation and pack (or the pack cache's copy)
 * *    /&lt;repo&gt;/...git-receive-pack                  403, "read-only mirror of &lt;upstream&gt;"
 * </pre>
 *
 * Everything else, dumb HTTP included, is "not found". {@code <repo>} is a mirror name with or
 * without {@code .git}.
 */
final class SmartHttpEndpoint implements Endpoint {
  private static final String INFO_REFS = "/info/refs";
  private static final String UPLOAD_PACK = "/git-upload-pack";
  private static final String RECEIVE_PACK = "/git-receive-pack";
  private static final String UPLOAD_PACK_SERVICE = "git-upload-pack";
  private static final String RECEIVE_PACK_SERVICE = "git-receive-pack";

  private final long maxRequestBytes;
  private final SlowRequestGuard slowRequests;

  /**
   * @param maxRequestBytes cap on an upload-pack request body after decompression
   * @param slowRequests times the request body, so a client that drips it loses the connection
   */
  SmartHttpEndpoint(long maxRequestBytes, SlowRequestGuard slowRequests) {
    this.maxRequestBytes = maxRequestBytes;
    this.slowRequests = slowRequests;
  }

  @Override
  public int serve(HttpCall call) throws IOException, GatewayException {
    String path = call.path();
    String method = call.request().getMethod();
    if (path.endsWith(INFO_REFS) && "GET".equals(method)) {
      String service = call.request().getParameter("service");
      // a fixed set of label values: the parameter is the client's to choose
      call.session().service(UPLOAD_PACK_SERVICE.equals(service)
          || RECEIVE_PACK_SERVICE.equals(service) ? service : "dumb");
      if (RECEIVE_PACK_SERVICE.equals(service)) {
        throw call.session().refusePush(repository(path, INFO_REFS));
      }
      if (!UPLOAD_PACK_SERVICE.equals(service)) {
        return Routes.notFound(call); // dumb HTTP and unknown services
      }
      return advertise(call, repository(path, INFO_REFS));
    } else if (path.endsWith(UPLOAD_PACK) && "POST".equals(method)) {
      call.session().service(UPLOAD_PACK_SERVICE);
      return uploadPack(call, repository(path, UPLOAD_PACK));
    } else if (path.endsWith(RECEIVE_PACK) && "POST".equals(method)) {
      call.session().service(RECEIVE_PACK_SERVICE);
      throw call.session().refusePush(repository(path, RECEIVE_PACK));
    }
    return Routes.notFound(call);
  }

  private static int advertise(HttpCall call, String repo) throws IOException, GatewayException {
    ResolvedMirror m = call.session().openForAdvertisement(repo);
    byte[] advertisement = call.session().advertise(m, gitProtocol(call.request()));
    HttpServletResponse rsp = call.response();
    rsp.setStatus(200);
    SmartHttp.mirrorAge(rsp, m.age());
    rsp.setContentType("application/x-git-upload-pack-advertisement");
    SmartHttp.noCache(rsp);
    SmartHttp.writeSmall(call.request(), rsp, advertisement);
    return 200;
  }

  private int uploadPack(HttpCall call, String repo) throws IOException, GatewayException {
    HttpServletRequest req = call.request();
    if (!"application/x-git-upload-pack-request".equals(req.getContentType())) {
      throw new GatewayException.BadRequest("expected Content-Type"
          + " application/x-git-upload-pack-request");
    }
    ResolvedMirror m = call.session().open(repo);
    HttpServletResponse rsp = call.response();
    try (InputStream in = SmartHttp.requestBody(req, maxRequestBytes,
        slowRequests)) {
      rsp.setStatus(200);
      rsp.setContentType("application/x-git-upload-pack-result");
      SmartHttp.noCache(rsp);
      SmartHttp.mirrorAge(rsp, m.age());
      call.session().fetch(m, gitProtocol(req), in, new ReadSession.PackResponse() {
        @Override
        public void sendStored(CachedPack stored) throws IOException {
          rsp.setContentLengthLong(stored.length());
          stored.writeTo(rsp.getOutputStream());
        }

        @Override
        public OutputStream body() throws IOException {
          return rsp.getOutputStream();
        }
      });
      return rsp.getStatus();
    }
  }

  private static String gitProtocol(HttpServletRequest req) {
    return req.getHeader("Git-Protocol");
  }

  /** {@code /github.com/acme/lib.git/info/refs} minus {@code suffix}: the repository name. */
  private static String repository(String path, String suffix) {
    String repo = path.substring(0, path.length() - suffix.length());
    return repo.startsWith("/") ? repo.substring(1) : repo;
  }
}
