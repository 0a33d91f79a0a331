package io.gitedge.gateway.http;

import io.gitedge.gateway.fleet.Finding;
import io.gitedge.gateway.fleet.RegionAnswer;
import io.gitedge.gateway.http.StatusPage.View;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The status page's fleet section, from a {@link FleetEndpoint.Report}: one row per peer
 * (whether it answered, and how many mirrors are level, behind, ahead, missing or diverged
 * against this region), then the differences, at most {@link #MAX_FINDINGS}. Stateless.
 */
final class FleetHtml {
  /** Differences listed at most; {@code GET /api/v1/fleet} has them all. */
  static final int MAX_FINDINGS = 50;

  private FleetHtml() {}

  static void draw(Html h, View v, FleetEndpoint.Report report) {
    h.raw("<section class=\"card\" id=\"fleet\"><h2>Fleet</h2><p class=\"lead\">");
    h.text(v.region() + " compared with " + report.answers().size()
        + (report.answers().size() == 1 ? " peer: " : " peers: "));
    h.open("span", "class", "badge " + (report.diverged() ? "failing" : report.level() ? "ok"
        : "held")).text(report.diverged() ? "diverged" : report.level() ? "level" : "lagging")
        .close("span").raw("</p>");
    h.raw("<table class=\"stack\"><thead><tr><th>Region</th><th>Answer</th><th>Level</th>"
        + "<th>Behind us</th><th>Ahead of us</th><th>Missing</th><th>Diverged</th></tr>"
        + "</thead><tbody>");
    for (RegionAnswer a : report.answers()) {
      String name = a instanceof RegionAnswer.Answered ok ? ok.region() : a.url().toString();
      Map<Finding.Kind, Integer> kinds = perMirror(report, name);
      h.raw("<tr>");
      // a region that did not answer has not told its name: its address stands in
      StatusHtml.cell(h, "Region").el("div", a instanceof RegionAnswer.Answered ok ? ok.region()
          : String.valueOf(a.url().getAuthority()), "class", "name").open("div", "class", "url").path(a.url().toString()).close("div");
      StatusHtml.endCell(h);
      StatusHtml.cell(h, "Answer");
      if (a instanceof RegionAnswer.Unanswered u) {
        h.el("span", "unreachable", "class", "badge failing").el("div", u.error(), "class",
            "sub");
      } else {
        h.el("span", "answered", "class", "badge ok");
      }
      StatusHtml.endCell(h);
      for (Finding.Kind k : List.of(Finding.Kind.LEVEL, Finding.Kind.BEHIND, Finding.Kind.AHEAD,
          Finding.Kind.MISSING, Finding.Kind.DIVERGED)) {
        StatusHtml.cell(h, switch (k) {
          case LEVEL -> "Level";
          case BEHIND -> "Behind us";
          case AHEAD -> "Ahead of us";
          case MISSING -> "Missing";
          default -> "Diverged";
        });
        int count = kinds.getOrDefault(k, 0);
        h.open("span", "class", count > 0 && k == Finding.Kind.DIVERGED ? "bad" : "")
            .text(a instanceof RegionAnswer.Unanswered ? "—" : Integer.toString(count))
            .close("span");
        StatusHtml.endCell(h);
      }
      h.raw("</tr>");
    }
    h.raw("</tbody></table>");
    differences(h, report);
    h.raw("</section>");
  }

  /**
   * How many mirrors stand how with {@code region}: each mirror counted once, by its worst
   * finding (diverged, missing, behind, ahead, level).
   */
  private static Map<Finding.Kind, Integer> perMirror(FleetEndpoint.Report report,
      String region) {
    Map<Finding.Kind, Integer> out = new TreeMap<>();
    for (List<Finding> found : report.findings().values()) {
      Optional<Finding.Kind> worst = Optional.empty();
      for (Finding.Kind k : List.of(Finding.Kind.DIVERGED, Finding.Kind.MISSING,
          Finding.Kind.BEHIND, Finding.Kind.AHEAD, Finding.Kind.LEVEL)) {
        if (worst.isEmpty() && found.stream().anyMatch(f -> f.region().equals(region)
            && f.kind() == k)) {
          worst = Optional.of(k);
        }
      }
      worst.ifPresent(k -> out.merge(k, 1, Integer::sum));
    }
    return out;
  }

  private static void differences(Html h, FleetEndpoint.Report report) {
    List<Map.Entry<String, Finding>> shown = report.findings().entrySet().stream()
        .flatMap(e -> e.getValue().stream().filter(f -> f.kind() != Finding.Kind.LEVEL
            && f.kind() != Finding.Kind.UNREACHABLE).map(f -> Map.entry(e.getKey(), f)))
        .toList();
    if (shown.isEmpty()) {
      return;
    }
    h.raw("<h3>Differences</h3><ul class=\"findings\">");
    for (Map.Entry<String, Finding> e : shown.subList(0, Math.min(MAX_FINDINGS, shown.size()))) {
      Finding f = e.getValue();
      h.raw("<li>").el("span", f.kind().label(), "class", "badge " + (f.kind()
          == Finding.Kind.DIVERGED ? "failing" : "held")).text(" ").el("strong", e.getKey())
          .text(f.ref().map(r -> " " + r).orElse("")).el("div", f.detail(), "class", "sub")
          .raw("</li>");
    }
    h.raw("</ul>");
    if (shown.size() > MAX_FINDINGS) {
      h.el("p", "and " + (shown.size() - MAX_FINDINGS) + " more: GET /api/v1/fleet lists"
          + " them all", "class", "legend");
    }
  }
}
