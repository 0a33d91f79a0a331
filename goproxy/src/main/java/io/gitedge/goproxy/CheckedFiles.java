package io.gitedge.goproxy;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Which of a module's files go into its zip ({@code x/mod/zip.CheckedFiles}): every file given
 * lands in exactly one of {@code valid}, {@code omitted} and {@code invalid}, in the order given.
 *
 * @param valid the files the zip holds, with the size each was checked at
 * @param omitted files left out by rule (vendored, in a nested module, not regular), with why
 * @param invalid files that refuse the whole zip, with why
 * @param sizeError set when the valid files together exceed {@link ModuleZip#MAX_ZIP_FILE}
 */
record CheckedFiles(List<ValidFile> valid, List<FileError> omitted, List<FileError> invalid,
    Optional<String> sizeError) {

  CheckedFiles {
    valid = List.copyOf(valid);
    omitted = List.copyOf(omitted);
    invalid = List.copyOf(invalid);
  }

  /** A file the zip holds, with the size it declared when it was checked. */
  record ValidFile(ModuleFile file, long size) {
    String path() {
      return file.path();
    }
  }

  /** A file left out or refused, and why, in the go command's words. */
  record FileError(String path, String reason) {
    @Override
    public String toString() {
      return path + ": " + reason;
    }
  }

  /**
   * Why these files make no module zip ({@code CheckedFiles.Err}): the size error if any, else
   * every invalid file, one {@code path: reason} a line.
   */
  Optional<String> error() {
    if (sizeError.isPresent()) {
      return sizeError;
    }
    if (!invalid.isEmpty()) {
      return Optional.of(invalid.stream().map(FileError::toString)
          .collect(Collectors.joining("\n")));
    }
    return Optional.empty();
  }
}
