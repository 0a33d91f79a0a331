package io.gitedge.goproxy;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which files of a module go into its zip, by {@code x/mod/zip}'s {@code checkFiles}: it sorts
 * every file into valid, omitted and invalid, with the go command's reasons, in the same order
 * and with the same first-reason-wins bookkeeping, so the error a refused zip gives is the
 * go command's error.
 *
 * <p>Reads one file: the root {@code go.mod}, for its {@code go} line, which picks the
 * {@code vendor} rules (go 1.24 changed them).
 */
final class ZipFileRules {
  static final String NOT_CLEAN = "file path is not clean";
  static final String NOT_RELATIVE = "file path is not relative";
  static final String GO_MOD_CASE = "go.mod files must have lowercase names";
  static final String GO_MOD_SIZE =
      "go.mod file too large (max size is " + ModuleZip.MAX_GO_MOD + " bytes)";
  static final String LICENSE_SIZE =
      "LICENSE file too large (max size is " + ModuleZip.MAX_LICENSE + " bytes)";
  static final String TREE_SIZE =
      "module source tree too large (max size is " + ModuleZip.MAX_ZIP_FILE + " bytes)";
  static final String VENDORED = "file is in vendor directory";
  static final String SUBMODULE_FILE = "file is in another module";
  static final String HG_ARCHIVAL = "file is inserted by 'hg archive' and is always omitted";
  static final String NOT_REGULAR = "not a regular file";

  /** The first Go version whose vendor rules drop {@code vendor/modules.txt} (go#63395). */
  private static final String GO_1_24 = "go1.24";

  private final List<CheckedFiles.ValidFile> valid = new ArrayList<>();
  private final List<CheckedFiles.FileError> omitted = new ArrayList<>();
  private final List<CheckedFiles.FileError> invalid = new ArrayList<>();
  private final Set<String> reported = new HashSet<>();
  private Optional<String> sizeError = Optional.empty();

  private ZipFileRules() {}

  /**
   * Sorts {@code files} by the zip rules. Reads the root {@code go.mod} (up to
   * {@link ModuleZip#MAX_GO_MOD} bytes; past that the zip is refused anyway and its {@code go}
   * line is not looked for).
   *
   * @throws IOException when the root go.mod cannot be read (the go command would quietly fall
   *     back to the old vendor rules and could build a zip with another hash)
   */
  static CheckedFiles check(List<? extends ModuleFile> files) throws IOException {
    return new ZipFileRules().sort(files);
  }

  private CheckedFiles sort(List<? extends ModuleFile> files) throws IOException {
    // Directories holding a go.mod (of any case) are other modules; the root's go line counts.
    Set<String> goModDirs = new HashSet<>();
    String language = "";
    for (ModuleFile f : files) {
      String p = f.path();
      int slash = p.lastIndexOf('/');
      String dir = p.substring(0, slash + 1);
      String base = p.substring(slash + 1);
      if (!GoText.equalFold(base, "go.mod") || !f.regular()) {
        continue;
      }
      goModDirs.add(dir);
      if (base.equals("go.mod") && dir.isEmpty()) {
        language = readGoMod(f).map(GoModFile::language).orElse("");
      }
    }
    boolean go124 = GoVersion.compare(language, GO_1_24) >= 0;

    CollisionChecker collisions = new CollisionChecker();
    long sizeLeft = ModuleZip.MAX_ZIP_FILE;
    for (ModuleFile f : files) {
      String p = f.path();
      if (!p.equals(GoPath.clean(p))) {
        report(p, false, NOT_CLEAN);
        continue;
      }
      if (p.startsWith("/")) {
        report(p, false, NOT_RELATIVE);
        continue;
      }
      if (isVendoredPackage(p, go124)) {
        report(p, true, VENDORED);
        continue;
      }
      if (inSubmodule(p, goModDirs)) {
        report(p, true, SUBMODULE_FILE);
        continue;
      }
      if (p.equals(".hg_archival.txt")) {
        // hg archive inserts it; the go command drops it whatever the version control system.
        report(p, true, HG_ARCHIVAL);
        continue;
      }
      try {
        ModulePath.checkFilePath(p);
      } catch (GoModuleException.Invalid badPath) {
        report(p, false, badPath.getMessage());
        continue;
      }
      if (p.equalsIgnoreCase("go.mod") && !p.equals("go.mod")) {
        // Only ASCII letters lower-case to the letters of go.mod, so ASCII case suffices.
        report(p, false, GO_MOD_CASE);
        continue;
      }
      Optional<String> collision = collisions.check(p, false);
      if (collision.isPresent()) {
        report(p, false, collision.get());
        continue;
      }
      if (!f.regular()) {
        report(p, true, NOT_REGULAR);
        continue;
      }
      long size = f.size();
      if (size >= 0 && size <= sizeLeft) {
        sizeLeft -= size;
      } else if (sizeError.isEmpty()) {
        sizeError = Optional.of(TREE_SIZE);
      }
      if (p.equals("go.mod") && size > ModuleZip.MAX_GO_MOD) {
        report(p, false, GO_MOD_SIZE);
        continue;
      }
      if (p.equals("LICENSE") && size > ModuleZip.MAX_LICENSE) {
        report(p, false, LICENSE_SIZE);
        continue;
      }
      valid.add(new CheckedFiles.ValidFile(f, size));
    }
    return new CheckedFiles(valid, omitted, invalid, sizeError);
  }

  /** Files the go command already reported on are not reported twice. */
  private void report(String path, boolean omit, String reason) {
    if (reported.add(path)) {
      (omit ? omitted : invalid).add(new CheckedFiles.FileError(path, reason));
    }
  }

  /**
   * {@code isVendoredPackage}: whether {@code name} lies in a vendored package, that is in a
   * directory under a {@code vendor} directory, which the zip leaves out. {@code vendor/x.go}
   * itself stays. Before go 1.24 (golang/go#37397) a nested {@code pkg/vendor/x.go} counted as
   * vendored and {@code vendor/modules.txt} was kept; from go 1.24 (golang.org/issue/63395)
   * {@code vendor/modules.txt} is left out and {@code pkg/vendor/x.go} is kept.
   */
  static boolean isVendoredPackage(String name, boolean go124) {
    if (go124 && name.equals("vendor/modules.txt")) {
      return true;
    }
    int rest;
    if (name.startsWith("vendor/")) {
      rest = "vendor/".length();
    } else {
      int j = name.indexOf("/vendor/");
      if (j < 0) {
        return false;
      }
      // The old rule skipped only as many characters as "/vendor/" has, from the start.
      rest = go124 ? j + "/vendor/".length() : "/vendor/".length();
    }
    return name.indexOf('/', rest) >= 0;
  }

  /** Whether a directory above {@code p} (not the root) holds a go.mod: another module. */
  private static boolean inSubmodule(String p, Set<String> goModDirs) {
    String rest = p;
    while (true) {
      int slash = rest.lastIndexOf('/');
      if (slash < 0) {
        return false;
      }
      String dir = rest.substring(0, slash + 1);
      if (goModDirs.contains(dir)) {
        return true;
      }
      rest = rest.substring(0, slash);
    }
  }

  /** The root go.mod's content, or empty when it is past the go.mod size limit. */
  private static Optional<byte[]> readGoMod(ModuleFile f) throws IOException {
    if (f.size() > ModuleZip.MAX_GO_MOD) {
      return Optional.empty();
    }
    try (InputStream in = f.open()) {
      byte[] data = in.readNBytes((int) ModuleZip.MAX_GO_MOD + 1);
      return data.length > ModuleZip.MAX_GO_MOD ? Optional.empty() : Optional.of(data);
    }
  }

  /**
   * {@code collisionChecker}: paths equal but for case, and paths that are both a file and a
   * directory. Each path's parent directories are entered too.
   */
  private static final class CollisionChecker {
    private record Entry(String path, boolean isDir) {}

    private final Map<String, Entry> seen = new HashMap<>();

    Optional<String> check(String p, boolean isDir) {
      while (true) {
        String fold = GoText.fold(p);
        Entry other = seen.get(fold);
        if (other != null) {
          if (!p.equals(other.path())) {
            return Optional.of("case-insensitive file name collision: "
                + GoText.quote(other.path()) + " and " + GoText.quote(p));
          }
          if (isDir != other.isDir()) {
            return Optional.of("entry " + GoText.quote(p) + " is both a file and a directory");
          }
          if (!isDir) {
            return Optional.of("multiple entries for file " + GoText.quote(p));
          }
          // The same directory again: every file below it enters it.
        } else {
          seen.put(fold, new Entry(p, isDir));
        }
        int slash = p.lastIndexOf('/');
        if (slash < 0) {
          return Optional.empty();
        }
        p = p.substring(0, slash);
        isDir = true;
      }
    }
  }
}
