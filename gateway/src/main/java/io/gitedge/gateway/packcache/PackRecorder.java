package io.gitedge.gateway.packcache;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.function.BiConsumer;

/**
 * The response stream upload-pack writes to, copied on its way to the client: into the heap while
 * the response is at most the memory tier's entry limit, then into a temporary file of the disk
 * tier, so the heap never holds more than that limit for one response however big the pack is.
 * The client always gets its bytes first; a copy that cannot go on (the disk failed, the
 * response outgrew the disk tier) is dropped and the client's stream carries on untouched.
 * Nothing is stored until {@link #store}, which the cache calls only once upload-pack has
 * finished without an error. Not thread-safe; one per request.
 */
final class PackRecorder extends OutputStream {
  private final OutputStream response;
  private final PackKey key;
  private final DiskTier disk;
  private final long maxMemory;
  private final long maxDisk;
  private ByteArrayOutputStream memory = new ByteArrayOutputStream(8192);
  private PackFile.Writer file;
  private long size;
  private boolean dropped;

  PackRecorder(OutputStream response, PackKey key, DiskTier disk, long maxMemory, long maxDisk) {
    this.response = response;
    this.key = key;
    this.disk = disk;
    this.maxMemory = maxMemory;
    this.maxDisk = maxDisk;
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    response.write(b, off, len);
    if (len > 0) {
      copy(b, off, len);
    }
  }

  private void copy(byte[] b, int off, int len) {
    if (dropped) {
      return;
    }
    size += len;
    if (size > maxDisk) {
      drop(); // could never be stored
      return;
    }
    if (file == null && size <= maxMemory) {
      memory.write(b, off, len);
      return;
    }
    try {
      if (file == null) {
        file = disk.create(key);
        byte[] head = memory.toByteArray();
        memory = null;
        file.write(head, 0, head.length);
      }
      file.write(b, off, len);
    } catch (IOException e) {
      disk.failed("write a response to disk", e);
      drop();
    }
  }

  @Override
  public void flush() throws IOException {
    response.flush();
  }

  @Override
  public void close() throws IOException {
    response.close();
  }

  /**
   * Stores the copy: a small one through {@code toMemory}, a large one by moving its file into
   * the disk tier. Returns whether anything was stored.
   */
  boolean store(BiConsumer<PackKey, byte[]> toMemory) {
    if (dropped) {
      return false;
    }
    if (file == null) {
      toMemory.accept(key, memory.toByteArray());
      memory = null;
      dropped = true;
      return true;
    }
    try {
      PackFile.Layout layout = file.finish(key);
      boolean stored = disk.commit(key, file.file(), layout);
      file = null;
      dropped = true; // the file is the tier's now
      return stored;
    } catch (IOException e) {
      disk.failed("finish a response file", e);
      drop();
      return false;
    }
  }

  /** Throws the copy away, temporary file included. */
  void drop() {
    dropped = true;
    memory = null;
    if (file != null) {
      file.close();
      DiskTier.delete(file.file());
      file = null;
    }
  }
}
