package io.gitedge.goproxy;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

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

  private ModuleZip() {}

  /**
   * Writes the zip of {@code modulePath@version} from {@code files} by the rules of
   * {@code x/mod/zip.Create}: files in {@code vendor} directories (by the rules of the module's
   * own {@code go} line), in nested modules and in version control folders, and irregular files
   * are left out; bad paths, case collisions and files past the size limits refuse the whole zip.
   * Every entry is named {@code <modulePath>@<version>/<path>}.
   *
   * @return the zip's {@code h1:} hash, as a {@code go.sum} line has it
   * @throws GoModuleException.BadModule when the files break the rules
   * @throws GoModuleException.Invalid when {@code modulePath} or {@code version} is not valid
   */
  public static String create(String modulePath, String version, List<? extends ModuleFile> files,
      OutputStream out) throws IOException, GoModuleException {
    throw new UnsupportedOperationException("not yet");
  }

  /** The {@code h1:} hash of a {@code go.mod} file, as the {@code <version>/go.mod} line of go.sum has it. */
  public static String goModHash(byte[] goMod) {
    throw new UnsupportedOperationException("not yet");
  }
}
