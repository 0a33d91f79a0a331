package io.gitedge.gateway.http;

import io.gitedge.store.MirrorName;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
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

  /** Runs one stateless upload-pack exchange; returns the HTTP status the client got. */
  static int upload(UploadPack up, InputStream in, OutputStream out, HttpServletResponse rsp,
      MirrorName mirror) throws IOException {
    up.setBiDirectionalPipe(false);
    try {
      up.uploadWithExceptionPropagation(in, out, null);
      return 200;
    } catch (UploadPackInternalServerErrorException e) {
      log.warn("upload-pack of {} failed after telling the client", mirror, e.getCause());
      return rsp.getStatus();
    } catch (ServiceMayNotContinueException e) {
      if (e.isOutput() || rsp.isCommitted()) {
        return rsp.getStatus();
      }
      return sendErr(rsp, e.getStatusCode(), e.getMessage());
    } catch (PackProtocolException e) {
      log.info("upload-pack of {} refused a request: {}", mirror, e.getMessage());
      return rsp.isCommitted() ? rsp.getStatus() : sendErr(rsp, 200, e.getMessage());
    } catch (RequestTooLargeException e) {
      log.info("upload-pack of {}: {}", mirror, e.getMessage());
      if (rsp.isCommitted()) {
        return rsp.getStatus();
      }
      rsp.reset();
      rsp.sendError(HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE, e.getMessage());
      return HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE;
    } catch (IOException e) {
      // the client went away or stalled past the I/O timeout: nothing more can reach it
      log.info("upload-pack of {} ended early: {}", mirror, e.toString());
      return rsp.isCommitted() ? rsp.getStatus() : 499;
    }
  }

  private static int sendErr(HttpServletResponse rsp, int status, String message)
      throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    new PacketLineOut(buf).writeString("ERR " + message);
    rsp.resetBuffer();
    rsp.setStatus(status);
    rsp.setContentLength(buf.size());
    rsp.getOutputStream().write(buf.toByteArray());
    return status;
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

  static void noCache(HttpServletResponse rsp) {
    rsp.setHeader("Expires", "Fri, 01 Jan 1980 00:00:00 GMT");
    rsp.setHeader("Pragma", "no-cache");
    rsp.setHeader("Cache-Control", "no-cache, max-age=0, must-revalidate");
  }

  /**
   * The request body, gunzipped if git sent it compressed (it does above 1 KiB), and cut off
   * past {@code max} bytes after decompression so a gzip bomb cannot exhaust the server.
   */
  static InputStream requestBody(HttpServletRequest req, long max) throws IOException {
    InputStream in = req.getInputStream();
    String enc = req.getHeader("Content-Encoding");
    if ("gzip".equalsIgnoreCase(enc) || "x-gzip".equalsIgnoreCase(enc)) {
      in = new GZIPInputStream(in);
    }
    return new LimitedInputStream(in, max);
  }

  /** The request body went past the configured limit. */
  static final class RequestTooLargeException extends IOException {
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
