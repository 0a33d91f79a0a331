package io.gitedge.gateway.packcache;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * A stored upload-pack response, opened for one client: its exact length (for a
 * {@code Content-Length}) and its bytes, the pkt-line and sideband stream upload-pack wrote. The
 * bytes come from the heap or from an open file of the disk tier, which stays readable even if
 * the entry is evicted meanwhile. Not thread-safe; close it once written.
 */
public final class CachedPack implements AutoCloseable {
  private static final int CHUNK = 64 * 1024;

  private final long length;
  private final byte[] bytes;
  private final FileChannel file;
  private final long offset;

  private CachedPack(long length, byte[] bytes, FileChannel file, long offset) {
    this.length = length;
    this.bytes = bytes;
    this.file = file;
    this.offset = offset;
  }

  static CachedPack inMemory(byte[] bytes) {
    return new CachedPack(bytes.length, bytes, null, 0);
  }

  /** The {@code length} bytes of {@code file} from {@code offset}; takes over the channel. */
  static CachedPack onDisk(FileChannel file, long offset, long length) {
    return new CachedPack(length, null, file, offset);
  }

  /** The response body's length in bytes. */
  public long length() {
    return length;
  }

  /** Writes the whole response body to {@code out}. */
  public void writeTo(OutputStream out) throws IOException {
    if (bytes != null) {
      out.write(bytes);
      return;
    }
    ByteBuffer buf = ByteBuffer.allocate((int) Math.min(CHUNK, Math.max(1, length)));
    long pos = offset;
    long end = offset + length;
    while (pos < end) {
      buf.clear().limit((int) Math.min(buf.capacity(), end - pos));
      int n = file.read(buf, pos);
      if (n < 0) {
        throw new IOException("cached response ended " + (end - pos) + " bytes early");
      }
      out.write(buf.array(), 0, n);
      pos += n;
    }
  }

  @Override
  public void close() throws IOException {
    if (file != null) {
      file.close();
    }
  }
}
