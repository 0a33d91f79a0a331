package io.gitedge.goproxy;

import java.io.IOException;
import java.io.InputStream;

/**
 * One file of a module's source tree, path relative to the module root ({@code go.mod},
 * {@code sub/x.go}), as {@link ModuleZip} reads it ({@code x/mod/zip.File}).
 */
public interface ModuleFile {
  /** Slash-separated path relative to the module root. */
  String path();

  /** The size in bytes. */
  long size();

  /** Whether it is a regular file; symbolic links and the like are left out of zips. */
  boolean regular();

  /** Its content; read at most once per call. */
  InputStream open() throws IOException;
}
