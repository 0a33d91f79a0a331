package io.gitedge.goproxy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A module file for tests: its bytes in memory, or {@code length} zero bytes made up as they
 * are read (so a test can offer a 500 MB file without holding it), with a declared size that
 * may lie about the content. Counts how often it was opened and how many bytes were read.
 */
record MemoryFile(String path, byte[] data, long length, long size, boolean regular,
    AtomicInteger opens, AtomicLong bytesRead) implements ModuleFile {

  /** A regular file holding {@code data}, its size told right. */
  static MemoryFile of(String path, byte[] data) {
    return new MemoryFile(path, data, data.length, data.length, true, new AtomicInteger(),
        new AtomicLong());
  }

  static MemoryFile of(String path, String text) {
    return of(path, text.getBytes(StandardCharsets.UTF_8));
  }

  /** {@code length} zero bytes, declared as {@code size} bytes. */
  static MemoryFile zeros(String path, long size, long length) {
    return new MemoryFile(path, null, length, size, true, new AtomicInteger(),
        new AtomicLong());
  }

  /** The same file, declared as {@code size} bytes. */
  MemoryFile declaring(long declared) {
    return new MemoryFile(path, data, length, declared, regular, opens, bytesRead);
  }

  /** The same, as an irregular file (a symbolic link, say). */
  MemoryFile irregular() {
    return new MemoryFile(path, data, length, size, false, opens, bytesRead);
  }

  @Override
  public InputStream open() throws IOException {
    opens.incrementAndGet();
    InputStream content = data != null ? new ByteArrayInputStream(data) : new Zeros(length);
    return new InputStream() {
      @Override
      public int read() throws IOException {
        int b = content.read();
        if (b >= 0) {
          bytesRead.incrementAndGet();
        }
        return b;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        int n = content.read(b, off, len);
        if (n > 0) {
          bytesRead.addAndGet(n);
        }
        return n;
      }
    };
  }

  /** {@code length} zero bytes, none of them stored. */
  private static final class Zeros extends InputStream {
    private long left;

    Zeros(long length) {
      this.left = length;
    }

    @Override
    public int read() {
      if (left <= 0) {
        return -1;
      }
      left--;
      return 0;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (left <= 0) {
        return -1;
      }
      int n = (int) Math.min(len, left);
      Arrays.fill(b, off, off + n, (byte) 0);
      left -= n;
      return n;
    }
  }
}
