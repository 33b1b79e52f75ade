#include "report/html_assets.h"

namespace sg {

std::string_view report_css() {
  return R"css(
:root{color-scheme:light;--ink:#0f172a;--muted:#475569;--line:#e2e8f0;--head:#f1f5f9;--accent:#1d4ed8}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;color:var(--ink);background:#fff;font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Noto Sans CJK JP","Hiragino Sans",sans-serif;font-size:clamp(14px,1.6vw + 8px,16px);line-height:1.6;overflow-wrap:anywhere}
main{max-width:1200px;margin:0 auto;padding:16px clamp(12px,3vw,32px) 48px}
h1{font-size:1.6em;line-height:1.25;margin:.4em 0 .2em}
h2{font-size:1.25em;margin:1.8em 0 .5em;padding-bottom:.2em;border-bottom:1px solid var(--line)}
.meta{color:var(--muted);margin-top:0}
.note{color:var(--muted);font-size:.9em}
.figure{overflow-x:auto;border:1px solid var(--line);border-radius:6px;padding:8px;background:#fff}
.figure svg{display:block;max-width:100%;height:auto;margin:0 auto}
@media (max-width:700px){.figure.graph svg{max-width:none}}
.filter{display:block;width:min(100%,320px);margin:0 0 8px;padding:6px 10px;font:inherit;border:1px solid #cbd5e1;border-radius:6px}
.table-wrap{overflow-x:auto;max-width:100%;border:1px solid var(--line);border-radius:6px}
table{border-collapse:collapse;width:100%;font-size:.92em}
th,td{padding:6px 10px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
td{overflow-wrap:normal;word-break:normal}
td.ind,td.num,td.date{white-space:nowrap}
td.text{min-width:16em;overflow-wrap:anywhere}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
td.ind{font-family:ui-monospace,"SFMono-Regular",Menlo,Consolas,"Noto Sans Mono",monospace;font-size:.95em}
th{background:var(--head);white-space:nowrap;cursor:pointer;user-select:none;position:sticky;top:0}
th:focus{outline:2px solid var(--accent);outline-offset:-2px}
th[aria-sort=ascending]::after{content:" \25B2";font-size:.75em}
th[aria-sort=descending]::after{content:" \25BC";font-size:.75em}
tbody tr:nth-child(even){background:#f8fafc}
.fact{color:#166534;font-weight:600}
.claim{color:#92400e}
)css";
}

std::string_view report_script() {
  return R"js(
(function () {
  "use strict";
  function plain(text) {
    return text.toLowerCase().split("[.]").join(".").split("[@]").join("@").split("hxxp").join("http");
  }
  function key(cell, numeric) {
    var value = cell.getAttribute("data-sort");
    if (value === null) value = cell.textContent;
    if (numeric) {
      var n = parseFloat(value);
      return isNaN(n) ? -Infinity : n;
    }
    return value.toLowerCase();
  }
  Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), function (table) {
    var heads = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(heads, function (th, index) {
      th.tabIndex = 0;
      function sort() {
        var numeric = th.getAttribute("data-type") === "num";
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(heads, function (other) { other.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = key(a.cells[index], numeric), y = key(b.cells[index], numeric);
          var order = x < y ? -1 : x > y ? 1 : 0;
          return ascending ? order : -order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      }
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") {
          event.preventDefault();
          sort();
        }
      });
    });
  });
  Array.prototype.forEach.call(document.querySelectorAll("input.filter"), function (input) {
    var table = document.getElementById(input.getAttribute("data-table"));
    if (!table) return;
    input.addEventListener("input", function () {
      var query = plain(input.value.trim());
      Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
        row.hidden = query !== "" && plain(row.textContent).indexOf(query) < 0;
      });
    });
  });
})();
)js";
}

}  // namespace sg
