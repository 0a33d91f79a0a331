package io.gitedge.gateway.http;

import io.gitedge.gateway.http.StatusPage.CacheGlance;
import io.gitedge.gateway.http.StatusPage.IdentityRow;
import io.gitedge.gateway.http.StatusPage.Row;
import io.gitedge.gateway.http.StatusPage.View;
import io.gitedge.gateway.observe.GatewayMetrics;
import io.gitedge.gateway.observe.SyncHistory;
import io.gitedge.store.TagConflict;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The status page's HTML, from a {@link View}: a header, tiles counting mirrors by state, the
 * mirrors' table, the pack cache and identity sources side by side, and the fleet
 * ({@link FleetHtml}). Tables become
 * one card per row on narrow screens (CSS only). Every value goes through {@link Html}'s
 * escaping. Stateless.
 */
final class StatusHtml {
  private static final DateTimeFormatter UTC = DateTimeFormatter
      .ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);
  private static final List<String> STATES = List.of(MirrorStatus.FAILING, MirrorStatus.HELD,
      MirrorStatus.SYNCING, MirrorStatus.NEW, MirrorStatus.OK);

  private StatusHtml() {}

  static String render(View v) {
    Map<String, Integer> counts = new TreeMap<>();
    v.mirrors().forEach(r -> counts.merge(r.status().state(), 1, Integer::sum));
    int troubled = counts.getOrDefault(MirrorStatus.FAILING, 0)
        + counts.getOrDefault(MirrorStatus.HELD, 0);
    Html h = new Html();
    h.raw("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        + "<meta http-equiv=\"refresh\" content=\"" + StatusPage.REFRESH_SECONDS + "\">"
        + "<link rel=\"icon\" href=\"data:,\">");
    h.el("title", "GitEdge " + v.region() + " · " + (troubled == 0 ? "all well"
        : troubled == 1 ? "1 mirror needs attention" : troubled + " mirrors need attention"));
    h.raw("<style>" + StatusCss.CSS + "</style></head><body>");
    h.raw("<header class=\"top\"><h1>GitEdge status <span class=\"region\">");
    h.text(v.region()).raw("</span></h1><div class=\"meta\">as of ").text(utc(v.now()))
        .raw(" · refreshes every " + StatusPage.REFRESH_SECONDS + " s · <a href=\"")
        .raw(StatusPage.PATH).raw("\">reload</a></div></header><main>");
    tiles(h, v, counts);
    mirrors(h, v);
    h.raw("<div class=\"grid\">");
    packCache(h, v.packCache());
    identity(h, v);
    h.raw("</div>");
    v.fleet().ifPresent(f -> FleetHtml.draw(h, v, f));
    h.raw("</main></body></html>\n");
    return h.toString();
  }

  private static void tiles(Html h, View v, Map<String, Integer> counts) {
    h.raw("<section class=\"tiles\" aria-label=\"summary\">");
    tile(h, "", Integer.toString(v.mirrors().size()), "mirrors");
    for (String state : STATES) {
      if (counts.containsKey(state)) {
        tile(h, state, Integer.toString(counts.get(state)), state);
      }
    }
    v.mirrors().stream().map(r -> r.status().ageSeconds()).flatMap(Optional::stream)
        .max(Long::compare).ifPresent(a -> tile(h, "", age(Duration.ofSeconds(a)),
            "max age"));
    h.raw("</section>");
  }

  private static void tile(Html h, String kind, String number, String label) {
    h.open("div", "class", "tile " + kind).el("span", number, "class", "num")
        .el("span", label, "class", "lbl").close("div");
  }

  private static void mirrors(Html h, View v) {
    h.raw("<section class=\"card\" id=\"mirrors\"><h2>Mirrors</h2>");
    if (v.mirrors().isEmpty()) {
      h.raw("<p class=\"empty\">No mirrors are configured here.</p></section>");
      return;
    }
    h.raw("<table class=\"stack mirrors\"><thead><tr><th>Mirror</th><th>State</th>"
        + "<th>Age</th><th>Last sync</th><th>Next sync</th><th>Tag conflicts</th>"
        + "<th>Recent syncs</th></tr></thead>");
    for (Row r : v.mirrors()) {
      mirror(h, v.now(), r);
    }
    h.raw("</table><p class=\"legend\">Recent syncs: each bar is one sync, its height the time"
        + " it took (green succeeded, amber held, red failed); the purple line is the mirror's"
        + " age when each sync began. Ages count from the last successful sync.</p></section>");
  }

  private static void mirror(Html h, Instant now, Row r) {
    MirrorStatus s = r.status();
    h.open("tbody", "class", "mirror " + s.state(), "data-mirror", s.name()).raw("<tr>");
    cell(h, "Mirror").el("div", s.name(), "class", "name").open("div", "class", "url")
        .path(s.upstream()).close("div");
    endCell(h);
    cell(h, "State").el("span", s.state(), "class", "badge " + s.state());
    if (s.consecutiveFailures() > 0) {
      h.el("div", s.consecutiveFailures() + (s.consecutiveFailures() == 1 ? " failure"
          : " failures in a row"), "class", "sub");
    }
    // the progress of a running sync (objects, bytes, rate), once the sync reports it
    r.progress().ifPresent(p -> h.el("div", p, "class", "progress"));
    endCell(h);
    cell(h, "Age").el("span", s.ageSeconds().map(a -> age(Duration.ofSeconds(a)))
        .orElse("never"), "class", "nw");
    s.lastSuccess().ifPresent(t -> at(h, "since ", t, now));
    endCell(h);
    cell(h, "Last sync");
    s.lastAttempt().ifPresentOrElse(t -> at(h.el("span", ago(t, now), "class", "nw"), "", t,
        now), () -> h.text("none yet"));
    endCell(h);
    cell(h, "Next sync");
    s.nextSync().ifPresentOrElse(t -> h.el("span", until(t, now), "class", "nw").el("div",
        "every " + age(s.interval()), "class", "sub"),
        () -> h.text(s.syncing() ? "running" : "—"));
    endCell(h);
    cell(h, "Tag conflicts");
    conflicts(h, s.tagConflicts());
    endCell(h);
    cell(h, "Recent syncs");
    SyncChart.draw(h, r.recent(), SyncHistory.DEFAULT_CAPACITY);
    h.el("div", SyncChart.caption(r.recent()), "class", "sub");
    endCell(h);
    h.raw("</tr>");
    s.lastError().ifPresent(e -> h.raw("<tr class=\"error-row\"><td class=\"full\" colspan=\"7\">"
        + "<div class=\"v\"><span class=\"error-label\">")
        .text(s.held() ? "Held:" : "Last error:").raw("</span>")
        .el("pre", e, "class", "error").raw("</div></td></tr>"));
    h.close("tbody");
  }

  /** Opens a table cell whose column, on a phone's card, is named {@code label}. */
  static Html cell(Html h, String label) {
    return h.open("td", "data-label", label).raw("<div class=\"v\">");
  }

  static void endCell(Html h) {
    h.raw("</div></td>");
  }

  private static void conflicts(Html h, List<TagConflict> conflicts) {
    if (conflicts.isEmpty()) {
      h.el("span", "none", "class", "muted");
      return;
    }
    h.raw("<details><summary>").text(conflicts.size() + (conflicts.size() == 1 ? " tag kept"
        : " tags kept")).raw("</summary><ul class=\"conflicts\">");
    for (TagConflict c : conflicts) {
      h.raw("<li>").el("code", c.ref()).text(c.deletedUpstream()
          ? " deleted upstream; kept " + abbrev(c.keptId())
          : " kept " + abbrev(c.keptId()) + ", upstream " + abbrev(c.upstreamId()))
          .el("div", "since " + utc(c.since()), "class", "sub").raw("</li>");
    }
    h.raw("</ul></details>");
  }

  private static void packCache(Html h, CacheGlance c) {
    h.raw("<section class=\"card\" id=\"pack-cache\"><h2>Pack cache</h2>");
    if (!c.config().enabled()) {
      h.raw("<p class=\"empty\">Off (<code>packCache.enabled: false</code>).</p></section>");
      return;
    }
    long cacheable = c.hits() + c.misses();
    h.raw("<div class=\"ratio\">");
    if (cacheable == 0) {
      h.el("span", "no cacheable request yet", "class", "muted");
    } else {
      double ratio = (double) c.hits() / cacheable;
      h.el("span", Math.round(ratio * 100) + "%", "class", "big").text(" hit ratio");
      h.raw("<svg class=\"meter\" width=\"100%\" height=\"8\" viewBox=\"0 0 100 8\""
          + " preserveAspectRatio=\"none\" aria-hidden=\"true\">"
          + "<rect width=\"100\" height=\"8\" rx=\"4\" fill=\"#eaeef2\"/>");
      h.open("rect", "width", String.format(Locale.ROOT, "%.1f", ratio * 100), "height", "8",
          "rx", "4", "fill", "#2da44e").close("rect").raw("</svg>");
    }
    h.el("div", c.hits() + " hits, " + c.misses() + " misses, " + c.bypasses()
        + " not cacheable since the start", "class", "sub");
    h.raw("</div><table class=\"kv\"><tr><th>Tier</th><th>Entries</th><th>Held</th></tr>");
    tier(h, "memory", c.memoryEntries(), c.memoryBytes(), c.config().memoryBytes());
    tier(h, "disk", c.diskEntries(), c.diskBytes(), c.config().diskBytes());
    h.raw("</table></section>");
  }

  private static void tier(Html h, String name, long entries, long bytes, long limit) {
    h.raw("<tr>").el("td", name).el("td", Long.toString(entries))
        .el("td", bytes(bytes) + " of " + bytes(limit)).raw("</tr>");
  }

  private static void identity(Html h, View v) {
    h.raw("<section class=\"card\" id=\"identity\"><h2>Identity sources</h2>"
        + "<table class=\"stack\"><thead><tr><th>Source</th><th>Accepted</th><th>Refused</th>"
        + "<th>Unavailable</th><th>Cache hits</th></tr></thead><tbody>");
    for (IdentityRow r : v.identity()) {
      GatewayMetrics.IdentityTally t = r.tally();
      h.raw("<tr>");
      cell(h, "Source").el("div", r.source(), "class", "name").open("div", "class", "url")
          .path(r.where()).close("div");
      endCell(h);
      cell(h, "Accepted").text(Long.toString(t.accepted()));
      endCell(h);
      cell(h, "Refused").text(Long.toString(t.rejected()));
      endCell(h);
      cell(h, "Unavailable");
      h.open("span", "class", t.unavailable() > 0 ? "bad" : "").text(Long.toString(
          t.unavailable())).close("span");
      t.lastUnavailable().ifPresent(reason -> h.el("div", "last: " + reason
          + t.lastUnavailableAt().map(a -> ", " + ago(a, v.now())).orElse(""), "class", "sub"));
      endCell(h);
      cell(h, "Cache hits").text(t.cacheHitRatio().isPresent()
          ? Math.round(t.cacheHitRatio().getAsDouble() * 100) + "%" : "—");
      endCell(h);
      h.raw("</tr>");
    }
    h.raw("</tbody></table><p class=\"legend\">Decisions since the gateway started; reasons"
        + " are in the metrics (<code>gitedge_identity_decisions_total</code>) and the log."
        + "</p></section>");
  }

  /**
   * A time under a relative one: {@code prefix} and the time of day when {@code t} is today
   * (UTC), else the date too; the full time as its tooltip. Hidden on phones.
   */
  private static void at(Html h, String prefix, Instant t, Instant now) {
    String day = UTC.format(t).substring(0, 10);
    String shown = day.equals(UTC.format(now).substring(0, 10)) ? UTC.format(t).substring(11)
        : UTC.format(t).substring(0, 16) + " UTC";
    h.el("div", prefix + shown, "class", "sub abs", "title", utc(t));
  }

  // ---- units

  static String utc(Instant t) {
    return UTC.format(t);
  }

  static String ago(Instant t, Instant now) {
    Duration d = Duration.between(t, now);
    return d.isNegative() ? "just now" : age(d) + " ago";
  }

  static String until(Instant t, Instant now) {
    Duration d = Duration.between(now, t);
    return d.isNegative() || d.isZero() ? "due now" : "in " + age(d);
  }

  /** A coarse span for people: {@code 42 s}, {@code 5 min}, {@code 3 h 10 min}, {@code 2 d 4 h}. */
  static String age(Duration d) {
    long s = Math.max(0, d.toSeconds());
    if (s < 60) {
      return s + " s";
    }
    if (s < 3600) {
      return s / 60 + " min";
    }
    if (s < 86_400) {
      return s / 3600 + " h" + (s % 3600 / 60 > 0 ? " " + s % 3600 / 60 + " min" : "");
    }
    return s / 86_400 + " d" + (s % 86_400 / 3600 > 0 ? " " + s % 86_400 / 3600 + " h" : "");
  }

  /** A sync's duration: {@code 340 ms}, {@code 1.2 s}, {@code 2 min}. */
  static String duration(Duration d) {
    long ms = d.toMillis();
    if (ms < 1000) {
      return ms + " ms";
    }
    if (ms < 60_000) {
      return String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
    }
    return age(d);
  }

  static String bytes(long n) {
    if (n < 1024) {
      return n + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double v = n;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, v < 10 ? "%.1f %s" : "%.0f %s", v, units[u]);
  }

  private static String abbrev(String id) {
    return id.length() > 10 ? id.substring(0, 10) : id;
  }
}
