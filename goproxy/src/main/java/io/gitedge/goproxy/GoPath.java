package io.gitedge.goproxy;

import java.util.ArrayList;
import java.util.List;

/**
 * Go's {@code path} package as far as the zip rules use it: a file path must be clean
 * ({@code path.Clean}) to go into a module zip. The rules for the path's characters and
 * elements are {@link ModulePath#checkFilePath}'s.
 */
final class GoPath {
  private GoPath() {}

  /**
   * Go's {@code path.Clean}: the shortest path naming the same file by lexical processing
   * alone ({@code .} elements and {@code x/..} pairs gone, no doubled or trailing slash);
   * {@code "."} for the empty path.
   */
  static String clean(String path) {
    if (path.isEmpty()) {
      return ".";
    }
    boolean rooted = path.charAt(0) == '/';
    List<String> out = new ArrayList<>();
    int leadingDotDots = 0;
    for (String elem : path.split("/", -1)) {
      if (elem.isEmpty() || elem.equals(".")) {
        continue;
      }
      if (elem.equals("..")) {
        if (out.size() > leadingDotDots) {
          out.remove(out.size() - 1);
        } else if (!rooted) {
          out.add("..");
          leadingDotDots++;
        }
        continue;
      }
      out.add(elem);
    }
    String joined = String.join("/", out);
    if (rooted) {
      return "/" + joined;
    }
    return joined.isEmpty() ? "." : joined;
  }
}
