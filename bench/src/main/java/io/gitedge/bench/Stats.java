package io.gitedge.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Repeated measurements of one thing: median and spread (min–max). */
record Stats(List<Double> values) {
  Stats {
    values = List.copyOf(values);
    if (values.isEmpty()) {
      throw new IllegalArgumentException("no measurements");
    }
  }

  double median() {
    List<Double> s = sorted();
    int n = s.size();
    return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
  }

  double min() {
    return sorted().get(0);
  }

  double max() {
    return sorted().get(values.size() - 1);
  }

  double percentile(int p) {
    List<Double> s = sorted();
    int i = (int) Math.ceil(p / 100.0 * s.size()) - 1;
    return s.get(Math.max(0, Math.min(s.size() - 1, i)));
  }

  private List<Double> sorted() {
    List<Double> s = new ArrayList<>(values);
    s.sort(null);
    return s;
  }

  /** {@code 2.41 s (2.30–2.66)} or, below a second, in milliseconds. */
  String describe() {
    return median() >= 1 ? String.format(Locale.ROOT, "%.2f s (%.2f–%.2f)", median(), min(), max())
        : String.format(Locale.ROOT, "%.0f ms (%.0f–%.0f)", median() * 1000, min() * 1000,
            max() * 1000);
  }
}
