package io.gitedge.gateway.http;

/**
 * The status page's style sheet, inline in every page (no asset to fetch in an air-gapped
 * network): system fonts, one colour per mirror state, and below 760 px every {@code .stack}
 * table turns into one card per row whose cells carry their column's name
 * ({@code data-label}), so a phone never scrolls sideways.
 */
final class StatusCss {
  private StatusCss() {}

  static final String CSS = """
      :root{--bg:#f6f8fa;--card:#fff;--line:#d0d7de;--soft:#eaeef2;--text:#1f2328;\
      --muted:#59636e;--ok:#1a7f37;--ok-bg:#dafbe1;--bad:#cf222e;--bad-bg:#ffebe9;\
      --warn:#7d4e00;--warn-bg:#fff8c5;--run:#0969da;--run-bg:#ddf4ff;--new:#57606a;\
      --new-bg:#eaeef2;--mono:ui-monospace,SFMono-Regular,"SF Mono",Menlo,Consolas,\
      "Liberation Mono",monospace}
      *{box-sizing:border-box}
      html{-webkit-text-size-adjust:100%}
      body{margin:0;background:var(--bg);color:var(--text);font:14px/1.45 system-ui,\
      -apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
      header.top{background:#1f2328;color:#fff;padding:12px 20px;display:flex;flex-wrap:wrap;\
      gap:4px 16px;align-items:baseline;justify-content:space-between}
      header.top h1{font-size:18px;margin:0;font-weight:600;letter-spacing:.01em}
      header.top .region{margin-left:6px;padding:1px 9px;border-radius:999px;background:#3d444d;\
      font-weight:500;font-size:14px}
      header.top .meta{color:#c9d1d9;font-size:12px}
      header.top a{color:#fff}
      main{max-width:1360px;margin:0 auto;padding:16px}
      .tiles{display:flex;flex-wrap:wrap;gap:10px;margin:0 0 16px}
      .tile{background:var(--card);border:1px solid var(--line);border-radius:8px;\
      padding:8px 14px;min-width:104px;border-top:3px solid var(--line)}
      .tile .num{display:block;font-size:22px;font-weight:600;line-height:1.2}
      .tile .lbl{color:var(--muted);font-size:11px;text-transform:uppercase;letter-spacing:.05em}
      .tile.ok{border-top-color:var(--ok)}.tile.failing{border-top-color:var(--bad)}
      .tile.held{border-top-color:#d4a72c}.tile.syncing{border-top-color:var(--run)}
      .tile.new{border-top-color:var(--new)}
      .tile.failing .num{color:var(--bad)}
      .card{background:var(--card);border:1px solid var(--line);border-radius:8px;\
      margin:0 0 16px;overflow:hidden}
      .card>h2{font-size:14px;margin:0;padding:10px 14px;border-bottom:1px solid var(--line);\
      background:#f6f8fa}
      .card h3{font-size:13px;margin:14px 14px 6px}
      .grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(340px,1fr));gap:0 16px}
      table{border-collapse:collapse;width:100%}
      th,td{text-align:left;padding:8px 12px;vertical-align:top}
      td{border-top:1px solid var(--soft)}
      th{font-size:11px;color:var(--muted);font-weight:600;text-transform:uppercase;\
      letter-spacing:.05em;white-space:nowrap}
      .v{min-width:0;overflow-wrap:anywhere}
      .name{font-weight:600}
      .url{font:12px/1.4 var(--mono);color:var(--muted)}
      .sub{color:var(--muted);font-size:12px}
      .muted{color:var(--muted)}
      .nw{white-space:nowrap}
      .bad{color:var(--bad);font-weight:600}
      .badge{display:inline-block;padding:1px 9px;border-radius:999px;font-size:12px;\
      font-weight:600;background:var(--new-bg);color:var(--new)}
      .badge.ok{color:var(--ok);background:var(--ok-bg)}
      .badge.failing{color:var(--bad);background:var(--bad-bg)}
      .badge.held{color:var(--warn);background:var(--warn-bg)}
      .badge.syncing{color:var(--run);background:var(--run-bg)}
      .progress{margin-top:4px;font-size:12px;color:var(--run)}
      tbody.mirror>tr:first-child>td:first-child{border-left:3px solid transparent}
      tbody.mirror.ok>tr:first-child>td:first-child{border-left-color:var(--ok)}
      tbody.mirror.failing>tr:first-child>td:first-child{border-left-color:var(--bad)}
      tbody.mirror.held>tr:first-child>td:first-child{border-left-color:#d4a72c}
      tbody.mirror.syncing>tr:first-child>td:first-child{border-left-color:var(--run)}
      tbody.mirror.new>tr:first-child>td:first-child{border-left-color:var(--new)}
      tr.error-row>td{border-top:0;padding-top:0}
      .error-label{font-size:11px;font-weight:600;color:var(--bad);text-transform:uppercase;\
      letter-spacing:.05em}
      pre.error{margin:4px 0 0;padding:8px 10px;border-radius:6px;background:var(--bad-bg);\
      color:#82071e;font:12px/1.45 var(--mono);white-space:pre-wrap;overflow-wrap:anywhere}
      details summary{cursor:pointer;color:var(--warn)}
      ul.conflicts,ul.findings{margin:6px 0;padding-left:18px}
      ul.findings{margin:0 14px 12px;padding:0;list-style:none}
      ul.findings li{padding:6px 0;border-top:1px solid var(--soft)}
      code{font:12px var(--mono)}
      svg.chart{display:block;max-width:100%}
      .legend,.lead,.empty{color:var(--muted);font-size:12px;margin:10px 14px}
      .lead{font-size:13px;color:var(--text)}
      .ratio{padding:12px 14px 4px}
      .ratio .big{font-size:22px;font-weight:600}
      svg.meter{display:block;margin:6px 0 4px}
      table.kv th,table.kv td{padding:6px 14px}
      @media (max-width:760px){
      main{padding:10px}
      header.top{padding:10px 12px}
      .grid{display:block}
      .tiles{gap:8px}
      .tile{min-width:0;flex:1 1 70px;padding:6px 10px}
      table.stack thead{display:none}
      table.stack,table.stack tbody,table.stack tr,table.stack td{display:block;width:100%}
      table.stack tbody.mirror,table.stack tbody:not(.mirror)>tr{border-top:1px solid \
      var(--line)}
      table.stack td{border:0;padding:3px 12px;display:flex;gap:10px}
      table.stack td::before{content:attr(data-label);flex:0 0 112px;color:var(--muted);\
      font-size:11px;font-weight:600;text-transform:uppercase;letter-spacing:.05em;\
      padding-top:2px}
      table.stack td.full::before{display:none}
      .abs{display:none}
      table.stack td .v{flex:1}
      table.stack tbody.mirror>tr:first-child>td:first-child{border-left:0}
      table.stack tbody.mirror{border-left:3px solid var(--line);padding:6px 0}
      table.stack tbody.mirror.ok{border-left-color:var(--ok)}
      table.stack tbody.mirror.failing{border-left-color:var(--bad)}
      table.stack tbody.mirror.held{border-left-color:#d4a72c}
      table.stack tbody.mirror.syncing{border-left-color:var(--run)}
      }
      """;
}
