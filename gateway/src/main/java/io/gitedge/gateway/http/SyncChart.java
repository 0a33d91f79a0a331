package io.gitedge.gateway.http;

import io.gitedge.gateway.observe.SyncHistory;
import io.gitedge.store.SyncResult;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * A mirror's recent syncs as a small inline SVG: one bar per sync, its height the sync's duration
 * and its colour the outcome (green succeeded, amber held, red failed), newest on the right; below
 * them a line of the mirror's age when each sync began, which climbs while syncs fail. Each bar
 * has a tooltip ({@code <title>}). Sizes are fixed, so the chart fits a phone's table cell.
 */
final class SyncChart {
  static final int WIDTH = 180;
  static final int HEIGHT = 58;
  private static final double BARS_BOTTOM = 32;
  private static final double BARS_HEIGHT = 28;
  private static final double AGE_BOTTOM = 55;
  private static final double AGE_HEIGHT = 15;

  private SyncChart() {}

  /** Draws {@code recent} (oldest first) in slots for {@code capacity} syncs. */
  static void draw(Html h, List<SyncHistory.Entry> recent, int capacity) {
    int n = recent.size();
    double slot = (double) WIDTH / capacity;
    long maxMillis = Math.max(1, recent.stream().mapToLong(e -> e.duration().toMillis()).max()
        .orElse(1));
    long maxAge = Math.max(1, recent.stream().filter(e -> e.ageBefore().isPresent())
        .mapToLong(e -> e.ageBefore().get().toSeconds()).max().orElse(1));
    h.open("svg", "class", "chart", "xmlns", "http://www.w3.org/2000/svg", "width",
        Integer.toString(WIDTH), "height", Integer.toString(HEIGHT), "viewBox",
        "0 0 " + WIDTH + " " + HEIGHT, "role", "img", "aria-label",
        "the last " + n + " syncs: durations and ages");
    line(h, BARS_BOTTOM + 0.5);
    line(h, AGE_BOTTOM + 0.5);
    StringBuilder ages = new StringBuilder();
    for (int i = 0; i < n; i++) {
      SyncHistory.Entry e = recent.get(i);
      double x = WIDTH - (n - i) * slot;
      double height = Math.max(2, BARS_HEIGHT * e.duration().toMillis() / maxMillis);
      h.open("rect", "x", num(x + 0.5), "y", num(BARS_BOTTOM - height), "width",
          num(Math.max(1, slot - 1.5)), "height", num(height), "rx", "1", "fill",
          colour(e.outcome()));
      h.el("title", StatusHtml.utc(e.ended()) + " · " + e.outcome().name()
          .toLowerCase(Locale.ROOT) + " in " + StatusHtml.duration(e.duration())
          + e.ageBefore().map(a -> " · age before " + StatusHtml.age(a)).orElse(""));
      h.close("rect");
      if (e.ageBefore().isPresent()) {
        double y = AGE_BOTTOM - AGE_HEIGHT * e.ageBefore().get().toSeconds() / maxAge;
        ages.append(ages.length() == 0 ? "" : " ").append(num(x + slot / 2)).append(',')
            .append(num(y));
      }
    }
    if (ages.length() > 0) {
      if (ages.indexOf(" ") < 0) {
        String[] xy = ages.toString().split(",");
        h.open("circle", "cx", xy[0], "cy", xy[1], "r", "2", "fill", "#8250df").close("circle");
      } else {
        h.open("polyline", "points", ages.toString(), "fill", "none", "stroke", "#8250df",
            "stroke-width", "1.5", "stroke-linejoin", "round").close("polyline");
      }
    }
    h.close("svg");
  }

  /** One line of caption: how many, the longest, the oldest age. */
  static String caption(List<SyncHistory.Entry> recent) {
    if (recent.isEmpty()) {
      return "no sync since the gateway started";
    }
    Duration longest = recent.stream().map(SyncHistory.Entry::duration)
        .max(Duration::compareTo).orElseThrow();
    String text = "last " + recent.size() + " · longest " + StatusHtml.duration(longest);
    return recent.stream().filter(e -> e.ageBefore().isPresent())
        .map(e -> e.ageBefore().get()).max(Duration::compareTo)
        .map(a -> text + " · oldest " + StatusHtml.age(a)).orElse(text);
  }

  private static void line(Html h, double y) {
    h.open("line", "x1", "0", "x2", Integer.toString(WIDTH), "y1", num(y), "y2", num(y),
        "stroke", "#d0d7de", "stroke-width", "1").close("line");
  }

  private static String colour(SyncResult.Outcome outcome) {
    return switch (outcome) {
      case CREATED, UPDATED, UNCHANGED -> "#2da44e";
      case HELD -> "#d4a72c";
      case FAILED -> "#cf222e";
    };
  }

  private static String num(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }
}
