package io.gitedge.gateway.http;

import io.gitedge.sync.MirrorAge;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import io.gitedge.gateway.git.GatewayException;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipException;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jgit.errors.PackProtocolException;

/**
 * The HTTP side of smart HTTP, as git's {@code Documentation/gitprotocol-http.txt} describes it
 * and as JGit's own servlet does it: uncached responses, small bodies gzipped when the client
 * takes it, gzip-encoded request bodies accepted and bounded after decompression, and the
 * mirror's age in a header.
 */
final class SmartHttp {
  private static final int GZIP_MIN = 256;

  private SmartHttp() {}

  /** Writes a small body with a Content-Length, gzipped when the client accepts it. */
  static void writeSmall(HttpServletRequest req, HttpServletResponse rsp, byte[] body)
      throws IOException {
    byte[] out = body;
    String accept = req.getHeader("Accept-Encoding");
    if (body.length > GZIP_MIN && accept != null && accept.contains("gzip")) {
      ByteArrayOutputStream gz = new ByteArrayOutputStream(body.length / 3);
      try (GZIPOutputStream g = new GZIPOutputStream(gz)) {
        g.write(body);
      }
      if (gz.size() < body.length) {
        out = gz.toByteArray();
        rsp.setHeader("Content-Encoding", "gzip");
      }
    }
    rsp.setContentLength(out.length);
    rsp.getOutputStream().write(out);
  }

  /**
   * {@code X-GitEdge-Mirror-Age}: seconds since the mirror's last successful sync, and when it may
   * be behind its upstream, why ({@code 192; upstream unreachable}).
   */
  static void mirrorAge(HttpServletResponse rsp, MirrorAge age) {
    age.age().ifPresent(a -> rsp.setHeader("X-GitEdge-Mirror-Age", a.toSeconds()
        + age.staleReason().map(r -> "; " + r).orElse("")));
  }

  static void noCache(HttpServletResponse rsp) {
    rsp.setHeader("Expires", "Fri, 01 Jan 1980 00:00:00 GMT");
    rsp.setHeader("Pragma", "no-cache");
    rsp.setHeader("Cache-Control", "no-cache, max-age=0, must-revalidate");
  }

  /**
   * The request body, gunzipped if git sent it compressed (it does above 1 KiB), and cut off
   * past {@code max} bytes after decompression so a gzip bomb cannot exhaust the server. A body
   * that announces more than {@code max} bytes is refused before a byte of it is read: gzip
   * does not shrink git's requests below their compressed size, so it could only be cut off
   * later, after the gateway had read all of it.
   *
   * @throws GatewayException.TooLarge when the Content-Length is over {@code max}
   */
  static InputStream requestBody(HttpServletRequest req, long max, SlowRequestGuard slow)
      throws IOException, GatewayException.BadRequest, GatewayException.TooLarge {
    if (req.getContentLengthLong() > max) {
      throw new GatewayException.TooLarge("gitedge: request body larger than " + max
          + " bytes");
    }
    InputStream in = slow.watch(req.getInputStream(), ServletContextRequest
        .getServletContextRequest(req).getConnectionMetaData().getConnection().getEndPoint());
    String enc = req.getHeader("Content-Encoding");
    if ("gzip".equalsIgnoreCase(enc) || "x-gzip".equalsIgnoreCase(enc)) {
      try {
        in = new GZIPInputStream(in);
      } catch (ZipException | EOFException e) {
        throw new GatewayException.BadRequest("gitedge: the request body is not valid gzip");
      }
    } else if (enc != null && !enc.equalsIgnoreCase("identity")) {
      throw new GatewayException.BadRequest("gitedge: unsupported Content-Encoding " + enc);
    }
    return new LimitedInputStream(in, max);
  }

  /** The request body went past the configured limit: the client's mistake, told in-band. */
  static final class RequestTooLargeException extends PackProtocolException {
    private static final long serialVersionUID = 1L;

    RequestTooLargeException(long max) {
      super("request body larger than " + max + " bytes");
    }
  }

  private static final class LimitedInputStream extends FilterInputStream {
    private final long max;
    private long read;

    LimitedInputStream(InputStream in, long max) {
      super(in);
      this.max = max;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0 && ++read > max) {
        throw new RequestTooLargeException(max);
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0 && (read += n) > max) {
        throw new RequestTooLargeException(max);
      }
      return n;
    }
  }
}
