package io.gitedge.gateway.http;

import io.gitedge.gateway.git.GatewayException;
import io.gitedge.gateway.git.ReadPath;
import io.gitedge.gateway.git.ReadSession;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import java.io.IOException;
import org.eclipse.jetty.io.EofException;

/**
 * The HTTPS front door's one servlet: finds the request's {@link Routes.Route}, opens its
 * {@link ReadSession} (which accounts for it), checks the caller's credentials when the route
 * asks for them, lets the route's {@link Endpoint} answer, and answers whatever it throws through
 * {@link HttpErrorMapper}. Nothing else: what each endpoint does is in its own class.
 */
final class HttpRouter extends HttpServlet {
  private static final long serialVersionUID = 1L;

  private final transient ReadPath reads;
  private final transient Routes routes;

  HttpRouter(ReadPath reads, Routes routes) {
    this.reads = reads;
    this.routes = routes;
  }

  @Override
  protected void service(HttpServletRequest req, HttpServletResponse response)
      throws IOException {
    CountingResponse rsp = new CountingResponse(response);
    String path = req.getPathInfo() == null ? "/" : req.getPathInfo();
    Routes.Route route = routes.find(path, req);
    String request = req.getMethod() + " " + req.getRequestURI();
    ReadSession session = route.access() == Routes.Access.PROBE ? reads.openProbe(request)
        : reads.open(request);
    session.service(route.service());
    int status = HttpErrorMapper.CLIENT_GONE;
    try {
      if (route.access() == Routes.Access.CALLER) {
        session.authenticate(HttpCredentials.token(req.getHeader("Authorization")));
      }
      status = route.endpoint().serve(new HttpCall(req, rsp, path, session));
    } catch (EofException e) {
      // Jetty's word for a client that went away: nothing more can reach it
      status = HttpErrorMapper.send(rsp, new GatewayException.ClientGone(e));
    } catch (Exception e) {
      status = HttpErrorMapper.send(rsp, session.failure(e));
      if (rsp.isCommitted()) {
        // the answer broke off mid-stream (say upload-pack's write timeout, which interrupts
        // Jetty's blocking write): the client cannot get a whole answer, and Jetty, left with a
        // half-done write, may keep the connection open indefinitely; so drop it now
        ServletContextRequest.getServletContextRequest(req).getServletChannel().abort(e);
      }
    } finally {
      session.finish(status, rsp.bytes());
    }
  }
}
