package io.gitedge.goproxy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A txtar archive, the format of x/mod's test data ({@code golang.org/x/tools/txtar}): a
 * comment, then files, each starting at a line {@code -- name --} and running to the next such
 * line, every line with its newline. The comment's {@code key=value} lines ({@code #} starts a
 * comment) are the test's parameters: {@code path}, {@code version}, {@code hash},
 * {@code wantErr}.
 */
record Txtar(Map<String, String> params, List<TestFile> files) {

  /** One file of the archive, as the test data has it. */
  record TestFile(String name, byte[] data) {
    String text() {
      return new String(data, StandardCharsets.UTF_8);
    }
  }

  static Txtar parse(String archive) {
    Map<String, String> params = new LinkedHashMap<>();
    List<TestFile> files = new ArrayList<>();
    String name = null;
    StringBuilder data = new StringBuilder();
    for (String line : archive.split("(?<=\n)")) {
      String bare = line.endsWith("\n") ? line.substring(0, line.length() - 1) : line;
      if (bare.startsWith("-- ") && bare.endsWith(" --") && bare.length() > 6) {
        if (name != null) {
          files.add(new TestFile(name, data.toString().getBytes(StandardCharsets.UTF_8)));
        }
        name = bare.substring(3, bare.length() - 3).trim();
        data.setLength(0);
      } else if (name != null) {
        data.append(line);
      } else {
        String param = bare.contains("#") ? bare.substring(0, bare.indexOf('#')) : bare;
        int eq = param.indexOf('=');
        if (eq > 0) {
          params.put(param.substring(0, eq).trim(), param.substring(eq + 1).trim());
        }
      }
    }
    if (name != null) {
      files.add(new TestFile(name, data.toString().getBytes(StandardCharsets.UTF_8)));
    }
    return new Txtar(Map.copyOf(params), List.copyOf(files));
  }

  String param(String key) {
    return params.getOrDefault(key, "");
  }

  /** The files as module files, in the archive's order. */
  List<MemoryFile> moduleFiles() {
    return files.stream().map(f -> MemoryFile.of(f.name(), f.data())).toList();
  }
}
