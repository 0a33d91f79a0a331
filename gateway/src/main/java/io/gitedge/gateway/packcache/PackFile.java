package io.gitedge.gateway.packcache;

import io.gitedge.store.InvalidMirrorNameException;
import io.gitedge.store.MirrorName;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Optional;

/**
 * The file a disk-tier entry lives in, and how it is checked. A crash, a full disk or a stray
 * edit can leave a file short or changed; none of that may ever reach a client, so a file says
 * what it holds and proves it:
 *
 * <pre>
 * header   "gitedge-pack-cache 1\n" mirror "\n" key id "\n"
 * body     the response bytes, exactly as upload-pack wrote them
 * trailer  SHA-256 of the body (32 bytes), body length (8, big-endian), "GEPCEND1"
 * </pre>
 *
 * Files are named {@code <mirror>.git/<key id>.<unique>.pack} under the tier's folder, so at
 * start each can be keyed again from its path alone and checked against its header. When a
 * gateway starts, a file whose header, trailer or length disagree is deleted; the checksum is
 * verified before the entry's first use ({@link #verify}), which spares reading gigabytes at
 * startup. Files written by this process are trusted. Stateless.
 */
final class PackFile {
  static final String SUFFIX = ".pack";
  static final int TRAILER = 32 + 8 + 8;
  private static final byte[] MAGIC = "gitedge-pack-cache 1\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] END = "GEPCEND1".getBytes(StandardCharsets.US_ASCII);

  private PackFile() {}

  /** What a file on disk claims: its key and where its body lies. */
  record Layout(PackKey key, long headerLength, long bodyLength, byte[] sha256) {}

  static byte[] header(PackKey key) {
    byte[] rest = (key.mirror().value() + "\n" + key.id() + "\n")
        .getBytes(StandardCharsets.UTF_8);
    byte[] h = Arrays.copyOf(MAGIC, MAGIC.length + rest.length);
    System.arraycopy(rest, 0, h, MAGIC.length, rest.length);
    return h;
  }

  /** {@code <root>/github.com/acme/lib.git/<id>.<unique>.pack}. */
  static Path path(Path root, PackKey key, String unique) {
    return root.resolve(key.mirror().relativeDirectory()).resolve(key.id() + "." + unique
        + SUFFIX);
  }

  /** The key a file's path names, if it is a path {@link #path} makes. */
  static Optional<PackKey> keyOf(Path root, Path file) {
    Path rel = root.relativize(file);
    String name = rel.getFileName().toString();
    if (rel.getNameCount() < 3 || !name.endsWith(SUFFIX) || name.indexOf('.') != 64) {
      return Optional.empty();
    }
    StringBuilder dir = new StringBuilder();
    for (Path p : rel.getParent()) {
      dir.append(dir.length() == 0 ? "" : "/").append(p);
    }
    String id = name.substring(0, 64);
    if (!dir.toString().endsWith(".git") || !PackKey.ID.matcher(id).matches()) {
      return Optional.empty();
    }
    try {
      return Optional.of(new PackKey(MirrorName.parse(dir.toString()), id));
    } catch (InvalidMirrorNameException e) {
      return Optional.empty();
    }
  }

  /**
   * Reads a file's header and trailer: empty when the header does not name {@code key} or the
   * length in the trailer does not match the file's size (a short write, a truncation).
   */
  static Optional<Layout> check(Path file, PackKey key) throws IOException {
    byte[] header = header(key);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size < header.length + TRAILER) {
        return Optional.empty();
      }
      ByteBuffer h = ByteBuffer.allocate(header.length);
      readFully(ch, h, 0);
      ByteBuffer t = ByteBuffer.allocate(TRAILER);
      readFully(ch, t, size - TRAILER);
      byte[] sha = Arrays.copyOfRange(t.array(), 0, 32);
      long length = t.getLong(32);
      byte[] end = Arrays.copyOfRange(t.array(), 40, 48);
      if (!Arrays.equals(h.array(), header) || !Arrays.equals(end, END)
          || length != size - header.length - TRAILER) {
        return Optional.empty();
      }
      return Optional.of(new Layout(key, header.length, length, sha));
    }
  }

  /** Whether the body in {@code ch} has the SHA-256 its trailer recorded. */
  static boolean verify(FileChannel ch, Layout layout) throws IOException {
    MessageDigest md = RefsSnapshot.sha256();
    ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
    long pos = layout.headerLength();
    long end = pos + layout.bodyLength();
    while (pos < end) {
      buf.clear().limit((int) Math.min(buf.capacity(), end - pos));
      int n = ch.read(buf, pos);
      if (n < 0) {
        return false;
      }
      md.update(buf.array(), 0, n);
      pos += n;
    }
    return MessageDigest.isEqual(md.digest(), layout.sha256());
  }

  private static void readFully(FileChannel ch, ByteBuffer b, long pos) throws IOException {
    while (b.hasRemaining()) {
      if (ch.read(b, pos + b.position()) < 0) {
        throw new IOException("unexpected end of file");
      }
    }
    b.flip();
  }

  /**
   * Writes one file: the header when made, the body as it comes, the trailer on
   * {@link #finish}. Not thread-safe.
   */
  static final class Writer implements AutoCloseable {
    private final Path file;
    private final OutputStream out;
    private final MessageDigest md = RefsSnapshot.sha256();
    private final long headerLength;
    private long bodyLength;

    Writer(Path file, PackKey key) throws IOException {
      this.file = file;
      this.out = new java.io.BufferedOutputStream(Files.newOutputStream(file,
          StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), 64 * 1024);
      byte[] h = header(key);
      this.headerLength = h.length;
      try {
        out.write(h);
      } catch (IOException e) {
        close();
        throw e;
      }
    }

    void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      md.update(b, off, len);
      bodyLength += len;
    }

    long bodyLength() {
      return bodyLength;
    }

    /** Writes the trailer and closes; the layout of the finished file. */
    Layout finish(PackKey key) throws IOException {
      byte[] sha = md.digest();
      ByteBuffer t = ByteBuffer.allocate(TRAILER).put(sha).putLong(bodyLength).put(END);
      out.write(t.array());
      out.close();
      return new Layout(key, headerLength, bodyLength, sha);
    }

    Path file() {
      return file;
    }

    @Override
    public void close() {
      try {
        out.close();
      } catch (IOException e) {
        // the file is deleted by the caller; a failed close changes nothing
      }
    }
  }
}
