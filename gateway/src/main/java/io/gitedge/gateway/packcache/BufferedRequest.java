package io.gitedge.gateway.packcache;

import java.io.IOException;
import java.io.InputStream;

/**
 * The first bytes of a request body, read so that {@link PackRequest} can look at them, and the
 * body as upload-pack must still see it: those bytes followed by the rest of the stream. If
 * reading failed part way (the client went away, the size limit tripped, bad gzip), the replay
 * fails at that same point with that same exception, so upload-pack behaves exactly as if it had
 * read the body itself. Not thread-safe; one per request.
 */
final class BufferedRequest {
  private final byte[] buf;
  private final int length;
  private final boolean complete;
  private final Throwable failure;
  private final InputStream rest;

  private BufferedRequest(byte[] buf, int length, boolean complete, Throwable failure,
      InputStream rest) {
    this.buf = buf;
    this.length = length;
    this.complete = complete;
    this.failure = failure;
    this.rest = rest;
  }

  /** Reads {@code in} to its end, or until more than {@code max} bytes have come. */
  static BufferedRequest read(InputStream in, int max) {
    byte[] buf = new byte[Math.min(max + 1, 8192)];
    int n = 0;
    try {
      while (n <= max) {
        if (n == buf.length) {
          buf = java.util.Arrays.copyOf(buf, Math.min(max + 1, buf.length * 2));
        }
        int r = in.read(buf, n, buf.length - n);
        if (r < 0) {
          return new BufferedRequest(buf, n, true, null, in);
        }
        n += r;
      }
      return new BufferedRequest(buf, n, false, null, in);
    } catch (IOException | RuntimeException e) {
      return new BufferedRequest(buf, n, false, e, in);
    }
  }

  /** Whether the whole body was read (and is at most {@code max} bytes). */
  boolean complete() {
    return complete;
  }

  /** The buffer; only its first {@link #length()} bytes are the body's. */
  byte[] bytes() {
    return buf;
  }

  int length() {
    return length;
  }

  /**
   * The body from its first byte, as upload-pack would have read it. Past the buffered bytes
   * every call, {@code skip} and {@code available} included, goes to the original stream
   * (upload-pack drains a refused request with {@code skip}).
   */
  InputStream replay() {
    return new Replay();
  }

  private final class Replay extends InputStream {
    private int pos;
    private Throwable pending = failure;

    @Override
    public int read() throws IOException {
      if (pos < length) {
        return buf[pos++] & 0xff;
      }
      rethrow();
      return rest.read();
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      java.util.Objects.checkFromIndexSize(off, len, b.length);
      if (len == 0) {
        return 0;
      }
      if (pos < length) {
        int n = Math.min(len, length - pos);
        System.arraycopy(buf, pos, b, off, n);
        pos += n;
        return n;
      }
      rethrow();
      return rest.read(b, off, len);
    }

    @Override
    public long skip(long n) throws IOException {
      if (n <= 0) {
        return 0;
      }
      if (pos < length) {
        int k = (int) Math.min(n, length - pos);
        pos += k;
        return k;
      }
      rethrow();
      return rest.skip(n);
    }

    @Override
    public int available() throws IOException {
      if (pos < length) {
        return length - pos;
      }
      return pending != null ? 0 : rest.available();
    }

    /** The exception the first reading met, once, at the point where it met it. */
    private void rethrow() throws IOException {
      Throwable t = pending;
      if (t != null) {
        pending = null;
        if (t instanceof IOException io) {
          throw io;
        }
        throw (RuntimeException) t;
      }
    }

    @Override
    public void close() throws IOException {
      rest.close();
    }
  }
}
