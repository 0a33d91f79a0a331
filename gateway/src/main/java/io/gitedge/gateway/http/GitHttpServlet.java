package io.gitedge.gateway.http;

import io.gitedge.auth.Principal;
import io.gitedge.gateway.git.CachedPack;
import io.gitedge.gateway.git.CallerAuthenticator;
import io.gitedge.gateway.git.GatewayException;
import io.gitedge.gateway.git.MirrorCatalog;
import io.gitedge.gateway.git.MirrorResolver;
import io.gitedge.gateway.git.PackCache;
import io.gitedge.gateway.git.ResolvedMirror;
import io.gitedge.gateway.git.UploadPackFactory;
import io.gitedge.gateway.observe.GatewayMetrics;
import io.gitedge.gateway.observe.LogText;
import io.gitedge.store.MirrorName;
import io.gitedge.sync.SyncPlan;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.eclipse.jetty.io.EofException;
import org.eclipse.jgit.transport.UploadPack;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTPS front door: translates HTTP requests into calls on the shared read path and back.
 *
 * <pre>
 * GET  /&lt;repo&gt;/info/refs?service=git-upload-pack   ref advertisement (v0) or capabilities (v2)
 * POST /&lt;repo&gt;/git-upload-pack                     negotiation and pack ({@link PackCache})
 * *    /&lt;repo&gt;/...git-receive-pack                  403, "read-only mirror of &lt;upstream&gt;"
 * GET  /&lt;repo&gt;[/sub/pkg]?go-get=1                  go-import page
 * GET  /healthz, /readyz                           no credentials needed
 * GET  /metrics                                    callers in the admins group
 * POST /hooks/&lt;provider&gt;, /hooks/peer                 webhooks, signed ({@link HookEndpoint})
 * *    /api/v1/mirrors...                          admin API ({@link AdminApi})
 * </pre>
 *
 * Everything else, dumb HTTP included, is "not found", and so is any path that arrived
 * percent-encoded or with dot segments. {@code <repo>} is a mirror name with or without
 * {@code .git}. Errors go through {@link HttpErrorMapper}.
 */
final class GitHttpServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;
  private static final Logger log = LoggerFactory.getLogger(GitHttpServlet.class);
  private static final String INFO_REFS = "/info/refs";
  private static final String UPLOAD_PACK = "/git-upload-pack";
  private static final String RECEIVE_PACK = "/git-receive-pack";

  private final transient CallerAuthenticator authenticator;
  private final transient MirrorResolver resolver;
  private final transient MirrorCatalog catalog;
  private final transient UploadPackFactory uploadPacks;
  private final transient PackCache packCache;
  private final transient GatewayMetrics metrics;
  private final transient HookEndpoint hooks;
  private final transient AdminApi admin;
  private final transient Supplier<URI> publicUrl;
  private final transient BooleanSupplier ready;
  private final long maxRequestBytes;

  GitHttpServlet(CallerAuthenticator authenticator, MirrorResolver resolver,
      MirrorCatalog catalog, UploadPackFactory uploadPacks, PackCache packCache,
      GatewayMetrics metrics, HookEndpoint hooks, AdminApi admin, Supplier<URI> publicUrl,
      BooleanSupplier ready, long maxRequestBytes) {
    this.authenticator = authenticator;
    this.resolver = resolver;
    this.catalog = catalog;
    this.uploadPacks = uploadPacks;
    this.packCache = packCache;
    this.metrics = metrics;
    this.hooks = hooks;
    this.admin = admin;
    this.publicUrl = publicUrl;
    this.ready = ready;
    this.maxRequestBytes = maxRequestBytes;
  }

  @Override
  protected void service(HttpServletRequest req, HttpServletResponse response)
      throws IOException {
    long started = System.nanoTime();
    CountingResponse rsp = new CountingResponse(response);
    String path = req.getPathInfo() == null ? "/" : req.getPathInfo();
    String service = "other";
    String user = "-";
    int status;
    boolean probe = path.equals("/healthz") || path.equals("/readyz");
    if (!probe) {
      metrics.activity().begin();
    }
    try {
      if (probe) {
        service = path.substring(1);
        status = health(path, rsp);
      } else if (path.equals("/metrics")) {
        service = "metrics";
        Principal caller = authenticator.authenticate(
            HttpCredentials.token(req.getHeader("Authorization")));
        user = caller.name();
        status = metrics(caller, rsp);
      } else if (path.startsWith(HookEndpoint.PREFIX) && path.equals(req.getRequestURI())) {
        service = "hook";
        status = hooks.serve(req, rsp, path);
      } else if (path.startsWith("/api/") && path.equals(req.getRequestURI())) {
        service = "admin";
        Principal caller = authenticator.authenticate(
            HttpCredentials.token(req.getHeader("Authorization")));
        user = caller.name();
        status = admin.serve(req, rsp, caller, path);
      } else {
        Principal caller = authenticator.authenticate(
            HttpCredentials.token(req.getHeader("Authorization")));
        user = caller.name();
        if (!path.equals(req.getRequestURI())) {
          // the path was percent-encoded or had dot segments the HTTP layer normalised away;
          // no client of ours sends that, so only canonical paths are served
          resolver.requireCaller(caller);
          throw new GatewayException.MirrorNotFound();
        } else if ("GET".equals(req.getMethod()) && "1".equals(req.getParameter("go-get"))) {
          service = "go-get";
          status = goGet(req, rsp, caller, repoPath(path, ""));
        } else if (path.endsWith(INFO_REFS) && "GET".equals(req.getMethod())) {
          String svc = req.getParameter("service");
          // a fixed set of label values: the parameter is the client's to choose
          service = "git-upload-pack".equals(svc) || "git-receive-pack".equals(svc) ? svc : "dumb";
          status = infoRefs(req, rsp, caller, repoPath(path, INFO_REFS), svc);
        } else if (path.endsWith(UPLOAD_PACK) && "POST".equals(req.getMethod())) {
          service = "git-upload-pack";
          status = uploadPack(req, rsp, caller, repoPath(path, UPLOAD_PACK));
        } else if (path.endsWith(RECEIVE_PACK) && "POST".equals(req.getMethod())) {
          service = "git-receive-pack";
          throw readOnly(caller, repoPath(path, RECEIVE_PACK));
        } else {
          resolver.requireCaller(caller);
          throw new GatewayException.MirrorNotFound();
        }
      }
    } catch (GatewayException e) {
      status = rsp.isCommitted() ? rsp.getStatus() : HttpErrorMapper.send(rsp, e);
    } catch (EofException e) {
      status = 499; // the client went away; nothing more can reach it
    } catch (IOException | RuntimeException e) {
      // a fault of ours: the client gets a plain line, the details stay in the log
      log.warn("{} {} failed", req.getMethod(), LogText.printable(req.getRequestURI()), e);
      status = HttpServletResponse.SC_INTERNAL_SERVER_ERROR;
      if (!rsp.isCommitted()) {
        rsp.reset();
        text(rsp, status, "text/plain; charset=utf-8",
            "gitedge: internal error; the gateway's log has the details\n");
      }
    } finally {
      if (!probe) {
        metrics.activity().end();
      }
    }
    metrics.request("https", service, status, rsp.bytes());
    log.info("{} {} {} {} {}B {}ms", req.getMethod(), LogText.printable(req.getRequestURI()), status,
        user, rsp.bytes(), (System.nanoTime() - started) / 1_000_000);
  }

  private int health(String path, HttpServletResponse rsp) throws IOException {
    int status = path.equals("/healthz") || ready.getAsBoolean() ? 200 : 503;
    String body = path.equals("/healthz") ? "ok\n" : status == 200 ? "ready\n" : "starting\n";
    return text(rsp, status, "text/plain; charset=utf-8", body);
  }

  /**
   * Metrics name every mirror, private ones included, so only callers in the admins group may
   * read them (a Prometheus scraper gets a token of its own).
   */
  private int metrics(Principal caller, HttpServletResponse rsp)
      throws IOException, GatewayException {
    AdminApi.requireAdmin(caller, "metrics");
    return text(rsp, 200, "text/plain; version=0.0.4; charset=utf-8", metrics.scrape());
  }

  private static int text(HttpServletResponse rsp, int status, String type, String body)
      throws IOException {
    rsp.setStatus(status);
    rsp.setContentType(type);
    rsp.setHeader("Cache-Control", "no-cache");
    rsp.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
    return status;
  }

  private int infoRefs(HttpServletRequest req, HttpServletResponse rsp, Principal caller,
      String repo, String svc) throws IOException, GatewayException {
    if ("git-receive-pack".equals(svc)) {
      throw readOnly(caller, repo);
    }
    if (!"git-upload-pack".equals(svc)) {
      // dumb HTTP and unknown services: smart upload-pack is the only thing served
      resolver.requireCaller(caller);
      throw new GatewayException.MirrorNotFound();
    }
    ResolvedMirror m = resolver.resolveForAdvertisement(caller, repo);
    UploadPack up = uploadPacks.create(m,
        UploadPackFactory.protocolParameters(req.getHeader("Git-Protocol")));
    byte[] advertisement = SmartHttp.advertise(up);
    rsp.setStatus(200);
    SmartHttp.mirrorAge(rsp, m.age());
    rsp.setContentType("application/x-git-upload-pack-advertisement");
    SmartHttp.noCache(rsp);
    SmartHttp.writeSmall(req, rsp, advertisement);
    return 200;
  }

  private int uploadPack(HttpServletRequest req, HttpServletResponse rsp, Principal caller,
      String repo) throws IOException, GatewayException {
    if (!"application/x-git-upload-pack-request".equals(req.getContentType())) {
      throw new GatewayException.BadRequest("expected Content-Type"
          + " application/x-git-upload-pack-request");
    }
    ResolvedMirror m = resolver.resolve(caller, repo);
    List<String> protocol = UploadPackFactory.protocolParameters(req.getHeader("Git-Protocol"));
    try (InputStream in = SmartHttp.requestBody(req, maxRequestBytes);
        PackCache.Exchange x = packCache.begin(m, protocol, in)) {
      rsp.setStatus(200);
      rsp.setContentType("application/x-git-upload-pack-result");
      SmartHttp.noCache(rsp);
      SmartHttp.mirrorAge(rsp, m.age());
      Optional<CachedPack> cached = x.cached();
      if (cached.isPresent()) {
        SmartHttp.sendCached(rsp, cached.get());
        return 200;
      }
      try (UploadPack up = uploadPacks.create(m, protocol)) {
        OutputStream out = x.record(rsp.getOutputStream());
        if (SmartHttp.upload(up, x.request(), out, m.mirror().name())) {
          x.completed();
        }
      }
      return rsp.getStatus();
    }
  }

  private int goGet(HttpServletRequest req, HttpServletResponse rsp, Principal caller,
      String path) throws IOException, GatewayException {
    resolver.requireCaller(caller);
    Optional<MirrorName> name = resolver.containing(path);
    if (name.isEmpty() && path.endsWith(".git")) {
      name = resolver.containing(path.substring(0, path.length() - 4));
    }
    if (name.isEmpty() || !resolver.mayServe(caller, name.get())) {
      throw new GatewayException.MirrorNotFound();
    }
    String content = GoImportPage.content(req.getServerName(), publicUrl.get(),
        name.get().value());
    byte[] body = GoImportPage.html(content).getBytes(StandardCharsets.UTF_8);
    rsp.setStatus(200);
    rsp.setContentType("text/html; charset=utf-8");
    rsp.setContentLength(body.length);
    rsp.getOutputStream().write(body);
    return 200;
  }

  private GatewayException readOnly(Principal caller, String repo) throws GatewayException {
    SyncPlan m = resolver.authorize(caller, repo);
    log.info("refused push by {} to read-only mirror {}", caller.name(), m.name());
    return new GatewayException.ReadOnly(m.name().value(), m.upstream().url());
  }

  /** {@code /github.com/acme/lib.git/info/refs} minus {@code suffix}: the repository name. */
  private static String repoPath(String path, String suffix) {
    String p = path.substring(0, path.length() - suffix.length());
    return p.startsWith("/") ? p.substring(1) : p;
  }
}
