package io.gitedge.gateway.http;

import io.gitedge.store.MirrorName;
import io.gitedge.sync.MirrorAge;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import io.gitedge.gateway.git.CachedPack;
import io.gitedge.gateway.git.GatewayException;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.InterruptedIOException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipException;
import org.eclipse.jetty.io.EofException;
import org.eclipse.jgit.errors.PackProtocolException;
import org.eclipse.jgit.transport.PacketLineOut;
import org.eclipse.jgit.transport.RefAdvertiser.PacketLineOutRefAdvertiser;
import org.eclipse.jgit.transport.ServiceMayNotContinueException;
import org.eclipse.jgit.transport.UploadPack;
import org.eclipse.jgit.transport.UploadPackInternalServerErrorException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The smart HTTP protocol around JGit's {@link UploadPack}, as git's
 * {@code Documentation/gitprotocol-http.txt} describes it and as JGit's own servlet does it:
 * stateless ({@code setBiDirectionalPipe(false)}), the {@code # service=} preamble for v0 only,
 * gzip-encoded request bodies accepted, and errors before the pack sent as an {@code ERR}
 * pkt-line, which git prints as {@code fatal: remote error: <message>}.
 */
final class SmartHttp {
  private static final Logger log = LoggerFactory.getLogger(SmartHttp.class);
  private static final int GZIP_MIN = 256;

  private SmartHttp() {}

  /** The ref advertisement (v0) or capability advertisement (v2), fully buffered. */
  static byte[] advertise(UploadPack up) throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream(4096);
    up.setBiDirectionalPipe(false);
    try {
      up.sendAdvertisedRefs(new PacketLineOutRefAdvertiser(new PacketLineOut(buf)),
          "git-upload-pack");
    } finally {
      up.getRevWalk().close();
    }
    return buf.toByteArray();
  }

  /**
   * Runs one stateless upload-pack exchange and returns whether upload-pack finished without an
   * exception, i.e. whether the client got a whole response (what the pack cache may store). JGit's
   * {@link UploadPack#upload} tells the client about any failure in-band, as an {@code ERR}
   * pkt-line before the pack or a sideband error within it, which git prints as
   * {@code fatal: remote error: <message>}: the client's own mistakes (malformed pkt-lines,
   * invalid wants, an oversized request) with their message, everything else as "internal server
   * error". Here that is only logged, at a level that tells a client's mistake from a fault.
   */
  static boolean upload(UploadPack up, InputStream in, OutputStream out, MirrorName mirror)
      throws IOException {
    up.setBiDirectionalPipe(false);
    try {
      up.upload(in, out, null);
      return true;
    } catch (UploadPackInternalServerErrorException | ServiceMayNotContinueException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      if (cause instanceof PackProtocolException) {
        log.info("upload-pack of {} refused a request: {}", mirror, cause.getMessage());
      } else if (cause instanceof EofException || cause instanceof InterruptedIOException) {
        log.info("upload-pack of {} ended early: {}", mirror, cause.toString());
      } else {
        log.warn("upload-pack of {} failed", mirror, cause);
      }
      return false;
    }
  }

  /**
   * Sends a stored upload-pack response with its {@code Content-Length}; status and headers are
   * the caller's, as for a response upload-pack writes.
   */
  static void sendCached(HttpServletResponse rsp, CachedPack pack) throws IOException {
    rsp.setContentLengthLong(pack.length());
    pack.writeTo(rsp.getOutputStream());
  }

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
   * past {@code max} bytes after decompression so a gzip bomb cannot exhaust the server.
   */
  static InputStream requestBody(HttpServletRequest req, long max)
      throws IOException, GatewayException.BadRequest {
    InputStream in = req.getInputStream();
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
