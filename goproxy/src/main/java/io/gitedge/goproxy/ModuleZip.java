package io.gitedge.goproxy;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Module zips and {@code h1:} hashes exactly as {@code golang.org/x/mod/zip.Create} and
 * {@code golang.org/x/mod/sumdb/dirhash.Hash1} make them, so a zip built here has the hash the go
 * command computes in direct mode from the same files.
 */
public final class ModuleZip {
  /** The most a zip may hold, uncompressed (x/mod/zip {@code MaxZipFile}). */
  public static final long MAX_ZIP_FILE = 500L << 20;
  /** The most a {@code go.mod} may hold (x/mod/zip {@code MaxGoMod}). */
  public static final long MAX_GO_MOD = 16L << 20;
  /** The most a {@code LICENSE} may hold (x/mod/zip {@code MaxLICENSE}). */
  public static final long MAX_LICENSE = 16L << 20;

  /**
   * Every entry's time: Go writes none, and a fixed one (written as local time, so the same in
   * every time zone) keeps the zip's bytes the same from one build to the next.
   */
  private static final LocalDateTime ENTRY_TIME = LocalDateTime.of(1980, 1, 1, 0, 0);

  private static final int BUFFER_SIZE = 64 << 10;

  private ModuleZip() {}

  /**
   * Writes the zip of {@code modulePath@version} from {@code files} by the rules of
   * {@code x/mod/zip.Create}: files in {@code vendor} directories (by the rules of the module's
   * own {@code go} line), in nested modules, {@code .hg_archival.txt} and irregular files are
   * left out; bad paths, case collisions and files past the size limits refuse the whole zip.
   * Every entry is named {@code <modulePath>@<version>/<path>}, in the order of {@code files}.
   *
   * <p>Version control folders ({@code .hg}, {@code .svn}, {@code .bzr}) are kept, as
   * {@code Create} keeps them: only {@code CreateFromDir}'s walk of a directory skips them, and
   * the go command builds a zip from {@code git archive}'s files with {@code Create}.
   *
   * <p>Files are read one at a time, each once (the root {@code go.mod} twice), and streamed
   * into the zip while their hash is computed, so memory stays small whatever the module's size.
   * A file whose content runs past its declared {@link ModuleFile#size()} refuses the zip. So does
   * a zip that comes out larger than {@link #MAX_ZIP_FILE} (only incompressible content near the
   * limit can): {@code Create} would write it, but the go command refuses to unzip it. When this
   * throws, part of a zip may have been written to {@code out}: it is no zip to serve.
   * {@code out} is not closed. Messages are the go command's ({@code create zip: ...}).
   *
   * @return the zip's {@code h1:} hash, as a {@code go.sum} line has it
   * @throws GoModuleException.BadModule when the files break the rules
   * @throws GoModuleException.Invalid when {@code modulePath} or {@code version} is not valid
   */
  public static String create(String modulePath, String version, List<? extends ModuleFile> files,
      OutputStream out) throws IOException, GoModuleException {
    return create(modulePath, version, files, out, MAX_ZIP_FILE);
  }

  /** {@link #create}, refusing a zip past {@code maxZipBytes} (tests lower the limit). */
  static String create(String modulePath, String version, List<? extends ModuleFile> files,
      OutputStream out, long maxZipBytes) throws IOException, GoModuleException {
    try {
      checkModule(modulePath, version);
    } catch (GoModuleException.Invalid e) {
      throw new GoModuleException.Invalid(createZip(e.getMessage()));
    }
    CheckedFiles checked = ZipFileRules.check(files);
    Optional<String> refused = checked.error();
    if (refused.isPresent()) {
      throw new GoModuleException.BadModule(createZip(refused.get()));
    }

    String prefix = modulePath + "@" + version + "/";
    CountingStream counted = new CountingStream(out);
    ZipOutputStream zip = new ZipOutputStream(counted, StandardCharsets.UTF_8);
    List<DirHash.FileDigest> digests = new ArrayList<>(checked.valid().size());
    byte[] buffer = new byte[BUFFER_SIZE];
    for (CheckedFiles.ValidFile file : checked.valid()) {
      ZipEntry entry = new ZipEntry(prefix + file.path());
      entry.setTimeLocal(ENTRY_TIME);
      zip.putNextEntry(entry);
      byte[] sha256 = copy(file, zip, buffer);
      zip.closeEntry();
      digests.add(new DirHash.FileDigest(entry.getName(), sha256));
    }
    zip.finish();
    zip.flush();
    if (counted.count > maxZipBytes) {
      throw new GoModuleException.BadModule(createZip("module zip file is too large ("
          + counted.count + " bytes; limit is " + maxZipBytes + " bytes)"));
    }
    return DirHash.hash1(digests);
  }

  /**
   * What {@code Create} checks before it looks at a file: the version is canonical
   * ({@code module.CanonicalVersion}, with {@code Create}'s message) and {@code module.Check}
   * takes the path and version.
   */
  private static void checkModule(String modulePath, String version)
      throws GoModuleException.Invalid {
    String canonical = Semver.canonical(version);
    if (!canonical.equals(version)) {
      throw new GoModuleException.Invalid("version " + GoText.quote(version)
          + " is not canonical (should be " + GoText.quote(canonical) + ")");
    }
    ModulePath.check(modulePath, version);
  }

  /**
   * Streams one file into the current zip entry, at most one byte past its declared size, and
   * returns the SHA-256 of what it wrote.
   */
  private static byte[] copy(CheckedFiles.ValidFile file, OutputStream zip, byte[] buffer)
      throws IOException, GoModuleException {
    MessageDigest sha256 = DirHash.sha256();
    long left = file.size() + 1;
    try (InputStream in = file.file().open()) {
      int n;
      while (left > 0 && (n = in.read(buffer, 0, (int) Math.min(buffer.length, left))) >= 0) {
        left -= n;
        if (left <= 0) {
          throw new GoModuleException.BadModule(createZip(
              "file " + GoText.quote(file.path()) + " is larger than declared size"));
        }
        sha256.update(buffer, 0, n);
        zip.write(buffer, 0, n);
      }
    }
    return sha256.digest();
  }

  /** {@code Create}'s errors all start so. */
  private static String createZip(String message) {
    return "create zip: " + message;
  }

  /**
   * The {@code h1:} hash of a {@code go.mod} file, as the {@code <version>/go.mod} line of go.sum
   * has it: {@code Hash1} of the one file named {@code go.mod}.
   */
  public static String goModHash(byte[] goMod) {
    return DirHash.hash1("go.mod", goMod);
  }

  /** Counts the zip's bytes; leaves the caller's stream open. */
  private static final class CountingStream extends FilterOutputStream {
    long count;

    CountingStream(OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      count += len;
    }

    @Override
    public void close() throws IOException {
      flush();
    }
  }
}
