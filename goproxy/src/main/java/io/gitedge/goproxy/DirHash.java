package io.gitedge.goproxy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;

/**
 * {@code golang.org/x/mod/sumdb/dirhash.Hash1}, the {@code h1:} hash of go.sum and the checksum
 * database: the SHA-256 of the summary {@code sha256sum} would print for the files, one line
 * {@code <hex sha256>  <name>\n} per file in name order, in base64 after {@code h1:}. Only the
 * names and contents count: not the zip's layout, compression, times or order.
 */
final class DirHash {
  /** One file of the hash: its name in the hash (in a zip, {@code module@version/path}). */
  record FileDigest(String name, byte[] sha256) {
    FileDigest {
      if (name.contains("\n")) {
        // Hash1 refuses them: they would break the summary's lines.
        throw new IllegalArgumentException("dirhash: filenames with newlines are not supported");
      }
      if (sha256.length != 32) {
        throw new IllegalArgumentException("not a SHA-256: " + sha256.length + " bytes");
      }
      sha256 = sha256.clone();
    }

    @Override
    public byte[] sha256() {
      return sha256.clone();
    }
  }

  private DirHash() {}

  /** {@code Hash1} of files whose contents have been hashed already. */
  static String hash1(List<FileDigest> files) {
    List<FileDigest> sorted = new ArrayList<>(files);
    sorted.sort(Comparator.comparing(FileDigest::name, GoText::compare));
    MessageDigest summary = sha256();
    HexFormat hex = HexFormat.of();
    for (FileDigest file : sorted) {
      String line = hex.formatHex(file.sha256) + "  " + file.name() + "\n";
      summary.update(line.getBytes(StandardCharsets.UTF_8));
    }
    return "h1:" + Base64.getEncoder().encodeToString(summary.digest());
  }

  /** {@code Hash1} of one file held in memory, such as a go.mod. */
  static String hash1(String name, byte[] content) {
    return hash1(List.of(new FileDigest(name, sha256().digest(content))));
  }

  /** A fresh SHA-256 digest (every JDK has one). */
  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks SHA-256", e);
    }
  }
}
