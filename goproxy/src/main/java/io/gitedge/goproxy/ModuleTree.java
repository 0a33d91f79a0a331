package io.gitedge.goproxy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.treewalk.filter.PathFilter;

/**
 * The files of a module zip as {@code codeRepo.Zip} takes them from
 * {@code git archive <commit> -- <dir>}: every blob under the module's directory, path relative
 * to it, in the tree's order; files and executables are regular files, symbolic links are not
 * (so the zip rules leave them out), submodules and directories are no files at all. A module
 * in a subdirectory without a {@code LICENSE} gets the repository root's.
 *
 * <p>Contents are the blobs as stored: {@code .gitattributes} conversions ({@code text},
 * {@code eol}, {@code ident}, filters) that {@code git archive} would apply are not.
 */
final class ModuleTree {
  private ModuleTree() {}

  static List<ModuleFile> files(GitHost host, ObjectId commit, String dir) throws IOException {
    Repository repository = host.repository();
    String prefix = dir.isEmpty() ? "" : dir + "/";
    List<ModuleFile> files = new ArrayList<>();
    boolean haveLicense = false;
    try (TreeWalk walk = new TreeWalk(host.reader())) {
      walk.addTree(host.treeOf(commit));
      walk.setRecursive(true);
      if (!dir.isEmpty()) {
        walk.setFilter(PathFilter.create(dir));
      }
      while (walk.next()) {
        String path = walk.getPathString();
        if (!path.startsWith(prefix)) {
          continue;
        }
        FileMode mode = walk.getFileMode(0);
        if (mode.getObjectType() != Constants.OBJ_BLOB) {
          // A submodule: git archive writes it as an empty directory, which Zip skips.
          continue;
        }
        String name = path.substring(prefix.length());
        ObjectId blob = walk.getObjectId(0);
        long size = host.reader().getObjectSize(blob, Constants.OBJ_BLOB);
        boolean regular = mode == FileMode.REGULAR_FILE || mode == FileMode.EXECUTABLE_FILE;
        files.add(new BlobFile(repository, name, blob, size, regular));
        if (name.equals("LICENSE")) {
          haveLicense = true;
        }
      }
    }
    if (!haveLicense && !dir.isEmpty()) {
      try {
        Optional<byte[]> license = host.readFile(commit, "LICENSE", ModuleZip.MAX_LICENSE);
        license.ifPresent(data -> files.add(new DataFile("LICENSE", data)));
      } catch (GitHost.TooLarge e) {
        // the go command leaves out a root LICENSE it cannot read (coderepo.go, Zip)
      }
    }
    return files;
  }

  /** A file of the tree, read when opened. */
  private record BlobFile(Repository repository, String path, ObjectId blob, long size,
      boolean regular) implements ModuleFile {
    @Override
    public InputStream open() throws IOException {
      return repository.open(blob, Constants.OBJ_BLOB).openStream();
    }
  }

  /** The root's LICENSE, read already; a regular file whatever its mode in the tree. */
  private record DataFile(String path, byte[] data) implements ModuleFile {
    @Override
    public long size() {
      return data.length;
    }

    @Override
    public boolean regular() {
      return true;
    }

    @Override
    public InputStream open() {
      return new ByteArrayInputStream(data);
    }
  }
}
