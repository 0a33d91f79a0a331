package io.gitedge.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** BENCHMARKS.md upkeep: each benchmark owns a section between two HTML comment markers. */
final class Markdown {
  private Markdown() {}

  /** Replaces the text between {@code begin} and {@code end} in {@code file}, or appends it. */
  static void replaceSection(Path file, String begin, String end, String section)
      throws IOException {
    String doc = Files.exists(file) ? Files.readString(file) : "# Benchmarks\n";
    String block = begin + "\n" + section + end + "\n";
    int b = doc.indexOf(begin);
    int e = doc.indexOf(end);
    doc = b >= 0 && e > b ? doc.substring(0, b) + block + doc.substring(e + end.length() + 1)
        : doc + "\n" + block;
    Files.writeString(file, doc);
  }
}
